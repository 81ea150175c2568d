"""Batch record linkage of a CSV file with Splink on DuckDB.

    python -m enlace.matching.engine.batch INPUT.csv -o PAIRS.csv [--threshold 0.9]

Input columns: ``record_id,source_country,given_names,surname_1,surname_2,sex,dob,nationality,
doc_type,doc_number,phone`` (ISO 3166 alpha-3 countries, ISO dates, empty = missing; extra
columns are ignored).  Output columns: ``record_id_l,record_id_r,match_probability``, one row per
pair of records from *different* source countries whose match probability is at or above the
threshold (default :data:`DEFAULT_THRESHOLD`).

Steps: read and normalise every record (:mod:`.normalize`), load them into DuckDB, generate
candidate pairs with the blocking rules of :mod:`.blocking` (document, phone, phonetic name keys with
date-of-birth variants, swapped-name keys; always across source countries; key values carried by
more than ``KEY_VALUE_CAP`` records propose nothing), score them with Splink
using the trained parameters of ``model.json`` and write the pairs above the threshold.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time

from .blocking import apply_cap
from .model import DEFAULT_THRESHOLD, Model, load_model, threshold_to_match_weight
from .table import InputError, csv_to_columns, load_columns

__all__ = ["DEFAULT_THRESHOLD", "InputError", "link_csv", "link_features", "main"]

OUTPUT_COLUMNS = ("record_id_l", "record_id_r", "match_probability")
#: DuckDB memory limit for the batch (spills to a temporary directory beyond it).
DUCKDB_MEMORY_LIMIT = os.environ.get("ENLACE_LINK_MEMORY_LIMIT", "3GB")


def _connect(threads: int | None = None):
    import duckdb

    con = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY_LIMIT,
                                 "temp_directory": os.path.join(tempfile.gettempdir(), "enlace-duckdb"),
                                 "preserve_insertion_order": False})
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def link_features(con, table: str, n_records: int, threshold: float, model: Model):
    """Run Splink over DuckDB table ``table``; returns the Splink dataframe of predictions."""
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)
    linker = Linker(table, model.splink_settings(n_records), db_api=DuckDBAPI(connection=con), set_up_basic_logging=False)
    return linker.inference.predict(threshold_match_probability=threshold)


def link_csv(input_path: str, output_path: str, threshold: float | None = None, *, model_path: str | None = None,
             threads: int | None = None) -> dict:
    """Link the records of ``input_path`` and write the cross-country pairs to ``output_path``.

    Returns statistics: records read, pairs written, threshold, and the time of each step.
    Raises :class:`InputError` for a missing/empty file, missing columns or duplicate record ids.
    """
    t0 = time.perf_counter()
    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    if not 0.0 < threshold < 1.0:
        raise ValueError("threshold must be strictly between 0 and 1")
    model = load_model(model_path)
    columns, n_read = csv_to_columns(input_path, workers=threads)
    t_norm = time.perf_counter()
    con = _connect(threads)
    try:
        load_columns(con, columns, "enlace_records", where='WHERE "record_id" IS NOT NULL')
        del columns
        n, no_source = con.execute('SELECT count(*), count(*) - count("source_country") FROM enlace_records').fetchone()
        if n == 0:
            raise InputError(f"{input_path}: no records (only a header)")
        dup = con.execute('SELECT "record_id" FROM enlace_records GROUP BY 1 HAVING count(*) > 1 LIMIT 1').fetchone()
        if dup:
            raise InputError(f"duplicate record_id {dup[0]!r}")
        stats = {"records": n, "records_without_id": n_read - n, "records_without_source_country": no_source,
                 "threshold": threshold, "prior": model.prior(n)}
        # the cap of the blocking keys (bounded cost): the same counts as the online indexes
        stats["capped_key_values"] = sum(apply_cap(con, "enlace_records").values())
        t_load = time.perf_counter()
        pred = link_features(con, "enlace_records", n, threshold, model)
        t_link = time.perf_counter()
        os.makedirs(os.path.dirname(os.path.abspath(output_path)), exist_ok=True)
        mw = threshold_to_match_weight(threshold)
        tmp = output_path + ".part"
        con.execute(
            f"COPY (SELECT record_id_l, record_id_r, match_probability "
            f"FROM {pred.physical_name} WHERE match_weight >= {mw!r} ORDER BY record_id_l, record_id_r) "
            f"TO '{_sql_str(tmp)}' (HEADER, DELIMITER ',')")
        os.replace(tmp, output_path)
        stats["pairs"] = con.execute(f"SELECT count(*) FROM {pred.physical_name} WHERE match_weight >= {mw!r}"
                                     ).fetchone()[0]
    finally:
        con.close()
    t_end = time.perf_counter()
    stats.update({"seconds_normalise": round(t_norm - t0, 2), "seconds_load": round(t_load - t_norm, 2),
                  "seconds_link": round(t_link - t_load, 2), "seconds_write": round(t_end - t_link, 2),
                  "seconds_total": round(t_end - t0, 2)})
    return stats


def _sql_str(s: str) -> str:
    return s.replace("'", "''")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m enlace.matching.engine.batch",
                                 description="Link person records across CRM countries (hit/no-hit).")
    ap.add_argument("input", help="input CSV (record_id,source_country,given_names,...)")
    ap.add_argument("-o", "--output", required=True, help="output CSV of pairs")
    ap.add_argument("-t", "--threshold", type=float, default=None,
                    help=f"minimum match probability (default {DEFAULT_THRESHOLD})")
    ap.add_argument("--model", default=None, help="model file (default: the shipped model.json)")
    ap.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all cores)")
    a = ap.parse_args(argv)
    try:
        stats = link_csv(a.input, a.output, a.threshold, model_path=a.model, threads=a.threads)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
