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
import math
import os
import sys
import tempfile
import time

from .blocking import apply_cap
from .model import (DEFAULT_THRESHOLD, TF_MIN_RECORDS, Model, load_model, prob_to_bayes_factor,
                    threshold_to_match_weight)
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
    """Run Splink over DuckDB table ``table`` and apply the name rarity; returns a table (an object
    with ``physical_name``) of pairs with ``record_id_l, record_id_r, match_weight, match_probability``,
    all those at or above ``threshold`` (and some below).

    Two passes: Splink's pairs above the threshold, re-scored with the rarity (which may lower them);
    then the pairs the same rules compare that share a name whose rarity can *raise* a pair (a bounded
    set: at most ``C(k, 2)`` pairs per name), asked from Splink down to the threshold less the largest
    rise the rarity gives in this file, and re-scored the same way."""
    import copy

    from splink import DuckDBAPI, Linker

    from .blocking import BLOCKING_RULES, rule_sql

    logging.getLogger("splink").setLevel(logging.WARNING)
    settings = model.splink_settings(n_records)
    uplift = name_rarity_uplift(con, table, n_records, model)  # also marks the names that can raise (rare_<key>)
    api = DuckDBAPI(connection=con)
    if model.name_rarity and n_records >= TF_MIN_RECORDS:
        settings["retain_intermediate_calculation_columns"] = True
    pred = Linker(table, settings, db_api=api, set_up_basic_logging=False).inference.predict(
        threshold_match_probability=threshold)
    if not settings.get("retain_intermediate_calculation_columns"):
        return pred
    scored = apply_name_rarity(con, table, pred.physical_name, n_records, model, "enlace_scored")
    if uplift <= 0:
        return scored
    compared = " OR ".join(f"({rule_sql(a, b)})" for a, b in BLOCKING_RULES)
    rare = copy.deepcopy(settings)
    rare["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": f'l."rare_{col}" = r."rare_{col}" AND l."source_country" <> r."source_country" AND ({compared})',
         "sql_dialect": "duckdb"} for col in model.name_rarity]
    low = threshold_to_match_weight(threshold) - uplift
    again = Linker(table, rare, db_api=api, set_up_basic_logging=False).inference.predict(
        threshold_match_probability=1.0 / (1.0 + 2.0 ** -low))
    raised = apply_name_rarity(con, table, again.physical_name, n_records, model, "enlace_raised")
    con.execute(f"INSERT INTO {scored.physical_name} SELECT * FROM {raised.physical_name} q ANTI JOIN "
                f"{scored.physical_name} p ON q.record_id_l = p.record_id_l AND q.record_id_r = p.record_id_r")
    return scored


class _Table:
    def __init__(self, name: str):
        self.physical_name = name


def _rarity_case(model: Model, column: str, n_records: int, k: str, years: str | None) -> str:
    """SQL: log2 of the name rarity's Bayes factor for ``k`` records carrying the name whose other
    records were born in ``years`` (class 0/1/2) distinct years; NULL beyond the bins.  ``years=None``:
    the largest over the classes (a bound)."""
    bins, ps = model.name_rarity[column]
    prior = math.log2(prob_to_bayes_factor(model.prior(n_records)))

    def w(p):
        return repr(math.log2(prob_to_bayes_factor(p)) - prior)

    whens = []
    for top, row in zip(bins, ps):
        if years is None:
            val = w(max(row))
        else:
            val = "(CASE " + " ".join(f"WHEN {years} = {i} THEN {w(p)}" for i, p in enumerate(row[:-1])) \
                  + f" ELSE {w(row[-1])} END)"
        whens.append(f"WHEN {k} <= {top} THEN {val}")
    return f"(CASE {' '.join(whens)} END)"


def _level(model: Model, comparison: str, label: str) -> tuple[float, float]:
    """log2 of the Bayes factor of a term-frequency level and log2 of its u (the tf numerator)."""
    from .comparisons import COMPARISONS

    ci = next(i for i, c in enumerate(COMPARISONS) if c.name == comparison)
    li = next(i for i, lev in enumerate(COMPARISONS[ci].levels) if lev.label == label)
    return math.log2(model.bayes_factors[ci][li]), math.log2(model.tf_levels[ci][li][1])


