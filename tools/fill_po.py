"""Fill an English catalogue from a {msgid: msgstr} dict (developer tool; the .po is the source)."""

import sys

import polib


def fill(po_path: str, translations: dict) -> list[str]:
    po = polib.pofile(po_path)
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not entry.msgstr:
            missing.append(entry.msgid)
    po.save(po_path)
    return missing


if __name__ == "__main__":
    namespace: dict = {}
    exec(open(sys.argv[1]).read(), namespace)
    for path in sys.argv[2:]:
        print(path, "missing:", fill(path, namespace["T"]))
