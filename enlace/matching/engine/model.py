"""The trained linkage model: Splink settings plus the m/u probabilities, shipped as ``model.json``.

The batch linker hands the Splink settings to Splink (DuckDB, or Spark); the online index reads the
same m/u probabilities and scores pairs in Python exactly as Splink's ``predict`` does:

    bayes_factor = prior/(1-prior) * Π m/u (null levels: 1),   probability = bf / (1 + bf)

The prior (``probability_two_random_records_match``) is not a constant of the model: it is
``expected_matches_per_record / (N - 1)`` where ``N`` is the number of records being linked (the
size of the file, or of the online index), so the same model can be used on 10 000 or 10 million
records.  Runtime never trains: ``bench/linkage/train.py`` writes the file.
"""

from __future__ import annotations

import copy
import json
import math
import os
from dataclasses import dataclass, field

from .blocking import BLOCKING_RULES
from .comparisons import COMPARISONS, Comparison, blocking_rule_sql
from .normalize import Features

#: The model shipped with the code (estimated without labels on generated records; see its meta).
MODEL_PATH = os.path.join(os.path.dirname(__file__), "model.json")
MODEL_FORMAT = "enlace-linkage-model/2"
#: Version of the comparisons and blocking rules: a model estimated for another version is refused.
ENGINE_VERSION = "3"
#: Directory of the deployment's estimated models (``enlace train-matching``); its ``current.json``
#: names the model in use.  Without one, the shipped model is used.
MODEL_DIR_ENV = "ENLACE_MATCHING_MODEL_DIR"

#: The prior never assumes fewer records than this: in a small or young database "each record
#: has ``expected_matches_per_record`` matches among N" does not hold, and the prior of a tiny N
#: would make a shared common name look conclusive.  Below this size the engine asks for the same
#: evidence as at this size.
PRIOR_MIN_RECORDS = 100_000

#: Below this many records the term frequencies are not used (batch, online and database index
#: alike): in a young database every name is "frequent" (two records, each name 1 in 2) and the
#: adjustment would take a document-confirmed pair below the threshold.  The levels' estimated
#: weights apply as they are.
TF_MIN_RECORDS = 1_000

#: Default decision threshold on the match probability (batch and online).  Chosen on a synthetic
#: validation set (seed different from training and from the benchmark) as the value that keeps
#: precision at or above 0.99 with a margin; see bench/README-linkage.md.
DEFAULT_THRESHOLD = 0.9


#: Name rarity (issue 13).  Two records from different countries that carry the same whole name
#: are one person far more often than the product of the given-name and surname frequencies says:
#: most whole names are carried by one person only, so the records that share one are mostly that
#: person's.  How often they are one person depends on how many records carry the name (``k``), and
#: is estimated from the data (:func:`.estimate._name_rarity`): among pairs sharing the name *and*
#: both dated, the share with equal dates, divided by the share of matches with equal dates.  For a
#: pair that shares the name, that estimate replaces the names' part of the Bayes factor.
#:
#: The keys, in order (the first that holds decides; the batch writes the same conditions in SQL):
#: ``nk_full`` given names and both surnames; ``nk_first`` given names and first surname, one side
#: without a second surname; ``nk_g1`` first given name and both surnames, exactly one side with a
#: second given name; ``nk_swap`` given names and both surnames, in swapped order.
NAME_RARITY_KEYS = (
    ("nk_full", lambda l, r: True, "TRUE"),
    ("nk_first", lambda l, r: l.sn2 is None or r.sn2 is None, '(a."sn2" IS NULL OR b."sn2" IS NULL)'),
    ("nk_g1", lambda l, r: (l.g2 is None) != (r.g2 is None), '((a."g2" IS NULL) <> (b."g2" IS NULL))'),
    ("nk_swap", lambda l, r: True, "TRUE"),
)
NAME_RARITY_COLUMNS = tuple(k[0] for k in NAME_RARITY_KEYS)
#: The rarity also reads the name's other records: in how many distinct birth years were the records
#: carrying the name born, leaving out the pair's own two (0: none dated; 1: all one year - one
#: person's records; 2: two or more years - several people).  Counted per (name, birth year) in the
#: column ``<key>@y`` (value ``name|year``); ``<key>@years`` answers the number of years of a name.
YEAR_CLASSES = 3


