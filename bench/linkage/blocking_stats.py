#!/usr/bin/env python
"""Reach and cost of candidate generation: share of the true cross-country pairs that share at least
one blocking key (the most recall any threshold can give) and candidate pairs per record.

Uses the engine's own keys, rules and cap (:mod:`enlace.matching.engine.blocking`), so the pairs
counted are the pairs the batch scores.

    .venv/bin/python bench/linkage/blocking_stats.py                         # generator, alt, febrl at 100k
    .venv/bin/python bench/linkage/blocking_stats.py --sources alt --cap 0   # without the cap
    .venv/bin/python bench/linkage/blocking_stats.py --distribution          # key-value frequencies
    .venv/bin/python bench/linkage/blocking_stats.py --sizes 1000000 --sources generator
    .venv/bin/python bench/linkage/blocking_stats.py --sources alt --rules   # what each rule adds

``--distribution`` prints, per key column, how many values are carried by more than 30/100/300/1000
records and the share of the column's within-value pairs they account for: the cap is chosen where
few values (well under 1 %) carry most of the pairs, on every source alike.

``--rules`` prints, per rule (both directions of an asymmetric rule together), its candidate pairs per
record, the pairs *only* it proposes, the true pairs it reaches and those only it reaches: a rule with
many pairs of its own and few true pairs of its own costs without reaching (how the rules of
:mod:`enlace.matching.engine.blocking` were chosen at 1M).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CAPS = (30, 100, 300, 1000)


def blocking_stats(records_csv: str, truth_csv: str, threads: int | None = None, cap: int | None = None,
                   distribution: bool = False, rules: bool = False) -> dict:
    """Reach and candidates per record of the engine's blocking on ``records_csv`` (``cap``: None = the
    engine's :data:`KEY_VALUE_CAP`, 0 = no cap)."""
    import duckdb

    from enlace.matching.engine import blocking
    from enlace.matching.engine.table import csv_to_columns, load_columns

    cols, _ = csv_to_columns(records_csv, workers=threads)
    con = duckdb.connect(config={"memory_limit": "3GB", "preserve_insertion_order": False})
    try:
        keys = blocking.rule_columns()
        load_columns(con, cols, "f", where='WHERE "record_id" IS NOT NULL')
        del cols
        dist = _distribution(con, keys) if distribution else None
        used_cap = blocking.KEY_VALUE_CAP if cap is None else cap
        capped = blocking.apply_cap(con, "f", used_cap) if used_cap else {}
        with open(truth_csv, newline="", encoding="utf-8") as fh:
            truth = [(r["record_id"], r["cluster_id"]) for r in csv.DictReader(fh)]
        con.execute("CREATE TABLE truth (record_id VARCHAR, cluster_id VARCHAR)")
        con.executemany("INSERT INTO truth VALUES (?, ?)", truth) if len(truth) < 20_000 else _bulk(con, truth)
        kc = ", ".join(f'"{k}"' for k in keys)
        con.execute(f'CREATE TABLE t AS SELECT row_number() OVER () AS idx, f."source_country" AS src, '
                    f't2.cluster_id, {kc} FROM f LEFT JOIN truth t2 USING (record_id)')
        n = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
        parts = []
        for a, b in blocking.BLOCKING_RULES:
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
        # the most candidates any record gets (the bound the cap keeps)
        max_cand = con.execute("SELECT coalesce(max(c), 0) FROM (SELECT x, count(*) AS c FROM "
                               "(SELECT i AS x FROM cand UNION ALL SELECT j FROM cand) GROUP BY x)").fetchall()[0][0]
        per_rule = _per_rule(con, blocking.BLOCKING_RULES, n) if rules else None
    finally:
        con.close()
    out = {"records": n, "candidate_pairs": n_cand, "candidates_per_record": round(2 * n_cand / max(n, 1), 2),
           "max_candidates_of_a_record": max_cand, "true_pairs": n_true, "reachable_true_pairs": reached,
           "reachable_share": round(reached / n_true, 5) if n_true else 1.0, "cap": used_cap or None,
           "capped_key_values": sum(capped.values())}
    if dist is not None:
        out["distribution"] = dist
    if per_rule is not None:
        out["rules"] = per_rule
    return out


