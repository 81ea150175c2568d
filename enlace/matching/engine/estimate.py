"""Estimation of the linkage model from the records a deployment holds (no generator, no ground truth).

    from enlace.matching.engine.estimate import estimate_from_records
    info = estimate_from_records(records, "model.json", labels=reviewed_pairs, charts_dir="charts/")

Everything is estimated with Splink's own training methods on the normalised records:

* **u** (P(level | different persons)) of the surname comparison by Splink's
  ``estimate_u_using_random_sampling`` over the whole sample;
* **m and u of every other comparison** by Splink's ``estimate_parameters_using_expectation_maximisation``
  on pairs from different countries *with the same surnames* (``fix_u_probabilities=False``): the
  non-match class there is the other people with one's surnames - brothers and sisters born a few
  years apart, fathers and sons, a family phone - which is where u matters (with u from random
  pairs a shared phone weighs 20 bits and a father and son sharing a phone match);
* **m of the surname comparison** by expectation-maximisation on pairs born the same day;
* **m of every comparison but the document, where the data allows** (at least :data:`MIN_DOC_PAIRS`
  pairs): counted among pairs from different countries that share a document number - nearly all one
  person whatever their names and dates (Splink's "m from a label column", the document being the
  noisy identifier).  EM in a block of common surnames takes strangers with a common name for
  matches, and gave "dates more than ten years apart" a fifth of the matches on data with many
  namesakes; EM stays the fallback (few documents) and gives m of the document comparison;
* **term frequencies** of given names, of both surnames and of the first surname (level "second
  surname missing on one side"): computed by Splink on the data it links (``tf_adjustment_column``),
  so a rare name weighs more than ``María Hernández``; relative to the level's estimated weight
  (:func:`_relative_tf`);
* **name rarity** (:func:`_name_rarity`): how often two records from different countries that carry
  the same whole name are one person, by how many records carry it, counted on *all* the records
  (a sample would split people's records and make every name look shared by strangers);
* **the twins level** (same surnames and date, different given names) is not estimated: its Bayes
  factor is the one of different given names divided by the one of an exact date, i.e. the date's
  agreement is no evidence between people of one family - the pair weighs less than strangers;
* **expected matches per record** (the prior): the model's own expectation, ``2 Σ P(match) / n`` over
  the candidate pairs, iterated to a fixed point, scaled from the sample to all the records.

Reviewers' judgements (``labels``: pairs judged *the same person*) are blended into m as counts
next to EM's estimate (a pseudo-count of :data:`LABEL_PSEUDO_PAIRS` pairs), so every reviewed pair
moves the next estimation.

Refuses input that carries ground truth (columns such as ``cluster_id``): a production model is
estimated from data, never from a generator's labels.
"""

from __future__ import annotations

import datetime as _dt
import logging
import random
from collections import Counter
from typing import Iterable, Mapping

from .blocking import BLOCKING_RULES, MIN_DOC_KEY_CHARS, rule_sql
from .comparisons import COMPARISONS, TWINS_LABEL
from .model import ENGINE_VERSION, ModelError, save_model
from .normalize import INPUT_COLUMNS, Features, normalise_record
from .table import load_features

#: Column names that only a generator (or a supervised data set) has: refused as input.
GROUND_TRUTH_COLUMNS = frozenset({"cluster_id", "family_id", "relation", "person_id", "true_id", "match_id",
                                  "is_match", "truth", "entity_id", "rec_id_truth"})
#: Fewer records than this cannot give stable estimates (EM needs enough pairs of each kind).
MIN_RECORDS = 2_000
#: Records used for estimation at most (a uniform sample beyond); the prior is scaled to all records.
MAX_SAMPLE = 200_000
#: Weight of EM's m estimate, in pairs, when blended with reviewers' labels.
LABEL_PSEUDO_PAIRS = 200
U_RANDOM_PAIRS = 3_000_000
#: Pairs sharing a document number needed for the document session of EM to give m (below this,
#: m comes from the surname and date sessions alone).
MIN_DOC_PAIRS = 300
#: Name rarity: upper bounds of the bins of "records carrying the name", and the dated pairs a bin
#: needs for an estimate (a bin with fewer is merged into the next one).
NAME_RARITY_BINS = (2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 64, 80, 100)
NAME_RARITY_MIN_PAIRS = 30
#: The rarity never makes a shared name certain, nor worthless.
NAME_RARITY_P = (0.001, 0.995)