def year_column(column: str) -> str:
    return column + "@y"


def years_column(column: str) -> str:
    return column + "@years"


def birth_year(f: Features) -> str | None:
    return f.dob_s[:4] if f.dob_s else None
#: The comparisons whose evidence the name rarity replaces.
NAME_COMPARISONS = ("given_names", "surnames")


def name_rarity_key(l: Features, r: Features) -> tuple[str, str] | None:
    """(column, value) of the whole name two records share, or None."""
    for col, holds, _sql in NAME_RARITY_KEYS:
        v = getattr(l, col)
        if v is not None and v == getattr(r, col) and holds(l, r):
            return col, v
    return None


class ModelError(RuntimeError):
    pass


def prob_to_bayes_factor(p: float) -> float:
    return p / (1 - p)


def threshold_to_match_weight(p: float) -> float:
    return math.log2(prob_to_bayes_factor(p))


@dataclass
class Model:
    """Trained parameters: Bayes factor per comparison level, and the expected matches per record."""

    settings: dict                 # Splink settings with trained m/u (prior to be replaced per run)
    bayes_factors: list[list[float]]  # [comparison][level], 1.0 for null levels
    expected_matches_per_record: float
    meta: dict
    #: [comparison][level] -> (tf column, u of the exact-match level) for term-frequency levels
    tf_levels: list[list[tuple[str, float] | None]]
    #: name-rarity column -> ((max records carrying the name, ...), (P(same person), ...)), by bin
    name_rarity: dict = field(default_factory=dict)

    @property
    def tf_columns(self) -> tuple[str, ...]:
        """Columns whose value counts the scoring needs (term frequencies and name rarity; the indexes
        also count each rarity column's (name, birth year) pairs, see :data:`YEAR_CLASSES`)."""
        return tuple(sorted({t[0] for row in self.tf_levels for t in row if t} | set(self.name_rarity)))

    @property
    def name_comparison_indexes(self) -> tuple[int, ...]:
        return tuple(i for i, c in enumerate(COMPARISONS) if c.name in NAME_COMPARISONS)

    def rarity_probability(self, column: str, k: int, years: int) -> float | None:
        """P(one person | two records from different countries share the name, k records carry it,
        the name's other records were born in ``years`` (class 0, 1, 2+) distinct years)."""
        bins, ps = self.name_rarity.get(column, ((), ()))
        for top, p in zip(bins, ps):
            if k <= top:
                return p[min(years, YEAR_CLASSES - 1)]
        return None

    def rarity_factor(self, column: str, k: int, years: int, n_records: int) -> float | None:
        """The names' Bayes factor for a pair sharing the name: the rarity's odds over the prior's."""
        p = self.rarity_probability(column, max(int(k), 2), years)
        if p is None:
            return None
        return prob_to_bayes_factor(p) / prob_to_bayes_factor(self.prior(n_records))

    @staticmethod
    def other_years(column: str, value: str, l: Features, r: Features, count) -> int:
        """Distinct birth years of the records carrying the name other than ``l`` and ``r`` (class 0,
        1, 2+), from the counts per (name, year): a year drops out when the pair holds all its records."""
        ny = count(years_column(column), value)
        ya, yb = birth_year(l), birth_year(r)
        own = 0
        if ya is not None and count(year_column(column), f"{value}|{ya}") == (2 if yb == ya else 1):
            own += 1
        if yb is not None and yb != ya and count(year_column(column), f"{value}|{yb}") == 1:
            own += 1
        return min(max(ny - own, 0), YEAR_CLASSES - 1)

    @property
    def version(self) -> str:
        """Identifier of the estimation (recorded on every hit)."""
        return str(self.meta.get("version") or "shipped")

    def prior(self, n_records: int) -> float:
        """probability_two_random_records_match for a run over ``n_records`` records."""
        n = max(n_records, PRIOR_MIN_RECORDS)
        return min(self.expected_matches_per_record / (n - 1), 0.5)

    def splink_settings(self, n_records: int, dialect: str = "duckdb") -> dict:
        """Splink settings for a run over ``n_records`` records, for ``duckdb`` or ``spark``."""
        if dialect not in ("duckdb", "spark"):
            raise ValueError("dialect must be 'duckdb' or 'spark'")
        s = copy.deepcopy(self.settings)
        s["probability_two_random_records_match"] = self.prior(n_records)
        # blocking rules come from the code, as for the online index (they carry no trained parameter)
        s["blocking_rules_to_generate_predictions"] = [
            {"blocking_rule": blocking_rule_sql(a, b), "sql_dialect": dialect} for a, b in BLOCKING_RULES]
        s["sql_dialect"] = dialect
        for br in s.get("blocking_rules_to_generate_predictions", []):
            if isinstance(br, dict):
                br["sql_dialect"] = dialect
                if dialect == "spark":
                    br["blocking_rule"] = to_spark_sql(br["blocking_rule"])
        for comp in s["comparisons"]:
            for lev in comp["comparison_levels"]:
                if n_records < TF_MIN_RECORDS:
                    for key in ("tf_adjustment_column", "tf_adjustment_weight", "disable_tf_exact_match_detection"):
                        lev.pop(key, None)
                    continue
                # a term-frequency level that is not the exact match of its column divides its own u by
                # the value's frequency (Splink would take the u of another level equal on that column)
                col = lev.get("tf_adjustment_column")
                if col and lev.get("sql_condition") != f'"{col}_l" = "{col}_r"':
                    lev["disable_tf_exact_match_detection"] = True
        if dialect == "spark":
            for comp in s["comparisons"]:
                for lev in comp["comparison_levels"]:
                    lev["sql_condition"] = to_spark_sql(lev["sql_condition"])
        return s

    # --- scoring in Python (online) ---------------------------------------------------------
    def levels(self, l: Features, r: Features) -> list[int]:
        return [c.level_of(l, r) for c in COMPARISONS]

    def bayes_factor(self, levels: list[int], n_records: int, l: Features | None = None, r: Features | None = None,
                     tf=None, count=None) -> float:
        """Same arithmetic, in the same order, as Splink's predict SQL, then the name rarity (the batch
        applies it to Splink's output the same way: :func:`.batch.apply_name_rarity`).

        ``tf(column, value)`` gives the term frequency of a value (count / non-null count over the
        records being linked) for the term-frequency levels; without it there is no adjustment.
        ``count(column, value)`` gives how many records carry a value (the name rarity); without it,
        or below :data:`TF_MIN_RECORDS`, there is no rarity."""
        bf = prob_to_bayes_factor(self.prior(n_records))
        if n_records < TF_MIN_RECORDS:
            tf = count = None
        names = self.name_comparison_indexes
        name_part = 1.0
        for ci, li in enumerate(levels):
            f = self.bayes_factors[ci][li]
            bf = bf * f
            t = self.tf_levels[ci][li]
            if t is not None and tf is not None:
                col, u_exact = t
                tl, tr = tf(col, getattr(l, col)), tf(col, getattr(r, col))
                a = tl if tl is not None else tr
                b = tr if tr is not None else tl
                if a is not None:
                    adj = (u_exact / (a if a >= b else b)) ** 1.0
                    bf = bf * adj
                    f = f * adj
                else:
                    bf = bf * 1.0
            elif any(self.tf_levels[ci]):
                bf = bf * 1.0
            if ci in names:
                name_part = name_part * f
        if count is not None and self.name_rarity and l is not None and r is not None:
            key = name_rarity_key(l, r)
            if key is not None:
                rf = self.rarity_factor(key[0], count(*key) or 0, self.other_years(*key, l, r, count), n_records)
                if rf is not None:
                    bf = bf / name_part * rf
        return min(max(bf, 1e-300), 1e300)

    def probability(self, levels: list[int], n_records: int, l: Features | None = None, r: Features | None = None,
                    tf=None, count=None) -> float:
        bf = self.bayes_factor(levels, n_records, l, r, tf, count)
        return bf / (1 + bf)

    def explain(self, levels: list[int]) -> dict:
        out: dict[str, str] = {}
        for c, li in zip(COMPARISONS, levels):
            if self.bayes_factors[COMPARISONS.index(c)][li] > 1.0:
                out.update(c.levels[li].explain)
        return out