def _counts(con, table: str, model: Model) -> None:
    """Tables of how many records carry each name and in how many birth years (only the names within
    the bins of the model), and of the records per (name, birth year)."""
    for col, (bins, _ps) in model.name_rarity.items():
        con.execute(f'CREATE OR REPLACE TEMP TABLE "rarity_{col}" AS SELECT "{col}" AS v, count(*) AS k, '
                    f'count(DISTINCT substr("dob_s", 1, 4)) AS ny FROM "{table}" WHERE "{col}" IS NOT NULL '
                    f'GROUP BY 1 HAVING count(*) BETWEEN 2 AND {bins[-1]}')
        con.execute(f'CREATE OR REPLACE TEMP TABLE "rarity_{col}_y" AS SELECT "{col}" AS v, substr("dob_s", 1, 4) AS y, '
                    f'count(*) AS n FROM "{table}" WHERE "dob_s" IS NOT NULL AND "{col}" IN (SELECT v FROM "rarity_{col}") '
                    f'GROUP BY 1, 2')


def _old_name_weight(model: Model, col: str) -> tuple[str, tuple[str, ...]]:
    """SQL (over one record ``r`` carrying the name and tf subqueries tg/ts/tp) of the weight Splink gives
    the names of two records sharing ``col``'s value, with the record columns it needs: the levels
    the pair necessarily lands in (see model.NAME_RARITY_KEYS) with their term frequencies."""
    g_bf, g_u = _level(model, "given_names", "exact")
    s_bf, s_u = _level(model, "surnames", "exact")
    given_exact = f"({g_bf + g_u!r} - tg.l)"
    surn_exact = f"({s_bf + s_u!r} - ts.l)"
    if col == "nk_full":
        return f"{given_exact} + {surn_exact}", ("g_norm", "sn_full")
    if col == "nk_first":
        f_bf, f_u = _level(model, "surnames", "first surname, second missing on one side")
        # both without a second surname: the exact level on sn_full (= the first surname, looked up by
        # sn1); one without: the first-surname level on its phonetic form.  The smaller of the two.
        return (f"{given_exact} + least(coalesce({s_bf + s_u!r} - ts1.l, 1e9), {f_bf + f_u!r} - tp.l)",
                ("g_norm", "sn1", "sn1_ph"))
    if col == "nk_g1":
        first = math.log2(_bf(model, "given_names", "first name matches, second compatible"))
        return f"({first!r}) + {surn_exact}", ("sn_full",)
    swapped = math.log2(_bf(model, "surnames", "surnames in swapped order"))
    return f"{given_exact} + ({swapped!r})", ("g_norm",)


def _bf(model: Model, comparison: str, label: str) -> float:
    from .comparisons import COMPARISONS

    ci = next(i for i, c in enumerate(COMPARISONS) if c.name == comparison)
    li = next(i for i, lev in enumerate(COMPARISONS[ci].levels) if lev.label == label)
    return model.bayes_factors[ci][li]