class TrainingError(ModelError):
    """The estimation cannot run on this input (too few records, ground-truth columns...)."""


def refuse_ground_truth(columns: Iterable[str]) -> None:
    bad = sorted(set(c.strip().lower() for c in columns) & GROUND_TRUTH_COLUMNS)
    if bad:
        raise TrainingError(f"input carries ground-truth column(s) {', '.join(bad)}: the model is estimated "
                            "from the records alone (remove them)")


def _settings(prior: float) -> dict:
    from .training import untrained_settings

    return untrained_settings(prior=prior)


def _linker(con, table: str, settings: dict):
    from splink import DuckDBAPI, Linker

    return Linker(table, settings, db_api=DuckDBAPI(connection=con), set_up_basic_logging=False)


def _params(linker) -> dict:
    return linker.misc.save_model_to_json()


def _em(con, table: str, settings: dict, rule: str, neutral: str) -> dict:
    """One EM session over the pairs of ``rule``.  The comparison ``neutral`` is what the block
    fixes (every pair agrees on it): its Bayes factor is pinned to 1 for the session, otherwise a
    shared surname would make every pair of the block look like a match and EM would collapse."""
    import copy

    settings = copy.deepcopy(settings)
    for comp in settings["comparisons"]:
        if comp["output_column_name"] == neutral:
            levels = [lev for lev in comp["comparison_levels"] if not lev.get("is_null_level")]
            for lev in levels:
                lev["m_probability"] = lev["u_probability"] = 1.0 / len(levels)
                lev["fix_m_probability"] = lev["fix_u_probability"] = True
    linker = _linker(con, table, settings)
    linker.training.estimate_parameters_using_expectation_maximisation(
        rule, fix_u_probabilities=True, estimate_without_term_frequencies=True)
    return _params(linker)


def _levels(d: dict, name: str) -> list[dict]:
    for c in d["comparisons"]:
        if c["output_column_name"] == name:
            return c["comparison_levels"]
    raise KeyError(name)


def _label_counts(con, labels: list[tuple[Features, Features]]) -> tuple[list[Counter], int]:
    from .training import count_levels

    if not labels:
        return [Counter() for _ in COMPARISONS], 0
    left = [a for a, _ in labels]
    right = [b for _, b in labels]
    load_features(con, left, "lab_l", extra={"pair": [str(i) for i in range(len(left))]})
    load_features(con, right, "lab_r", extra={"pair": [str(i) for i in range(len(right))]})
    return count_levels(con, "lab_l l JOIN lab_r r ON l.pair = r.pair")