_IDENT = r'"(\w+)"'
_ARG = r'("\w+"|substr\("\w+", \d+, \d+\))'


def to_spark_sql(sql: str) -> str:
    """The DuckDB SQL of the comparisons and blocking rules, in Spark SQL.

    Only the constructs :mod:`.comparisons` generates are translated: list functions, ``hamming``,
    sorted characters, ``IS NOT DISTINCT FROM`` and double-quoted identifiers.  ``levenshtein``,
    ``substr``, ``left``/``right``, ``length``, ``abs`` and ``CAST`` exist in both."""
    import re

    out = re.sub(rf"list_has_all\({_ARG}, {_ARG}\)", r"(size(array_except(\2, \1)) = 0)", sql)
    # Spark's size(NULL) is -1: keep hamming(NULL, x) NULL as in DuckDB
    out = re.sub(rf"hamming\({_ARG}, {_ARG}\)",
                 r"IF(\1 IS NULL OR \2 IS NULL, NULL, "
                 r"size(filter(sequence(1, length(\1)), i -> substr(\1, i, 1) <> substr(\2, i, 1))))", out)
    out = re.sub(rf"list_sort\(string_split\({_ARG}, ''\)\)", r"array_sort(split(\1, ''))", out)
    out = out.replace("list_has_any(", "arrays_overlap(").replace("list_contains(", "array_contains(")
    out = out.replace(" IS NOT DISTINCT FROM ", " <=> ")
    out = re.sub(_IDENT, r"`\1`", out)
    return out


