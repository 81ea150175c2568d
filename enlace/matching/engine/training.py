"""Training of the linkage model on labelled synthetic records (``bench/linkage/train.py``; never at runtime).

The result is a Splink settings dictionary (the comparisons of :mod:`.comparisons`, the blocking
rules, and an m and a u probability for every level) saved as ``model.json``.

How the probabilities are estimated, by counting comparison levels with the very SQL conditions
Splink runs at prediction time, in DuckDB:

* **m** (P(level | same person)): over every pair of records of the same person (the ground-truth
  cluster), as Splink's ``estimate_m_from_label_column`` does.
* **u** (P(level | different persons)) for the surname comparison: over uniformly random pairs of
  records of *different* persons.  (Splink's ``estimate_u_using_random_sampling`` samples pairs
  without looking at labels, so true matches leak in and a shared document number looked a
  hundred times more common than it is.)
* **u** for every other comparison: over random pairs of different persons *that share the first
  surname* (phonetic).  These are the pairs that matter when deciding (a candidate pair almost
  always agrees on a name), and among them relatives are over-represented: brothers and sisters
  born a few years apart, fathers and sons, a family phone.  Counting u there accounts for that
  dependence, which the independence assumption of Fellegi-Sunter would otherwise ignore (with
  u from random pairs a shared phone weighed 24 bits and a father and son sharing a phone matched).

Levels never observed get a floor count of half a pair, so every Bayes factor is finite.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict

from .comparisons import COMPARISONS, Comparison, blocking_rule_sql
from .model import save_model
from .normalize import BLOCKING_RULES, FEATURES, Features
from .table import load_features

#: Comparisons whose u is counted over random pairs (all others: pairs sharing the first surname).
U_FROM_RANDOM_PAIRS = ("surnames",)
FLOOR_COUNT = 0.5


def untrained_settings(prior: float = 1e-4, dialect: str = "duckdb") -> dict:
    from splink import SettingsCreator

    sc = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        probability_two_random_records_match=prior,
        comparisons=[c.splink_dict() for c in COMPARISONS],
        blocking_rules_to_generate_predictions=[blocking_rule_sql(a, b) for a, b in BLOCKING_RULES],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        linker_uid="enlace",
    )
    return sc.create_settings_dict(dialect)


def cross_country_true_pairs(features: list[Features], clusters: list) -> int:
    by_cluster: dict = defaultdict(Counter)
    for f, c in zip(features, clusters):
        by_cluster[c][f.source_country] += 1
    total = 0
    for counts in by_cluster.values():
        n = sum(counts.values())
        total += (n * (n - 1) - sum(k * (k - 1) for k in counts.values())) // 2
    return total


def level_case_sql(comp: Comparison) -> str:
    whens = " ".join(f"WHEN {lev.sql} THEN {i}" for i, lev in enumerate(comp.levels) if lev.sql != "ELSE")
    return f"CASE {whens} ELSE {len(comp.levels) - 1} END"


def _pair_columns() -> str:
    return ", ".join(f'l."{c}" AS "{c}_l", r."{c}" AS "{c}_r"' for c in FEATURES)


def count_levels(con, pairs_from_where: str) -> tuple[list[Counter], int]:
    """Level counts of every comparison over the pairs ``SELECT ... FROM <pairs_from_where>``
    (aliases ``l`` and ``r`` for the two records)."""
    cases = ", ".join(f'{level_case_sql(c)} AS "c{i}"' for i, c in enumerate(COMPARISONS))
    cols = ", ".join(f'"c{i}"' for i in range(len(COMPARISONS)))
    rows = con.execute(
        f"WITH pairs AS (SELECT {_pair_columns()} FROM {pairs_from_where}) "
        f"SELECT {cols}, count(*) FROM (SELECT {cases} FROM pairs) GROUP BY ALL").fetchall()
    counts = [Counter() for _ in COMPARISONS]
    total = 0
    for row in rows:
        n = row[-1]
        total += n
        for i, lvl in enumerate(row[:-1]):
            counts[i][lvl] += n
    return counts, total


def _probabilities(comp: Comparison, counts: Counter) -> list[float | None]:
    non_null = [i for i, lev in enumerate(comp.levels) if not lev.null]
    raw = {i: counts.get(i, 0) or FLOOR_COUNT for i in non_null}
    total = sum(raw.values())
    return [None if comp.levels[i].null else raw[i] / total for i in range(len(comp.levels))]


def train(features: list[Features], clusters: list, output_path: str, *, u_pairs: int = 10_000_000,
          seed: float = 0.42, meta: dict | None = None) -> dict:
    """Estimate m and u on labelled records and write the model file; returns training info."""
    import duckdb

    n = len(features)
    true_pairs = cross_country_true_pairs(features, clusters)
    k = 2 * true_pairs / n
    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed})").fetchall()
    load_features(con, features, "records", extra={"cluster_id": [str(c) for c in clusters]})
    con.execute("CREATE TABLE r AS SELECT row_number() OVER () - 1 AS idx, * FROM records")
    # m: all pairs of records of the same person
    m_counts, m_pairs = count_levels(con, 'r l JOIN r r ON l.cluster_id = r.cluster_id AND l.idx < r.idx')
    # u (surnames): uniformly random pairs of different persons
    con.execute(f"CREATE TABLE rp AS SELECT (random() * {n})::BIGINT AS i, (random() * {n})::BIGINT AS j "
                f"FROM range({int(u_pairs)})")
    u_rand, u_rand_pairs = count_levels(
        con, "rp JOIN r l ON l.idx = rp.i JOIN r r ON r.idx = rp.j WHERE l.cluster_id <> r.cluster_id")
    # u (others): random pairs of different persons sharing the first surname (phonetic)
    same_sn1 = con.execute("SELECT sum(c * (c - 1) / 2) FROM (SELECT count(*) AS c FROM r WHERE sn1_ph IS NOT NULL "
                           "GROUP BY sn1_ph)").fetchone()[0] or 1
    frac = min(1.0, u_pairs / float(same_sn1))
    u_sn1, u_sn1_pairs = count_levels(
        con, f"r l JOIN r r ON l.sn1_ph = r.sn1_ph AND l.idx < r.idx "
             f"WHERE l.cluster_id <> r.cluster_id AND random() < {frac!r}")
    con.close()

    from splink import DuckDBAPI, Linker  # noqa: F401  (the settings are Splink's; validated below)

    settings = untrained_settings(prior=k / (n - 1))
    floored = []
    for ci, (comp, sdict) in enumerate(zip(COMPARISONS, settings["comparisons"])):
        m = _probabilities(comp, m_counts[ci])
        u_counts = u_rand[ci] if comp.name in U_FROM_RANDOM_PAIRS else u_sn1[ci]
        u = _probabilities(comp, u_counts)
        for li, lev in enumerate(sdict["comparison_levels"]):
            if lev.get("is_null_level"):
                continue
            lev["m_probability"] = m[li]
            lev["u_probability"] = u[li]
            if not m_counts[ci].get(li):
                floored.append(f"{comp.name}/{comp.levels[li].label}/m")
            if not u_counts.get(li):
                floored.append(f"{comp.name}/{comp.levels[li].label}/u")
    _validate_with_splink(settings)
    info = {
        "trained_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "training_records": n,
        "training_cross_country_true_pairs": true_pairs,
        "m_pairs": m_pairs,
        "u_random_pairs": u_rand_pairs,
        "u_same_first_surname_pairs": u_sn1_pairs,
        "u_from_random_pairs": list(U_FROM_RANDOM_PAIRS),
        "floored_levels": floored,
        **(meta or {}),
    }
    save_model(output_path, settings, k, info)
    return info


def _validate_with_splink(settings: dict) -> None:
    """Build a Splink linker with the trained settings on an empty table: fails on bad settings."""
    import duckdb
    from splink import DuckDBAPI, Linker

    con = duckdb.connect()
    load_features(con, [], "empty")
    Linker("empty", settings, db_api=DuckDBAPI(connection=con), set_up_basic_logging=False)
    con.close()
