"""The matching index of the deployment: blocking keys in indexed database tables.

Every server process, worker and command reads and writes the same tables, so the index is always
current (a person saved through one process is a candidate for a check in any other at once), no
process builds anything on first use and no process holds a copy in memory. A check reads the
candidates sharing a blocking key with the query (one indexed lookup), the term-frequency counters
(one lookup) and scores in the asking process with the engine's own :func:`~.engine.online.score`:
the same keys, the same arithmetic as the in-memory ``OnlineIndex`` and the batch, so batch and
online agree exactly.

The keys come from :mod:`.engine.blocking` through :func:`~.engine.online.posted_keys` /
:func:`~.engine.online.lookup_pairs`, the cap from ``KEY_VALUE_CAP`` (counted at query time); this
module decides nothing about blocking.

Writes are serialised per record (its row is locked first) and the counters are updated in one
sorted pass, so concurrent checks neither deadlock nor double-count.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Iterable, Mapping

from django.db import IntegrityError, connection, transaction

from .engine import blocking
from .engine import model as _engine_model
from .engine.model import (DEFAULT_THRESHOLD, NAME_RARITY_COLUMNS, Model, birth_year, load_model, year_column,
                           years_column)
from .engine.normalize import FEATURES, LIST_FEATURES, Features, normalise_record
from .engine.online import is_candidate, lookup_pairs, posted_keys, score
from .index_models import IndexCount, IndexedRecord, IndexKey

# The engine's version (normalisation and keys): rows of another version are re-indexed by match-all.
# The blocking keys have their own version: new keys leave the rows stale even when the model's is unchanged.
# The stored feature layout has its own fingerprint: a row written with other features cannot even be
# read back (Features._make refuses it), so a change of layout must make every older row stale by itself,
# whether or not somebody remembered to raise a version number.
_LAYOUT = hashlib.sha1("|".join(FEATURES).encode()).hexdigest()[:6]
ENGINE_VERSION = f'{getattr(_engine_model, "ENGINE_VERSION", "1")}-b{blocking.BLOCKING_VERSION}-{_LAYOUT}'[:16]
_LIST_POS = tuple(FEATURES.index(c) for c in LIST_FEATURES)
#: counter of the number of indexed records (column "" / value "")
_TOTAL = ("", "")


def _dump(f: Features) -> list:
    return [list(v) if isinstance(v, tuple) else v for v in f]


def _load(values: list) -> Features:
    values = list(values)
    for pos in _LIST_POS:
        if isinstance(values[pos], list):
            values[pos] = tuple(values[pos])
    return Features._make(values)


def _key(column: str, value) -> str:
    return f"{column}={value}"


def _counts_of(f: Features, tf_columns: Iterable[str]) -> Counter:
    c = Counter({_TOTAL: 1})
    year = birth_year(f)
    for col in tf_columns:
        v = getattr(f, col)
        if v is not None:
            c[(col, "")] += 1
            c[(col, v)] += 1
            if year is not None and col in NAME_RARITY_COLUMNS:
                # the name's records per birth year (name rarity: the name's other birth years)
                c[(year_column(col), f"{v}|{year}")] += 1
    return c


def with_years(counts: Counter) -> Counter:
    """Bulk counters (a rebuild) completed with the number of birth years of each name: one per
    (name, year) counter above zero (``model.YEAR_CLASSES``)."""
    years: Counter = Counter()
    for (col, value), n in counts.items():
        if n > 0 and col.endswith("@y"):
            years[(years_column(col[:-2]), value.rpartition("|")[0])] += 1
    counts.update(years)
    return counts


def _apply_counts(delta: Counter) -> None:
    """Add ``delta`` to the counters, in sorted order (a fixed lock order: no deadlock between checks).

    A (name, birth year) counter that rises from zero adds a year to its name, one that falls to zero
    takes it away (read back with RETURNING, in the same statement); those are applied after, in
    sorted order too."""
    items = sorted((k, n) for k, n in delta.items() if n)
    if not items:
        return
    table = IndexCount._meta.db_table
    years: Counter = Counter()
    with connection.cursor() as cur:
        # INSERT … ON CONFLICT … RETURNING: one statement per counter on SQLite (≥ 3.35) and PostgreSQL alike.
        for (col, value), n in items:
            cur.execute(f'INSERT INTO {table} ("column", "value", "count") VALUES (%s, %s, %s) '
                        f'ON CONFLICT ("column", "value") DO UPDATE SET "count" = {table}."count" + excluded."count" '
                        f'RETURNING "count"', [col, value, n])
            new = cur.fetchone()[0]
            if col.endswith("@y") and (new - n <= 0) != (new <= 0):
                years[(years_column(col[:-2]), value.rpartition("|")[0])] += 1 if new > 0 else -1
        for (col, value), n in sorted(years.items()):
            if n:
                cur.execute(f'INSERT INTO {table} ("column", "value", "count") VALUES (%s, %s, %s) '
                            f'ON CONFLICT ("column", "value") DO UPDATE SET "count" = {table}."count" + excluded."count"',
                            [col, value, n])


class DatabaseIndex:
    """``add`` / ``remove`` / ``match`` of :class:`~.engine.online.OnlineIndex`, over the database."""

    def __init__(self, *, model: Model | None = None, threshold: float | None = None,
                 cross_country_only: bool = True):
        self.model = model or load_model()
        self.threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
        self.cross_country_only = cross_country_only
        self.tf_columns = tuple(self.model.tf_columns)

    # --- maintenance ---------------------------------------------------------------------------
    def __len__(self) -> int:
        row = IndexCount.objects.filter(column="", value="").values_list("count", flat=True).first()
        return int(row or 0)

    def __contains__(self, record_id: str) -> bool:
        return IndexedRecord.objects.filter(pk=record_id).exists()

    def add(self, record: Mapping[str, object] | Features) -> bool:
        """Index (or re-index) a record; a record without a record id is not indexed (False)."""
        f = record if isinstance(record, Features) else normalise_record(record)
        if not f.record_id:
            return False
        for attempt in range(2):
            try:
                with transaction.atomic():
                    delta = self._remove_locked(f.record_id)
                    IndexedRecord.objects.create(record_id=f.record_id, source_country=f.source_country or "",
                                                 features=_dump(f), engine_version=ENGINE_VERSION)
                    IndexKey.objects.bulk_create([IndexKey(record_id=f.record_id, key=_key(c, v))
                                                  for c, v in posted_keys(f)])
                    delta.update(_counts_of(f, self.tf_columns))
                    _apply_counts(delta)
                return True
            except IntegrityError:
                # Another process indexed the same record between our delete and insert: do it again
                # (its row now exists and is locked, then replaced, by the second attempt).
                if attempt:
                    raise
        return True

    def remove(self, record_id: str) -> bool:
        """Remove a record; False when it was not indexed."""
        with transaction.atomic():
            delta = self._remove_locked(record_id)
            _apply_counts(delta)
        return bool(delta)

    def _remove_locked(self, record_id: str) -> Counter:
        """Delete the record (row locked first) and return the counter changes its removal makes."""
        row = (IndexedRecord.objects.select_for_update().filter(pk=record_id)
               .values_list("features", flat=True).first())
        if row is None:
            return Counter()
        IndexedRecord.objects.filter(pk=record_id).delete()  # its keys go with it (CASCADE)
        if len(row) != len(FEATURES):
            # A row of an older layout (stale until match-all rebuilds everything, counters included):
            # it goes, and its counters are left to that rebuild rather than guessed.
            return Counter({_TOTAL: -1})
        return Counter({k: -n for k, n in _counts_of(_load(row), self.tf_columns).items()})

    def clear(self) -> None:
        with transaction.atomic():
            IndexKey.objects.all().delete()
            IndexedRecord.objects.all().delete()
            IndexCount.objects.all().delete()

    def rebuild(self, records: Iterable[Mapping[str, object]], batch_size: int = 2000) -> int:
        """Replace the whole index with ``records`` (``enlace match-all``, after an engine upgrade)."""
        with transaction.atomic():
            self.clear()
            counts: Counter = Counter()
            n = 0
            batch: list[Features] = []

            def flush():
                IndexedRecord.objects.bulk_create([
                    IndexedRecord(record_id=f.record_id, source_country=f.source_country or "", features=_dump(f),
                                  engine_version=ENGINE_VERSION) for f in batch])
                IndexKey.objects.bulk_create([IndexKey(record_id=f.record_id, key=_key(c, v))
                                              for f in batch for c, v in posted_keys(f)], batch_size=10_000)
                batch.clear()

            seen = set()
            for rec in records:
                f = normalise_record(rec)
                if not f.record_id or f.record_id in seen:
                    continue
                seen.add(f.record_id)
                batch.append(f)
                counts.update(_counts_of(f, self.tf_columns))
                n += 1
                if len(batch) >= batch_size:
                    flush()
            if batch:
                flush()
            IndexCount.objects.bulk_create([IndexCount(column=c, value=v, count=k)
                                            for (c, v), k in with_years(counts).items()], batch_size=10_000)
            if connection.vendor == "postgresql":
                # Fresh statistics for the tables just refilled: statistics of an earlier, different
                # content (or none) let the planner pick a plan that scans the keys on every check
                # (seen in the test run: 5 s per check instead of 5 ms).
                with connection.cursor() as cur:
                    cur.execute(f"ANALYZE {IndexKey._meta.db_table}, {IndexedRecord._meta.db_table}, "
                                f"{IndexCount._meta.db_table}")
        return n

    def stale(self) -> int:
        """Records indexed by another engine version (``enlace match-all`` re-indexes them)."""
        return IndexedRecord.objects.exclude(engine_version=ENGINE_VERSION).count()

    # --- queries -------------------------------------------------------------------------------
    def candidates(self, q: Features) -> list[Features]:
        """Indexed records sharing a blocking key with ``q`` (from another source country): one query.

        The cap of :mod:`.engine.blocking` is counted in the same query: a lookup whose own or posted
        key has more than ``KEY_VALUE_CAP`` postings proposes nothing (``LIMIT 1 OFFSET cap`` reads at
        most ``cap + 1`` index entries per key, so a frequent key costs no more than a rare one)."""
        pairs = [(_key(a, v), _key(b, v)) for a, b, v in lookup_pairs(q)]
        if not pairs:
            return []
        if self.cross_country_only and not q.source_country:
            return []
        rec, key = IndexedRecord._meta.db_table, IndexKey._meta.db_table
        values = ", ".join(["(%s, %s)"] * len(pairs))
        params: list = [x for p in pairs for x in p]
        cap = blocking.KEY_VALUE_CAP
        if cap:
            capped = "AND q.a NOT IN (SELECT c.key FROM capped c) AND q.b NOT IN (SELECT c.key FROM capped c)"
            with_capped = (f", capped(key) AS (SELECT u.key FROM (SELECT a AS key FROM q UNION SELECT b FROM q) u "
                           f"WHERE EXISTS (SELECT 1 FROM {key} x WHERE x.key = u.key LIMIT 1 OFFSET {int(cap)}))")
        else:
            capped = with_capped = ""
        sql = (f"WITH q(a, b) AS (VALUES {values}){with_capped} "
               f"SELECT r.features FROM {rec} r WHERE r.record_id IN "
               f"(SELECT k.record_id FROM q JOIN {key} k ON k.key = q.b WHERE 1 = 1 {capped}) "
               # Rows of another engine version are stale (match-all re-indexes them): never scored.
               f"AND r.engine_version = %s")
        params.append(ENGINE_VERSION)
        if self.cross_country_only:
            sql += " AND r.source_country <> %s"
            params.append(q.source_country)
        field = IndexedRecord._meta.get_field("features")
        with connection.cursor() as cur:
            cur.execute(sql, params)
            rows = [field.from_db_value(v, None, connection) if isinstance(v, str) else v for (v,) in cur.fetchall()]
        found = (_load(v) for v in rows)
        return [f for f in found if is_candidate(q, f, self.cross_country_only)]

    def term_frequencies(self, records: Iterable[Features]) -> tuple[int, dict]:
        """The number of indexed records and the counters the scoring of ``records`` needs: one query."""
        wanted = {_TOTAL} | {(c, "") for c in self.tf_columns}
        for f in records:
            year = birth_year(f)
            for c in self.tf_columns:
                v = getattr(f, c)
                if v is not None:
                    wanted.add((c, v))
                    if c in NAME_RARITY_COLUMNS:
                        wanted.add((years_column(c), v))
                        if year is not None:
                            wanted.add((year_column(c), f"{v}|{year}"))
        counts: dict = {}
        cols = {c for c, _v in wanted}
        values = {v for _c, v in wanted}
        for c, v, n in IndexCount.objects.filter(column__in=cols, value__in=values).values_list("column", "value",
                                                                                               "count"):
            if (c, v) in wanted:
                counts[(c, v)] = n
        return counts.get(_TOTAL, 0), counts

    def match(self, record: Mapping[str, object] | Features, threshold: float | None = None,
              limit: int | None = None) -> list[tuple[str, float, dict]]:
        """Same answer as :meth:`.engine.online.OnlineIndex.match` over the same records."""
        q = record if isinstance(record, Features) else normalise_record(record)
        t = self.threshold if threshold is None else float(threshold)
        found = self.candidates(q)
        if not found:
            return []
        n, counts = self.term_frequencies([q, *found])

        def tf(column: str, value):
            if value is None:
                return None
            c = counts.get((column, value))
            return c / counts[(column, "")] if c else None

        def count(column: str, value) -> int:
            return counts.get((column, value), 0) if value is not None else 0

        return score(self.model, q, found, n, tf, t, limit, count)