def _check_consistent(settings: dict, comparisons: tuple[Comparison, ...]) -> None:
    got = settings.get("comparisons") or []
    if len(got) != len(comparisons):
        raise ModelError("model.json does not match the comparisons in code: retrain (bench/linkage/train.py)")
    for saved, code in zip(got, comparisons):
        levels = saved.get("comparison_levels") or []
        if saved.get("output_column_name") != code.name or len(levels) != len(code.levels):
            raise ModelError(f"comparison {code.name!r} changed since training: retrain (bench/linkage/train.py)")
        for sl, cl in zip(levels, code.levels):
            if (sl.get("sql_condition") != cl.sql or sl.get("label_for_charts") != cl.label
                    or sl.get("tf_adjustment_column") != cl.tf or bool(sl.get("is_null_level")) != cl.null):
                raise ModelError(f"level {cl.label!r} of {code.name!r} changed since training: retrain")


def model_from_dict(data: dict) -> Model:
    if data.get("format") != MODEL_FORMAT:
        raise ModelError(f"not an Enlace linkage model of this version (format {data.get('format')!r}, "
                         f"expected {MODEL_FORMAT!r})")
    got = (data.get("meta") or {}).get("engine_version")
    if got != ENGINE_VERSION:
        raise ModelError(f"model estimated for engine version {got!r}, this engine is version {ENGINE_VERSION!r}: "
                         "re-estimate it (enlace train-matching)")
    settings = data["splink_settings"]
    _check_consistent(settings, COMPARISONS)
    bfs: list[list[float]] = []
    tfs: list[list[tuple[str, float] | None]] = []
    for comp in settings["comparisons"]:
        row = []
        trow: list[tuple[str, float] | None] = []
        tfs.append(trow)
        for lev in comp["comparison_levels"]:
            col = lev.get("tf_adjustment_column")
            if col and not lev.get("is_null_level"):
                sql = lev.get("sql_condition") or ""
                if not (sql == f'"{col}_l" = "{col}_r"' or sql.startswith(f'"{col}_l" = "{col}_r" AND ')) \
                        or lev.get("tf_adjustment_weight", 1.0) != 1.0:
                    raise ModelError("term-frequency adjustments are supported only on levels where that column is equal")
                trow.append((col, lev["u_probability"]))
            else:
                trow.append(None)
            if lev.get("is_null_level"):
                row.append(1.0)
                continue
            m, u = lev.get("m_probability"), lev.get("u_probability")
            if m is None or u is None or u <= 0 or m <= 0:
                raise ModelError(f"untrained level {lev.get('label_for_charts')!r} in {comp['output_column_name']!r}")
            row.append(m / u)
        bfs.append(row)
    return Model(settings=settings, bayes_factors=bfs,
                 expected_matches_per_record=float(data["expected_matches_per_record"]), meta=data.get("meta", {}),
                 tf_levels=tfs, name_rarity=_name_rarity_from_dict(data.get("name_rarity") or {}))