def estimate(features: list[Features], output_path: str, *, labels: list[tuple[Features, Features]] = (),
             not_same: list[tuple[Features, Features]] = (),
             n_total: int | None = None, seed: int = 1, charts_dir: str | None = None, meta: dict | None = None,
             max_sample: int = MAX_SAMPLE, u_pairs: int = U_RANDOM_PAIRS) -> dict:
    """Estimate the model from normalised records (and reviewed pairs judged the same person) and
    write it to ``output_path``; returns the model's metadata.  Raises :class:`TrainingError`."""
    import duckdb

    # "level not observed" warnings of the sessions whose estimates of that comparison are not kept
    logging.getLogger("splink").setLevel(logging.ERROR)
    features = [f for f in features if f.record_id]
    n_total = n_total or len(features)
    if len(features) < MIN_RECORDS:
        raise TrainingError(f"too few records to estimate the model: {len(features)} (at least {MIN_RECORDS})")
    if len({f.source_country for f in features if f.source_country}) < 2:
        raise TrainingError("the records come from fewer than two countries: nothing to link")
    sample = features
    if len(features) > max_sample:
        sample = random.Random(seed).sample(features, max_sample)
    n = len(sample)
    con = duckdb.connect()
    try:
        load_features(con, sample, "est_records")
        # helper columns for training blocks that no comparison reads (Splink would otherwise switch
        # off every comparison that mentions them; we keep only the estimates we want from each session)
        con.execute('CREATE OR REPLACE TABLE est AS SELECT *, "sn_full" AS t_sn, "dob_s" AS t_dob, '
                    f'CASE WHEN length("doc") >= {MIN_DOC_KEY_CHARS} THEN "doc" END AS t_doc FROM est_records')
        base = _settings(prior=1.0 / n)
        # u of the surnames: random pairs (Splink's random sampling)
        lk = _linker(con, "est", base)
        lk.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
        u_random = _params(lk)
        # u of everything else: among people with the same surnames in another country who are
        # clearly someone else (see _conditional_u)
        u_cond, u_cond_pairs = _conditional_u(con, u_pairs, seed)
        settings = _settings(prior=1.0 / n)
        for ci, comp in enumerate(settings["comparisons"]):
            name = comp["output_column_name"]
            for li, (lev, lu) in enumerate(zip(comp["comparison_levels"], _levels(u_random, name))):
                if lev.get("is_null_level"):
                    continue
                lev["u_probability"] = lu.get("u_probability") if name == "surnames" else u_cond[ci][li]
        floored = _floor(settings, 0.5 / max(u_cond_pairs, 1), keys=("u_probability",))
        _starting_m(settings)
        # m: EM with u fixed, among people with the same surnames (every comparison but the surnames)
        # and among people born the same day (the surnames)
        em_sn = _em(con, "est", settings, 'l."t_sn" = r."t_sn" AND l."source_country" <> r."source_country"',
                    "surnames")
        em_dob = _em(con, "est", settings, 'l."t_dob" = r."t_dob" AND l."source_country" <> r."source_country"',
                     "dob")
        # and among records that share a document number: nearly all one person whatever their names
        # and dates, so the level counts there are m (Splink's "m from a label column" with the document
        # as the noisy identifier).  EM in a block of common surnames also takes strangers with a common
        # name for matches (m of "dates ten years apart" came out at a fifth).
        doc_m, n_doc_pairs = _doc_m(con)
        for comp in settings["comparisons"]:
            name = comp["output_column_name"]
            # as Splink does across sessions: m is the mean over the sessions that estimate it (a
            # level that cannot occur in one block - given names swapped with surnames among people
            # with equal surnames - is still seen in the other)
            sources = {"surnames": [em_dob], "dob": [em_sn]}.get(name, [em_sn, em_dob])
            per = [_levels(src, name) for src in sources]
            first = doc_m.get(name)
            for li, lev in enumerate(comp["comparison_levels"]):
                if lev.get("is_null_level"):
                    continue
                if first is not None:
                    lev["m_probability"] = first[li]
                    continue
                got = [p[li].get("m_probability") for p in per if p[li].get("m_probability") is not None]
                lev["m_probability"] = sum(got) / len(got) if got else None
        floored += _floor(settings, 0.5 / max(u_cond_pairs, 1))
        # reviewers' judgements: pairs judged the same person count as observations of m
        same = [p for p in labels]
        lab_counts, n_same = _label_counts(con, same)
        if n_same:
            _blend_labels(settings, lab_counts, n_same)
        # pairs judged not the same (with the same ones): a correction of each level's weight (labels.py)
        from .labels import learn_from_verdicts

        n_not = len(not_same)
        corrections = learn_from_verdicts(settings, same, list(not_same))
        tf_sums = _relative_tf(con, "est", settings)
        _twins(settings)
        rarity, rarity_diag = _name_rarity(con, features, settings)
        k_sample = _expected_matches(con, "est", settings, n)
    finally:
        con.close()
    k = k_sample * (n_total - 1) / max(n - 1, 1)
    created = _dt.datetime.now(_dt.timezone.utc)
    version = created.strftime("%Y%m%dT%H%M%S") + f"-n{n_total}-l{n_same}" + (f"x{n_not}" if n_not else "")
    info = {
        "version": version,
        "engine_version": ENGINE_VERSION,
        "created": created.isoformat(timespec="seconds"),
        "source": "data+labels" if n_same or n_not else "data",
        "training_records": n_total,
        "sample_records": n,
        "labels_used": n_same,
        "labels_not_same": n_not,
        "label_corrections": corrections,
        "expected_matches_per_record": round(k, 4),
        "floored_levels": floored,
        "tf_sum_squares": tf_sums,
        "name_rarity": rarity_diag,
        "m_document_pairs": n_doc_pairs,
        "m_counted_on_document_pairs": sorted(doc_m),
        "method": "u: random sampling (surnames), among same surnames (others); m: counted among pairs "
                  "sharing a document, EM where too few; tf: given names, both surnames, first surname "
                  "(relative to the level's estimate); twins derived",
        **(meta or {}),
    }
    diagnostics = {"m_u": _m_u_table(settings)}
    info["diagnostics"] = diagnostics
    save_model(output_path, settings, k, info, rarity)
    from .charts import unlinkables
    from .model import load_model

    diagnostics["unlinkables"] = unlinkables(load_model(output_path), sample[:20_000], n_records=n_total)
    save_model(output_path, settings, k, info, rarity)
    if charts_dir:
        from .charts import write_charts

        write_charts(output_path, charts_dir)
    return info


