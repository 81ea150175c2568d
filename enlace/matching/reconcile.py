"""Batch reconciliation: every matchable person against every other country's, through the engine."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from enlace.audit import context as audit_context
from enlace.cases.matching_source import matchable_persons, persons_by_pk
from enlace.cases.models import entity_pk_from_record_id

from .actions import do_record_hit

COLUMNS = ["record_id", "source_country", "given_names", "surname_1", "surname_2", "sex", "dob", "nationality",
           "doc_type", "doc_number", "phone"]


def reconcile_all() -> dict:
    from .engine.batch import link_csv
    from .engine.model import load_model
    from .engine.normalize import normalise_record
    from .index import DatabaseIndex

    audit_context.set_channel("system")
    records = {r["record_id"]: r for r in matchable_persons()}
    new = pairs = 0
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with src.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows({k: r.get(k, "") for k in COLUMNS} for r in records.values())
        if records:
            link_csv(str(src), str(out))
            with out.open(encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
        else:
            rows = []
    # The shared index of the online check is rebuilt from the same records (a repair after an engine
    # upgrade or a lost check); the explanation of a pair depends only on the two records.
    DatabaseIndex().rebuild(records.values())
    model = load_model()
    wanted = {entity_pk_from_record_id(row[side]) for row in rows for side in ("record_id_l", "record_id_r")}
    persons = persons_by_pk(wanted, reason="matching: batch reconciliation of the linked pairs") if rows else {}
    for row in rows:
        left, right = records.get(row["record_id_l"]), records.get(row["record_id_r"])
        if not left or not right or left["source_country"] == right["source_country"]:
            continue
        pairs += 1
        explanation = model.explain(model.levels(normalise_record(left), normalise_record(right)))
        pl = persons.get(entity_pk_from_record_id(left["record_id"]))
        pr = persons.get(entity_pk_from_record_id(right["record_id"]))
        if pl is None or pr is None:  # deleted since the batch read
            continue
        new += len(do_record_hit(pl, left, pr, right, float(row["match_probability"]), explanation))
    return {"records": len(records), "pairs": pairs, "new_notices": new}

