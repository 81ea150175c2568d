"""Online check: one new record against an in-memory index of records, in milliseconds.

    index = OnlineIndex.from_csv("records.csv")          # or OnlineIndex(list_of_dicts)
    index.add({"record_id": "MEX-1", "source_country": "MEX", "given_names": "Pepe", ...})
    index.match({"record_id": "GTM-9", "source_country": "GTM", "given_names": "José", ...})
    # -> [("MEX-1", 0.9993, {"given_names": "same name (variant or diminutive)", "dob": "exact"})]
    index.remove("MEX-1")

The index uses the same normalisation (:mod:`.normalize`), the same blocking keys and the same
trained parameters (``model.json``) as the batch linker: a candidate is any indexed record from
another source country that shares a blocking key with the query, and its probability is computed
with the arithmetic of Splink's ``predict`` (:meth:`.model.Model.probability`), the prior being
scaled to the number of records in the index.  So a record matched online against an index of
the same records as a batch run gets the same pairs and probabilities as the batch.

Posting lists are Python dicts (key -> record number, or list of record numbers); 1 million
records take about 2-3 GB and a query takes a few milliseconds.  The platform does not keep this
index in its server processes: ``enlace.matching.index.DatabaseIndex`` keeps the same posting
lists in indexed database tables (one index for every process, always current) and scores with
the same :func:`score`; this class serves the engine's tools and tests.
"""

from __future__ import annotations

import math
from typing import Iterable, Mapping

from . import blocking
from .model import DEFAULT_THRESHOLD, Model, birth_year, load_model, threshold_to_match_weight
from .normalize import BLOCKING_RULES, FEATURES, Features, normalise_record

#: key columns that have posting lists (right-hand sides of the rules)
_POSTED = tuple(sorted({b for _, b in BLOCKING_RULES} | {a for a, _ in BLOCKING_RULES}))
_KEY_POS = tuple(FEATURES.index(k) for k in _POSTED)
#: lookups for a query: (query key position, posting list of the query's own key column, posting
#: list looked up), both directions of every rule; the own list gives the count the cap checks
_LOOKUPS = tuple(sorted({(FEATURES.index(a), _POSTED.index(a), _POSTED.index(b)) for a, b in BLOCKING_RULES}
                        | {(FEATURES.index(b), _POSTED.index(b), _POSTED.index(a)) for a, b in BLOCKING_RULES}))


def posted_keys(f: Features) -> list[tuple[str, str]]:
    """``(key column, value)`` of every posting list a record belongs to."""
    return [(col, f[pos]) for col, pos in zip(_POSTED, _KEY_POS) if f[pos] is not None]


def lookup_keys(q: Features) -> list[tuple[str, str]]:
    """``(posted key column, value)`` a query looks up: both directions of every blocking rule."""
    return sorted({(_POSTED[pi], q[pos]) for pos, _own, pi in _LOOKUPS if q[pos] is not None})


def lookup_pairs(q: Features) -> list[tuple[str, str, str]]:
    """``(query's key column, posted key column, value)`` of every lookup: the pair is proposed only
    when neither ``(own column, value)`` nor ``(posted column, value)`` is capped
    (:data:`.blocking.KEY_VALUE_CAP`)."""
    return sorted({(_POSTED[own], _POSTED[pi], q[pos]) for pos, own, pi in _LOOKUPS if q[pos] is not None})


def is_candidate(q: Features, f: Features, cross_country_only: bool = True) -> bool:
    """The filter every index applies after the key lookup (never the record itself; another country)."""
    if f.record_id == q.record_id:
        return False
    src = q.source_country
    return not (cross_country_only and (src is None or f.source_country is None or f.source_country == src))


def score(model: Model, q: Features, candidates: Iterable[Features], n_records: int, term_frequency,
          threshold: float, limit: int | None = None, count=None) -> list[tuple[str, float, dict]]:
    """Candidates at or above ``threshold``, best first, as ``(record_id, probability, explanation)``.

    The one scoring path of the in-memory and the database index, so both give the same answer."""
    min_weight = threshold_to_match_weight(threshold)
    out = []
    for f in candidates:
        levels = model.levels(q, f)
        bf = model.bayes_factor(levels, n_records, q, f, term_frequency, count)
        if math.log2(bf) >= min_weight:
            out.append((f.record_id, bf / (1 + bf), model.explain(levels)))
    out.sort(key=lambda x: (-x[1], x[0]))
    return out[:limit] if limit else out


def _capped(post, cap: int) -> bool:
    """A posting list (None, one record number or a list) longer than the cap."""
    return post is not None and post.__class__ is not int and len(post) > cap