FLOOR_M = 1e-6


def _conditional_u(con, max_pairs: int, seed: int) -> tuple[list[list[float | None]], int]:
    """u of every comparison among pairs from different countries with the same surnames whose other
    evidence says *another person* - no labels needed:

    * for the date of birth: pairs whose given names share no token (brothers and sisters, twins);
    * for every other comparison: pairs whose dates of birth are more than a year apart (fathers and
      sons with the same names, siblings, a family phone or document series).

    Among the pairs that matter (they agree on a name) relatives are over-represented; counting u
    there is what keeps a father and son sharing a phone apart.  Returns (u per level, pairs counted)."""
    from .training import count_levels

    con.execute(f"SELECT setseed({(seed % 1000) / 1000.0!r})").fetchall()
    same = ('est l JOIN est r ON l."t_sn" = r."t_sn" AND l."record_id" < r."record_id" '
            'AND l."source_country" <> r."source_country"')
    total = con.execute(f"SELECT count(*) FROM {same}").fetchall()[0][0] or 1
    frac = min(1.0, max_pairs / float(total))
    far = count_levels(con, f'{same} WHERE abs(l."dob_ord" - r."dob_ord") > 366 AND random() < {frac!r}')
    other_name = count_levels(con, f'{same} WHERE NOT list_has_any(l."g_ph_tokens", r."g_ph_tokens") '
                                   f'AND random() < {frac!r}')
    out: list[list[float | None]] = []
    for ci, comp in enumerate(COMPARISONS):
        counts = (other_name if comp.name == "dob" else far)[0][ci]
        non_null = [i for i, lev in enumerate(comp.levels) if not lev.null]
        tot = sum(counts.get(i, 0) for i in non_null)
        out.append([None if comp.levels[i].null or not tot or not counts.get(i) else counts[i] / tot
                    for i in range(len(comp.levels))])
    return out, min(far[1], other_name[1]) or 1


def _doc_m(con) -> tuple[dict[str, list[float | None]], int]:
    """m of every comparison but the document, counted over pairs from different countries that share
    a document number, where that comparison is known in at least :data:`MIN_DOC_PAIRS` pairs.  A level
    never seen there gets half a pair: rare, not impossible."""
    from .training import count_levels

    block = ('est l JOIN est r ON l."t_doc" = r."t_doc" AND l."source_country" <> r."source_country" '
             'AND l."record_id" < r."record_id"')
    counts, total = count_levels(con, block)
    out = {}
    for ci, comp in enumerate(COMPARISONS):
        non_null = [i for i, lev in enumerate(comp.levels) if not lev.null]
        tot = sum(counts[ci].get(i, 0) for i in non_null)
        if comp.name == "doc" or tot < MIN_DOC_PAIRS:
            continue
        out[comp.name] = [None if comp.levels[i].null else max(counts[ci].get(i, 0), 0.5) / tot
                          for i in range(len(comp.levels))]
    return out, total