def name_rarity_uplift(con, table: str, n_records: int, model: Model) -> float:
    """The most (bits) the name rarity raises a pair of this table above Splink's weight: the largest
    difference, over the names carried by at least two records, between the rarity's weight and the
    weight Splink gives two records sharing that name (its levels with their term frequencies).
    0 when the model has no rarity or the table is too small for term frequencies."""
    if not model.name_rarity or n_records < TF_MIN_RECORDS:
        return 0.0
    _counts(con, table, model)

    def tf(col):
        return (f'(SELECT "{col}" AS v, log2(count(*)::DOUBLE / sum(count(*)) OVER ()) AS l FROM "{table}" '
                f'WHERE "{col}" IS NOT NULL GROUP BY 1)')

    joins = {"g_norm": f'JOIN {tf("g_norm")} tg ON tg.v = r."g_norm"',
             "sn_full": f'JOIN {tf("sn_full")} ts ON ts.v = r."sn_full"',
             "sn1": f'LEFT JOIN {tf("sn_full")} ts1 ON ts1.v = r."sn1"',
             "sn1_ph": f'JOIN {tf("sn1_ph")} tp ON tp.v = r."sn1_ph"'}
    best = 0.0
    for col in model.name_rarity:
        old, needs = _old_name_weight(model, col)
        cols = ", ".join(f'"{c}"' for c in (col, *needs))
        # the rise each name can give (over the forms its records take), and the names that can rise
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE "rise_{col}" AS SELECT c.v, max({_rarity_case(model, col, n_records, "c.k", None)} '
            f'- ({old})) AS rise FROM "rarity_{col}" c JOIN (SELECT DISTINCT {cols} FROM "{table}") r ON r."{col}" = c.v '
            + " ".join(joins[n] for n in needs) + " GROUP BY 1")
        got = con.execute(f'SELECT max(rise) FROM "rise_{col}"').fetchall()[0][0]
        con.execute(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "rare_{col}" VARCHAR')
        con.execute(f'UPDATE "{table}" SET "rare_{col}" = "{col}" WHERE "{col}" IN (SELECT v FROM "rise_{col}" WHERE rise > 0)')
        if got is not None:
            best = max(best, float(got))
    return best


def apply_name_rarity(con, table: str, pred: str, n_records: int, model: Model, out: str) -> _Table:
    """Splink's pairs with the name rarity applied as :meth:`.model.Model.bayes_factor` does: for a
    pair sharing a name carried by few enough records, the names' part of the weight (given names
    and surnames, with their term frequencies) is replaced by the rarity's.  The first key of
    ``NAME_RARITY_KEYS`` that the pair shares decides, even when its name is too frequent."""
    from .model import NAME_RARITY_KEYS

    names = ('log2(p."bf_given_names" * coalesce(p."bf_tf_adj_given_names", 1) * p."bf_surnames" '
             '* coalesce(p."bf_tf_adj_surnames", 1))')
    whens, joins = [], []
    for i, (col, _py, cond) in enumerate(NAME_RARITY_KEYS):
        shared = f'a."{col}" IS NOT NULL AND a."{col}" = b."{col}" AND {cond}'
        if col in model.name_rarity:
            on = f'a."{col}" = b."{col}"'
            joins.append(f'LEFT JOIN "rarity_{col}" c{i} ON c{i}.v = a."{col}" AND {on} '
                         f'LEFT JOIN "rarity_{col}_y" ya{i} ON ya{i}.v = a."{col}" AND {on} AND ya{i}.y = substr(a."dob_s", 1, 4) '
                         f'LEFT JOIN "rarity_{col}_y" yb{i} ON yb{i}.v = a."{col}" AND {on} AND yb{i}.y = substr(b."dob_s", 1, 4)')
            # the name's other birth years, as model.Model.other_years counts them
            same_year = 'substr(a."dob_s", 1, 4) = substr(b."dob_s", 1, 4)'
            years = (f'least(greatest(c{i}.ny - (CASE WHEN ya{i}.n = (CASE WHEN {same_year} THEN 2 ELSE 1 END) THEN 1 ELSE 0 END) '
                     f'- (CASE WHEN b."dob_s" IS NOT NULL AND (a."dob_s" IS NULL OR NOT {same_year}) AND yb{i}.n = 1 '
                     f'THEN 1 ELSE 0 END), 0), {len(model.name_rarity[col][1][0]) - 1})')
            rarity = _rarity_case(model, col, n_records, f"c{i}.k", years)
            whens.append(f"WHEN {shared} THEN coalesce(p.match_weight - {names} + {rarity}, p.match_weight)")
        else:
            whens.append(f"WHEN {shared} THEN p.match_weight")
    new_mw = f"CASE {' '.join(whens)} ELSE p.match_weight END"
    con.execute(
        f'CREATE OR REPLACE TEMP TABLE {out} AS SELECT record_id_l, record_id_r, mw AS match_weight, '
        f'1.0 / (1.0 + pow(2.0, -mw)) AS match_probability FROM ('
        f'SELECT p.record_id_l, p.record_id_r, {new_mw} AS mw FROM {pred} p '
        f'JOIN "{table}" a ON a."record_id" = p.record_id_l JOIN "{table}" b ON b."record_id" = p.record_id_r '
        f'{" ".join(joins)})')
    return _Table(out)


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
