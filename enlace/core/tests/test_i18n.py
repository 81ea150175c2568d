"""Spanish first, English complete: every app's English catalogue is full, compiled and current."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

ENLACE = Path(__file__).resolve().parents[2]
APPS = sorted(p.parent.name for p in ENLACE.glob("*/apps.py"))
USES_GETTEXT = re.compile(r"gettext|{% *translate|{% *blocktranslate|{% *trans ")


def _apps_with_strings():
    found = []
    for app in APPS:
        for path in (ENLACE / app).rglob("*"):
            if "tests" in path.parts or path.suffix not in {".py", ".html", ".txt"} or not path.is_file():
                continue
            if USES_GETTEXT.search(path.read_text(encoding="utf-8", errors="replace")):
                found.append(app)
                break
    return found


@pytest.mark.parametrize("app", _apps_with_strings())
def test_every_app_with_strings_has_a_complete_english_catalogue(app):
    po_path = ENLACE / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert po_path.exists(), f"{app}: no English catalogue (run make messages)"
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated and not fuzzy, {"untranslated": untranslated[:20], "fuzzy": fuzzy[:20]}


@pytest.mark.parametrize("app", _apps_with_strings())
def test_compiled_catalogue_matches_the_po_file(app):
    po_path = ENLACE / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{app}: compiled catalogue missing (compilemessages)"
    mo = polib.mofile(str(mo_path))
    compiled = {e.msgid: e.msgstr for e in mo}
    for entry in polib.pofile(str(po_path)).translated_entries():
        if entry.msgid_plural:
            continue
        assert compiled.get(entry.msgid) == entry.msgstr, f"{app}: .mo is stale for {entry.msgid!r} (compilemessages)"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools not installed (make test installs them)")
@pytest.mark.parametrize("app", _apps_with_strings())
def test_no_string_in_the_code_is_missing_from_the_catalogue(app, tmp_path):
    """Re-extract the strings from a copy of the app: nothing new may appear untranslated."""
    copy = tmp_path / app
    shutil.copytree(ENLACE / app, copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "static"))
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete"], cwd=copy,
                   check=True, capture_output=True, env={"DJANGO_SETTINGS_MODULE": "enlace.settings.base",
                                                          "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ENLACE.parent)})
    po = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert not missing, f"{app}: strings without English translation: {missing[:20]}"


def test_spanish_is_the_default_language(settings):
    assert settings.LANGUAGE_CODE == "es"
    with translation.override("en"):
        assert translation.gettext("Cerrar sesión") == "Sign out"