def _floor(settings: dict, floor_u: float, keys=("m_probability", "u_probability")) -> list[str]:
    """Levels the estimation left empty get a floor probability, so every Bayes factor is finite."""
    out = []
    for comp in settings["comparisons"]:
        for lev in comp["comparison_levels"]:
            if lev.get("is_null_level"):
                continue
            for key, floor in (("m_probability", FLOOR_M), ("u_probability", floor_u)):
                if key not in keys:
                    continue
                v = lev.get(key)
                if v is None or v < floor:
                    lev[key] = floor
                    out.append(f"{comp['output_column_name']}/{lev['label_for_charts']}/{key[0]}")
    return out


def _blend_labels(settings: dict, counts: list[Counter], n_same: int) -> None:
    w = float(LABEL_PSEUDO_PAIRS)
    for ci, comp in enumerate(settings["comparisons"]):
        levels = comp["comparison_levels"]
        non_null = [i for i, lev in enumerate(levels) if not lev.get("is_null_level")]
        observed = sum(counts[ci].get(i, 0) for i in non_null)
        if not observed:
            continue
        for i in non_null:
            lev = levels[i]
            lev["m_probability"] = (w * lev["m_probability"] + counts[ci].get(i, 0)) / (w + observed)


def _starting_m(settings: dict) -> None:
    """EM's starting point: most matches in the first (strongest) level, a few in each weaker one and
    in "different" (without it, EM starting from m = u never finds the match class)."""
    settings["probability_two_random_records_match"] = 0.05  # within a training block, not globally
    for comp in settings["comparisons"]:
        levels = [lev for lev in comp["comparison_levels"] if not lev.get("is_null_level")]
        rest = (0.2 / (len(levels) - 1)) if len(levels) > 1 else 0.0
        for i, lev in enumerate(levels):
            lev["m_probability"] = 0.8 if i == 0 else rest


def _relative_tf(con, table: str, settings: dict) -> dict:
    """Term frequencies adjust a level's *estimated* weight by the value's relative rarity.

    Splink multiplies a term-frequency level's Bayes factor by ``u / tf(value)``, which assumes u is
    the chance that two random records agree on the column (Σ tf²).  Our u of given names is
    counted among people with the same surnames (3 to 4 times Σ tf² there), and the first-surname
    level's u includes "second surname missing", so the factor would replace the estimate with an
    unconditional one.  Storing u' = Σ tf² and m' = m Σ tf² / u keeps the level's Bayes factor (m/u)
    and makes the adjustment Σ tf² / tf(value): above 1 for a rarer than average value, below for a
    common one.  Returns Σ tf² per column (the model's diagnostics)."""
    out = {}
    for comp in settings["comparisons"]:
        for lev in comp["comparison_levels"]:
            col = lev.get("tf_adjustment_column")
            if not col or lev.get("is_null_level"):
                continue
            if col not in out:
                out[col] = float(con.execute(
                    f'SELECT sum(c * c) / (sum(c) * sum(c)) FROM (SELECT count(*)::DOUBLE AS c FROM {table} '
                    f'WHERE "{col}" IS NOT NULL GROUP BY "{col}")').fetchall()[0][0] or 0.0)
            s2, m, u = out[col], lev["m_probability"], lev["u_probability"]
            if s2 > 0 and m * s2 / u <= 1.0:
                lev["m_probability"], lev["u_probability"] = m * s2 / u, s2
    return {k: round(v, 8) for k, v in out.items()}