def _per_rule(con, rules, n: int) -> dict:
    """Per rule: candidate pairs per record, pairs per record no other rule proposes, true pairs reached
    and true pairs no other rule reaches (tables ``t``, ``tp`` of :func:`blocking_stats`)."""
    groups: dict[str, list] = {}
    for a, b in rules:
        groups.setdefault(a if a == b else "/".join(sorted((a, b))), []).append((a, b))
    con.execute("CREATE TABLE allc (i BIGINT, j BIGINT, rule VARCHAR)")
    for name, pairs in groups.items():
        parts = [f"SELECT least(l.idx, r.idx) AS i, greatest(l.idx, r.idx) AS j FROM t l JOIN t r ON "
                 f'l."{a}" = r."{b}" AND l.src <> r.src' + (" AND l.idx < r.idx" if a == b else "") for a, b in pairs]
        con.execute(f"INSERT INTO allc SELECT DISTINCT i, j, '{name}' FROM ({' UNION ALL '.join(parts)})")
    con.execute("CREATE TABLE owned AS SELECT i, j, any_value(rule) AS rule FROM allc GROUP BY i, j HAVING count(*) = 1")
    rows = con.execute(
        "SELECT a.rule, a.n, coalesce(b.n, 0), coalesce(c.n, 0), coalesce(d.n, 0) FROM "
        "(SELECT rule, count(*) AS n FROM allc GROUP BY 1) a "
        "LEFT JOIN (SELECT rule, count(*) AS n FROM owned GROUP BY 1) b USING (rule) "
        "LEFT JOIN (SELECT rule, count(*) AS n FROM allc SEMI JOIN tp USING (i, j) GROUP BY 1) c USING (rule) "
        "LEFT JOIN (SELECT rule, count(*) AS n FROM owned SEMI JOIN tp USING (i, j) GROUP BY 1) d USING (rule) "
        "ORDER BY 3 DESC").fetchall()
    return {r[0]: {"per_record": round(2 * r[1] / max(n, 1), 2), "own_per_record": round(2 * r[2] / max(n, 1), 2),
                   "true": r[3], "own_true": r[4]} for r in rows}


def _distribution(con, keys) -> dict:
    """Per key column: values, largest count, and for each cap in :data:`CAPS` the values above it and
    the share of the column's within-value pairs (Σ c(c-1)/2) they carry."""
    out = {}
    for k in keys:
        sel = ", ".join(f"count(*) FILTER (WHERE c > {c}), coalesce(sum(c * (c - 1) / 2) FILTER (WHERE c > {c}), 0)"
                        for c in CAPS)
        row = con.execute(f'SELECT count(*), coalesce(max(c), 0), coalesce(sum(c * (c - 1) / 2), 0), {sel} FROM '
                          f'(SELECT count(*) AS c FROM f WHERE "{k}" IS NOT NULL GROUP BY "{k}")').fetchall()[0]
        values, biggest, pairs = row[0], row[1], float(row[2])
        d = {"values": values, "max": biggest, "pairs": int(pairs)}
        for i, c in enumerate(CAPS):
            share = round(float(row[4 + 2 * i]) / pairs, 3) if pairs else 0.0
            d[f">{c}"] = {"values": row[3 + 2 * i], "pair_share": share}
        out[k] = d
    return out


def _bulk(con, rows):
    import pyarrow as pa

    tbl = pa.table({"record_id": [r[0] for r in rows], "cluster_id": [str(r[1]) for r in rows]})
    con.register("__truth", tbl)
    con.execute("INSERT INTO truth SELECT * FROM __truth")
    con.unregister("__truth")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Reach and cost of the engine's candidate generation, per source")
    ap.add_argument("--sources", default="generator,alt,febrl", help="comma-separated: generator, alt, febrl")
    ap.add_argument("--sizes", default="100000", help="records per generated source (febrl is always 10,000)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--cap", type=int, default=None, help="key-value cap (default: the engine's; 0 = none)")
    ap.add_argument("--distribution", action="store_true", help="print the key-value frequency distribution")
    ap.add_argument("--rules", action="store_true", help="print what each rule proposes and reaches on its own")
    a = ap.parse_args(argv)
    sys.path.insert(0, ROOT)
    sys.path.insert(0, HERE)
    import run  # noqa: E402  (the benchmark's data files: generated once, cached in bench/out)

    load = os.getloadavg()[0]
    results = []
    for source in [s.strip() for s in a.sources.split(",") if s.strip()]:
        for n in [int(s) for s in a.sizes.split(",")][: 1 if source == "febrl" else None]:
            path, truth, _ = run.ensure_data(n, a.seed, run.generate.DOB_MISSING, source)
            r = blocking_stats(path, truth, cap=a.cap, distribution=a.distribution, rules=a.rules)
            r["source"] = source
            results.append(r)
            print(f"{source:9} {r['records']:>8} records  reach {r['reachable_share']:.4f} "
                  f"({r['reachable_true_pairs']}/{r['true_pairs']})  {r['candidates_per_record']:>6} cand/record  "
                  f"max {r['max_candidates_of_a_record']}  cap {r['cap']} ({r['capped_key_values']} values capped)",
                  flush=True)
            if a.distribution:
                for k, d in r["distribution"].items():
                    above = "  ".join(f"{c} {v['values']} ({v['pair_share']:.2f})" for c, v in d.items() if c[0] == ">")
                    print(f"    {k:12} {d['values']:>7} values  max {d['max']:>6}  above {above}")
            if a.rules:
                print(f"    {'rule':28} {'pairs/rec':>9} {'own/rec':>8} {'true':>8} {'own true':>8}")
                for k, d in r["rules"].items():
                    print(f"    {k:28} {d['per_record']:9.2f} {d['own_per_record']:8.2f} {d['true']:8} {d['own_true']:8}")
    print(f"load average at start {load:.2f}; " + json.dumps([{k: r[k] for k in ("source", "reachable_share",
                                                              "candidates_per_record")} for r in results]))


if __name__ == "__main__":
    main()
