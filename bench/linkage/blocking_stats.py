"""Reach and cost of candidate generation: share of the true cross-country pairs that share at least
one blocking key (the most recall any threshold can give) and candidate pairs per record.

Uses the engine's own keys and rules (:mod:`enlace.matching.engine.blocking`)."""

from __future__ import annotations

import csv


def blocking_stats(records_csv: str, truth_csv: str, threads: int | None = None) -> dict:
    import duckdb

    from enlace.matching.engine.blocking import BLOCKING_RULES
    from enlace.matching.engine.table import csv_to_columns, load_columns

    cols, _ = csv_to_columns(records_csv, workers=threads)
    con = duckdb.connect(config={"memory_limit": "3GB", "preserve_insertion_order": False})
    try:
        keys = sorted({k for rule in BLOCKING_RULES for k in rule})
        load_columns(con, cols, "f", where='WHERE "record_id" IS NOT NULL')
        del cols
        with open(truth_csv, newline="", encoding="utf-8") as fh:
            truth = [(r["record_id"], r["cluster_id"]) for r in csv.DictReader(fh)]
        con.execute("CREATE TABLE truth (record_id VARCHAR, cluster_id VARCHAR)")
        con.executemany("INSERT INTO truth VALUES (?, ?)", truth) if len(truth) < 20_000 else _bulk(con, truth)
        kc = ", ".join(f'"{k}"' for k in keys)
        con.execute(f'CREATE TABLE t AS SELECT row_number() OVER () AS idx, f."source_country" AS src, '
                    f't2.cluster_id, {kc} FROM f LEFT JOIN truth t2 USING (record_id)')
        n = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
        parts = []
        for a, b in BLOCKING_RULES:
            cond = f'l."{a}" = r."{b}" AND l.src <> r.src'
            if a == b:
                cond += " AND l.idx < r.idx"
            parts.append(f"SELECT least(l.idx, r.idx) AS i, greatest(l.idx, r.idx) AS j FROM t l JOIN t r ON {cond}")
        con.execute(f"CREATE TABLE cand AS {' UNION '.join(parts)}")
        n_cand = con.execute("SELECT count(*) FROM cand").fetchall()[0][0]
        con.execute("CREATE TABLE tp AS SELECT a.idx AS i, b.idx AS j FROM t a JOIN t b ON a.cluster_id = b.cluster_id "
                    "AND a.idx < b.idx AND a.src <> b.src")
        n_true = con.execute("SELECT count(*) FROM tp").fetchall()[0][0]
        reached = con.execute("SELECT count(*) FROM tp JOIN cand USING (i, j)").fetchall()[0][0]
    finally:
        con.close()
    return {"records": n, "candidate_pairs": n_cand, "candidates_per_record": round(2 * n_cand / max(n, 1), 2),
            "true_pairs": n_true, "reachable_true_pairs": reached,
            "reachable_share": round(reached / n_true, 5) if n_true else 1.0}


def _bulk(con, rows):
    import pyarrow as pa

    tbl = pa.table({"record_id": [r[0] for r in rows], "cluster_id": [str(r[1]) for r in rows]})
    con.register("__truth", tbl)
    con.execute("INSERT INTO truth SELECT * FROM __truth")
    con.unregister("__truth")