def _name_rarity(con, features: list[Features], settings: dict) -> tuple[dict, dict]:
    """P(one person | two records from different countries share a name, k records carry it, the
    name's other records were born in 0 / 1 / 2+ distinct years), by bin of k, for each key of
    ``model.NAME_RARITY_KEYS``, estimated without labels on all the records.

    Among the pairs whose first shared key is this one and whose dates of birth are both known, the
    share with *equal* dates is P(one person) × m(exact date) (strangers sharing a whole name and a
    date are negligible), so P(one person) = share / m(exact date), with m from the date comparison
    already estimated.  Bins of k with fewer than :data:`NAME_RARITY_MIN_PAIRS` dated pairs are merged
    into the next; a year class too thin in a bin takes the bin's pooled estimate.  Each class is made
    non-increasing in k (a name carried by more records is not likelier to be one person's) and kept
    within :data:`NAME_RARITY_P`.

    Returns (the model's ``name_rarity``, diagnostics: dated pairs and equal dates per bin and class)."""
    import pyarrow as pa

    from .model import NAME_RARITY_KEYS, YEAR_CLASSES

    dob = next(c for c in settings["comparisons"] if c["output_column_name"] == "dob")
    m_eq = next(lev for lev in dob["comparison_levels"] if lev["label_for_charts"] == "exact")["m_probability"]
    keys = [k[0] for k in NAME_RARITY_KEYS]
    cols = ("record_id", "source_country", "g2", "sn2", "dob_s", *keys)
    idx = [Features._fields.index(c) for c in cols]
    con.register("__rarity_src", pa.table({c: [f[i] for f in features] for c, i in zip(cols, idx)}))
    con.execute("CREATE OR REPLACE TEMP TABLE rarity_src AS SELECT *, substr(dob_s, 1, 4) AS yr FROM __rarity_src")
    con.unregister("__rarity_src")
    top = NAME_RARITY_BINS[-1]
    bin_sql = "CASE " + " ".join(f"WHEN c.k <= {b} THEN {b}" for b in NAME_RARITY_BINS) + " END"
    clip = lambda p: min(max(p, NAME_RARITY_P[0]), NAME_RARITY_P[1])  # noqa: E731
    model: dict = {}
    diag: dict = {"m_exact_date": round(m_eq, 4)}
    earlier: list[tuple[str, str]] = []
    for col, _py, cond in NAME_RARITY_KEYS:
        not_before = "".join(f' AND NOT (a."{c}" IS NOT DISTINCT FROM b."{c}" AND a."{c}" IS NOT NULL AND {w})'
                             for c, w in earlier)
        earlier.append((col, cond))
        # the other records' birth years: the name's years, less a year only the pair's records hold
        rows = con.execute(
            f'WITH c AS (SELECT "{col}" AS v, count(*) AS k, count(DISTINCT yr) AS ny FROM rarity_src '
            f'WHERE "{col}" IS NOT NULL GROUP BY 1 HAVING count(*) BETWEEN 2 AND {top}), '
            f'y AS (SELECT "{col}" AS v, yr, count(*) AS n FROM rarity_src WHERE yr IS NOT NULL AND "{col}" IN '
            f'(SELECT v FROM c) GROUP BY 1, 2), '
            f'd AS (SELECT s.* FROM rarity_src s WHERE s."dob_s" IS NOT NULL AND s."{col}" IN (SELECT v FROM c)) '
            f'SELECT {bin_sql} AS bin, least(greatest(c.ny - (CASE WHEN ya.n = (CASE WHEN a.yr = b.yr THEN 2 ELSE 1 END) '
            f'THEN 1 ELSE 0 END) - (CASE WHEN b.yr <> a.yr AND yb.n = 1 THEN 1 ELSE 0 END), 0), {YEAR_CLASSES - 1}) '
            f'AS cls, count(*), count(*) FILTER (WHERE a."dob_s" = b."dob_s") '
            f'FROM d a JOIN d b ON a."{col}" = b."{col}" AND a."record_id" < b."record_id" '
            f'AND a."source_country" <> b."source_country" AND {cond}{not_before} '
            f'JOIN c ON c.v = a."{col}" JOIN y ya ON ya.v = a."{col}" AND ya.yr = a.yr '
            f'JOIN y yb ON yb.v = b."{col}" AND yb.yr = b.yr GROUP BY 1, 2 ORDER BY 1, 2').fetchall()
        per: dict = {}
        for b_, cls, n_pairs, n_eq in rows:
            per.setdefault(int(b_), [[0, 0] for _ in range(YEAR_CLASSES)])[int(cls)] = [int(n_pairs), int(n_eq)]
        bins, ps = [], []
        pending = [[0, 0] for _ in range(YEAR_CLASSES)]
        for b_ in sorted(per):
            for cls in range(YEAR_CLASSES):
                pending[cls][0] += per[b_][cls][0]
                pending[cls][1] += per[b_][cls][1]
            pairs, eq = sum(x[0] for x in pending), sum(x[1] for x in pending)
            if pairs < NAME_RARITY_MIN_PAIRS:
                continue  # merged into the next bin
            pooled = clip(eq / pairs / max(m_eq, 1e-6))
            row = [clip(e / n / max(m_eq, 1e-6)) if n >= NAME_RARITY_MIN_PAIRS else pooled for n, e in pending]
            if ps:
                row = [min(p, before) for p, before in zip(row, ps[-1])]
            bins.append(b_)
            ps.append([round(p, 6) for p in row])
            pending = [[0, 0] for _ in range(YEAR_CLASSES)]
        if bins:
            model[col] = {"max_records": bins, "p_same": ps}
        diag[col] = {"dated_pairs_by_bin_and_years": {str(b_): v for b_, v in sorted(per.items())}}
    return model, diag