def _name_rarity_from_dict(raw: dict) -> dict:
    out = {}
    for col, d in raw.items():
        if col not in NAME_RARITY_COLUMNS:
            raise ModelError(f"unknown name-rarity column {col!r}")
        try:
            bins = tuple(int(b) for b in d.get("max_records", ()))
            ps = tuple(tuple(float(p) for p in row) for row in d.get("p_same", ()))
        except (TypeError, ValueError):
            raise ModelError(f"name rarity of {col!r}: not numbers") from None
        if len(bins) != len(ps) or list(bins) != sorted(set(bins)) or (bins and bins[0] < 2) \
                or any(len(row) != YEAR_CLASSES or not all(0.0 < p < 1.0 for p in row) for row in ps):
            raise ModelError(f"name rarity of {col!r}: bins and probabilities do not agree")
        if bins:
            out[col] = (bins, ps)
    return out


_CACHE: dict[str, tuple[float, Model]] = {}


def active_model_path() -> str:
    """The model in use: the one ``current.json`` of the deployment's model directory names (when
    it exists and loads), otherwise the shipped one."""
    from .registry import current_model_path

    path = current_model_path()
    if path:
        try:
            load_model(path)
            return path
        except ModelError:  # another engine version, a damaged file: keep working with the shipped one
            pass
    return MODEL_PATH


def load_model(path: str | None = None) -> Model:
    path = os.path.abspath(path or active_model_path())
    if not os.path.exists(path):
        raise ModelError(f"no trained model at {path}: run enlace train-matching")
    mtime = os.path.getmtime(path)
    hit = _CACHE.get(path)
    if hit is None or hit[0] != mtime:
        with open(path, encoding="utf-8") as fh:
            try:
                data = json.load(fh)
            except ValueError as exc:
                raise ModelError(f"{path}: not a model file ({exc})") from None
        _CACHE[path] = (mtime, model_from_dict(data))
    return _CACHE[path][1]


def save_model(path: str, splink_settings: dict, expected_matches_per_record: float, meta: dict,
               name_rarity: dict | None = None) -> None:
    data = {"format": MODEL_FORMAT, "expected_matches_per_record": expected_matches_per_record, "meta": meta,
            "splink_settings": splink_settings}
    if name_rarity:
        data["name_rarity"] = name_rarity
    model_from_dict(data)  # refuse to write something we could not load
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, sort_keys=False)
        fh.write("\n")
    _CACHE.pop(os.path.abspath(path), None)