class OnlineIndex:
    """An index of normalised records answering "which records match this one?"."""

    def __init__(self, records: Iterable[Mapping[str, object]] = (), *, model: Model | None = None,
                 model_path: str | None = None, threshold: float | None = None, cross_country_only: bool = True):
        self.model = model or load_model(model_path)
        self.threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
        self.cross_country_only = cross_country_only
        self._feats: list[Features | None] = []
        self._ids: dict[str, int] = {}
        self._post: list[dict] = [{} for _ in _POSTED]
        # term frequencies of the columns with term-frequency adjusted levels, over the index
        self._tf_counts: dict[str, dict[str, int]] = {c: {} for c in self.model.tf_columns}
        self._tf_nonnull: dict[str, int] = {c: 0 for c in self.model.tf_columns}
        # name rarity: records per (name, birth year), for the name's other birth years
        self._years: dict[str, dict[str, dict[str, int]]] = {c: {} for c in self.model.name_rarity}
        for rec in records:
            self.add(rec)

    # --- construction ------------------------------------------------------------------------
    @classmethod
    def from_features(cls, features: Iterable[Features], **kw) -> "OnlineIndex":
        idx = cls(**kw)
        for f in features:
            idx.add_features(f)
        return idx

    @classmethod
    def from_csv(cls, path: str, **kw) -> "OnlineIndex":
        """Build from a CSV in the batch input format (same reader and normaliser as the batch)."""
        from .table import normalise_csv

        feats, _ = normalise_csv(path)
        return cls.from_features((Features._make(f) for f in feats), **kw)

    @classmethod
    def from_duckdb(cls, con, table: str, **kw) -> "OnlineIndex":
        """Build from a DuckDB table (or view) with the batch input columns."""
        from .normalize import INPUT_COLUMNS

        cols = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in INPUT_COLUMNS)
        cur = con.execute(f'SELECT {cols} FROM "{table}"')
        idx = cls(**kw)
        while True:
            rows = cur.fetchmany(10_000)
            if not rows:
                break
            for row in rows:
                idx.add(dict(zip(INPUT_COLUMNS, row)))
        return idx

    # --- maintenance ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, record_id: str) -> bool:
        return record_id in self._ids

    def add(self, record: Mapping[str, object]) -> bool:
        """Index a record (replacing one with the same ``record_id``).  Records without a record id
        are not indexed (returns False)."""
        return self.add_features(normalise_record(record))

    def add_features(self, f: Features) -> bool:
        if not f.record_id:
            return False
        if f.record_id in self._ids:
            self.remove(f.record_id)
        i = len(self._feats)
        self._feats.append(f)
        self._ids[f.record_id] = i
        for post, pos in zip(self._post, _KEY_POS):
            key = f[pos]
            if key is None:
                continue
            cur = post.get(key)
            if cur is None:
                post[key] = i
            elif cur.__class__ is int:
                post[key] = [cur, i]
            else:
                cur.append(i)
        for col, counts in self._tf_counts.items():
            v = getattr(f, col)
            if v is not None:
                counts[v] = counts.get(v, 0) + 1
                self._tf_nonnull[col] += 1
        year = birth_year(f)
        if year is not None:
            for col, by_name in self._years.items():
                v = getattr(f, col)
                if v is not None:
                    years = by_name.setdefault(v, {})
                    years[year] = years.get(year, 0) + 1
        return True

    def remove(self, record_id: str) -> bool:
        """Remove a record; returns False when it was not indexed."""
        i = self._ids.pop(record_id, None)
        if i is None:
            return False
        f = self._feats[i]
        self._feats[i] = None
        for post, pos in zip(self._post, _KEY_POS):
            key = f[pos]
            if key is None:
                continue
            cur = post.get(key)
            if cur == i:
                del post[key]
            elif isinstance(cur, list):
                cur.remove(i)
                if len(cur) == 1:
                    post[key] = cur[0]
        for col, counts in self._tf_counts.items():
            v = getattr(f, col)
            if v is not None:
                if counts[v] == 1:
                    del counts[v]
                else:
                    counts[v] -= 1
                self._tf_nonnull[col] -= 1
        year = birth_year(f)
        if year is not None:
            for col, by_name in self._years.items():
                v = getattr(f, col)
                if v is not None:
                    years = by_name[v]
                    if years[year] == 1:
                        del years[year]
                        if not years:
                            del by_name[v]
                    else:
                        years[year] -= 1
        return True

    def term_frequency(self, column: str, value: str | None) -> float | None:
        """Share of indexed records with this value (None when absent), as Splink's tf tables."""
        if value is None:
            return None
        c = self._tf_counts[column].get(value)
        return c / self._tf_nonnull[column] if c else None

    def value_count(self, column: str, value: str | None) -> int:
        """How many indexed records carry this value (the name rarity); for ``<key>@y`` and
        ``<key>@years`` (see ``model.YEAR_CLASSES``) the records of a (name, year) and the number of
        birth years of a name."""
        if value is None:
            return 0
        if column.endswith("@years"):
            return len(self._years[column[:-6]].get(value, ()))
        if column.endswith("@y"):
            name, _sep, year = value.rpartition("|")
            return self._years[column[:-2]].get(name, {}).get(year, 0)
        return self._tf_counts[column].get(value, 0)

    # --- queries -------------------------------------------------------------------------------
    def candidates(self, q: Features) -> list[Features]:
        """Indexed records sharing a blocking key with ``q`` (from another source country)."""
        found: set[int] = set()
        posts = self._post
        cap = blocking.KEY_VALUE_CAP
        for pos, own, pi in _LOOKUPS:
            key = q[pos]
            if key is None:
                continue
            cur = posts[pi].get(key)
            if cur is None:
                continue
            if cur.__class__ is int:
                if cap and own != pi and _capped(posts[own].get(key), cap):
                    continue
                found.add(cur)
            else:
                # the cap: a value carried by more than ``cap`` records (in either column) proposes nothing
                if cap and (len(cur) > cap or (own != pi and _capped(posts[own].get(key), cap))):
                    continue
                found.update(cur)
        feats = self._feats
        return [f for f in (feats[i] for i in found) if f is not None and is_candidate(q, f, self.cross_country_only)]

    def match(self, record: Mapping[str, object] | Features, threshold: float | None = None,
              limit: int | None = None) -> list[tuple[str, float, dict]]:
        """Records matching ``record`` at or above the threshold, best first, as
        ``(record_id, probability, explanation)``; the explanation names the fields of the query
        record that agreed and how (``{"surname_1": "exact", "dob": "day/month swapped"}``).

        Never raises on missing or malformed fields (they are treated as missing)."""
        q = record if isinstance(record, Features) else normalise_record(record)
        t = self.threshold if threshold is None else float(threshold)
        return score(self.model, q, self.candidates(q), len(self), self.term_frequency, t, limit, self.value_count)