def _twins(settings: dict) -> None:
    """Twins: Bayes factor of different given names divided by the one of an exact date."""
    given = next(c for c in settings["comparisons"] if c["output_column_name"] == "given_names")
    dob = next(c for c in settings["comparisons"] if c["output_column_name"] == "dob")
    diff = given["comparison_levels"][-1]
    twin = next(lev for lev in given["comparison_levels"] if lev["label_for_charts"] == TWINS_LABEL)
    exact = next(lev for lev in dob["comparison_levels"] if lev["label_for_charts"] == "exact")
    bf_date = exact["m_probability"] / exact["u_probability"]
    twin["u_probability"] = diff["u_probability"]
    twin["m_probability"] = diff["m_probability"] / max(bf_date, 1.0)


def _expected_matches(con, table: str, settings: dict, n: int, rounds: int = 4) -> float:
    """Expected matches per record according to the model itself: 2 Σ P(match) / n over the
    candidate pairs, iterated to a fixed point from one match per record."""
    import copy

    k = 1.0
    for _ in range(rounds):
        s = copy.deepcopy(settings)
        s["probability_two_random_records_match"] = min(k / max(n - 1, 1), 0.5)
        s["blocking_rules_to_generate_predictions"] = [rule_sql(a, b) for a, b in BLOCKING_RULES]
        lk = _linker(con, table, s)
        pred = lk.inference.predict(threshold_match_probability=0.01)
        total = con.execute(f"SELECT coalesce(sum(match_probability), 0) FROM {pred.physical_name}").fetchall()[0][0]
        new_k = max(2.0 * float(total) / n, 0.01)
        if abs(new_k - k) < 0.01 * k:
            k = new_k
            break
        k = new_k
    return k


def _m_u_table(settings: dict) -> list[dict]:
    out = []
    for comp in settings["comparisons"]:
        for lev in comp["comparison_levels"]:
            if lev.get("is_null_level"):
                continue
            out.append({"comparison": comp["output_column_name"], "level": lev["label_for_charts"],
                        "m": lev["m_probability"], "u": lev["u_probability"]})
    return out


def estimate_from_records(records: Iterable[Mapping[str, object]], output_path: str, *,
                          labels: Iterable[tuple[Mapping, Mapping]] = (),
                          not_same: Iterable[tuple[Mapping, Mapping]] = (), **kw) -> dict:
    """Same as :func:`estimate` for raw records (mappings with the input columns).  Refuses records
    carrying ground-truth keys."""
    feats = []
    checked = False
    for rec in records:
        if not checked:
            refuse_ground_truth(rec.keys())
            checked = True
        feats.append(normalise_record(rec))
    pairs = [(normalise_record(a), normalise_record(b)) for a, b in labels]
    negatives = [(normalise_record(a), normalise_record(b)) for a, b in not_same]
    return estimate(feats, output_path, labels=pairs, not_same=negatives, **kw)


def estimate_from_csv(path: str, output_path: str, **kw) -> dict:
    """Estimate from a CSV in the batch input format; refuses a file with ground-truth columns."""
    import csv

    from .table import InputError, normalise_csv

    with open(path, newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise InputError(f"{path}: empty file")
    refuse_ground_truth(header)
    missing = [c for c in INPUT_COLUMNS if c not in [h.strip().lower() for h in header]]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    feats, _ = normalise_csv(path)
    return estimate([Features._make(f) for f in feats], output_path, **kw)
