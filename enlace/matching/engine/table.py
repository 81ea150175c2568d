"""Reading input CSV files, normalising them (in parallel for large files) and loading the normalised
records into DuckDB.  Shared by the batch linker, the online index and training."""

from __future__ import annotations

import csv
import gc
import os
import sys
from typing import Iterable, Iterator

from .normalize import FEATURES, INPUT_COLUMNS, INT_FEATURES, LIST_FEATURES, Features, normalise_record, normalise_row

#: Below this many records normalisation runs in the calling process; above, in forked workers.
PARALLEL_MIN_RECORDS = 50_000
LIST_SEP = "|"


class InputError(ValueError):
    """The input file cannot be linked (missing, empty, wrong header, duplicate ids)."""


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

def read_csv_rows(path: str) -> Iterator[tuple]:
    """Rows of an input CSV as tuples of strings in :data:`INPUT_COLUMNS` order."""
    return _read(path, as_dict=False)


def read_csv_records(path: str) -> Iterator[dict]:
    """Rows of an input CSV as dicts of the :data:`INPUT_COLUMNS` (extra columns are ignored)."""
    return _read(path, as_dict=True)


def _read(path: str, as_dict: bool):
    """Raises :class:`InputError` for a missing or empty file, or a header without the required columns."""
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.getsize(path) == 0:
        raise InputError(f"{path}: empty file (expected a header with columns {','.join(INPUT_COLUMNS)})")
    csv.field_size_limit(sys.maxsize)
    fh = open(path, newline="", encoding="utf-8-sig", errors="replace")
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise InputError(f"{path}: empty file") from None
    header = [h.strip().lower() for h in header]
    missing = [c for c in INPUT_COLUMNS if c not in header]
    if missing:
        fh.close()
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(INPUT_COLUMNS)}")
    return _rows(fh, reader, header, as_dict)


def _rows(fh, reader, header, as_dict):
    idx = [(c, header.index(c)) for c in INPUT_COLUMNS]
    pos = [i for _, i in idx]
    width = len(header)
    simple = pos == list(range(len(INPUT_COLUMNS)))
    ncol = len(INPUT_COLUMNS)
    with fh:
        for row in reader:
            if not row:
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            if as_dict:
                yield {c: row[i] for c, i in idx}
            elif simple:
                yield tuple(row[:ncol])
            else:
                yield tuple(row[i] for i in pos)


# --------------------------------------------------------------------------------------------
# Normalising
# --------------------------------------------------------------------------------------------

class _NoGC:
    """Millions of small tuples: the cyclic garbage collector would rescan them over and over."""

    def __enter__(self):
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was:
            gc.enable()


CHUNK = 25_000


def _normalise_chunk(rows: list[tuple]) -> list[tuple]:
    gc.disable()
    return [tuple(normalise_row(r)) for r in rows]


def _columns_chunk(rows: list[tuple]):
    """A worker normalises its chunk and hands back columns (an Arrow table when pyarrow is there)."""
    return to_columns(_normalise_chunk(rows))


def _parallel(rows: list, fn, workers: int | None):
    """``[fn(chunk) for chunk in chunks(rows)]`` in forked worker processes, or None when the input
    is small (or the platform has no fork).  Chunks are sent to the workers (pickled), so the
    children do not touch the parent's rows (copy-on-write of millions of tuples is slow)."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(rows) < PARALLEL_MIN_RECORDS or sys.platform != "linux":
        return None
    import multiprocessing as mp

    chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]
    with mp.get_context("fork").Pool(workers) as pool:
        return list(pool.imap(fn, chunks))


def normalise_rows(rows: list[tuple], workers: int | None = None) -> list[tuple]:
    """Plain feature tuples of the rows, identical to ``[tuple(normalise_row(r)) for r in rows]``;
    computed by forked worker processes for large inputs."""
    with _NoGC():
        parts = _parallel(rows, _normalise_chunk, workers)
        if parts is None:
            return _normalise_chunk(rows)
        out: list[tuple] = []
        for p in parts:
            out.extend(p)
        return out


def normalise_csv(path: str, workers: int | None = None) -> tuple[list[tuple], dict]:
    """Read and normalise a CSV file into feature tuples; drops rows without a record id and refuses
    duplicate ids."""
    with _NoGC():
        rows = list(read_csv_rows(path))
    feats = normalise_rows(rows, workers)
    del rows
    rid = FEATURES.index("record_id")
    dropped = sum(1 for f in feats if not f[rid])
    if dropped:
        feats = [f for f in feats if f[rid]]
    _refuse_duplicates(f[rid] for f in feats)
    return feats, {"records_without_id": dropped}


def _refuse_duplicates(ids: Iterable[str]) -> None:
    seen: set = set()
    for i in ids:
        if i in seen:
            raise InputError(f"duplicate record_id {i!r}")
        seen.add(i)


def normalise_all(records: Iterable[dict]) -> tuple[list[Features], dict]:
    """Normalise mappings, dropping those without a record id; raises on duplicate ids."""
    feats = [f for f in (normalise_record(r) for r in records)]
    dropped = sum(1 for f in feats if not f.record_id)
    feats = [f for f in feats if f.record_id]
    _refuse_duplicates(f.record_id for f in feats)
    return feats, {"records_without_id": dropped}


# --------------------------------------------------------------------------------------------
# Columns and DuckDB
# --------------------------------------------------------------------------------------------

def _has_arrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def to_columns(features: list, extra: dict[str, list] | None = None):
    """Column-wise features: a pyarrow Table when pyarrow is installed (fast hand-off to DuckDB),
    otherwise a pandas DataFrame of object columns.  List features are joined with ``|``."""
    with _NoGC():
        columns = list(zip(*features)) if features else [()] * len(FEATURES)
        names = list(FEATURES) + list(extra or {})
        cols = []
        for name, col in zip(FEATURES, columns):
            if name in LIST_FEATURES:
                col = [LIST_SEP.join(v) if v else None for v in col]
            cols.append(col)
        cols += [list(v) for v in (extra or {}).values()]
        if _has_arrow():
            import pyarrow as pa

            arrays = [pa.array(c, type=pa.int64() if n in INT_FEATURES else pa.string()) for n, c in zip(names, cols)]
            return pa.Table.from_arrays(arrays, names=names)
        import numpy as np
        import pandas as pd

        data = {}
        for n, c in zip(names, cols):
            a = np.empty(len(c), dtype=object)
            a[:] = c
            data[n] = a
        return pd.DataFrame(data, dtype=object, copy=False)


def csv_to_columns(path: str, workers: int | None = None) -> tuple[object, int]:
    """Read and normalise a CSV file straight into columns (parallel for large files).
    Returns (columns, number of rows read); rows without record id are still in the columns."""
    with _NoGC():
        rows = list(read_csv_rows(path))
    n = len(rows)
    parts = _parallel(rows, _columns_chunk, workers)
    if parts is None:
        return to_columns(normalise_rows(rows, 1)), n
    del rows
    if _has_arrow():
        import pyarrow as pa

        return pa.concat_tables(parts), n
    import pandas as pd

    return pd.concat(parts, ignore_index=True), n


def load_columns(con, columns, table: str = "records", extra: Iterable[str] = (), where: str = "") -> None:
    """Create DuckDB table ``table`` from :func:`to_columns` output, with the proper column types."""
    con.register("__enlace_columns", columns)
    cols = []
    for name in FEATURES:
        if name in LIST_FEATURES:
            cols.append(f"string_split(\"{name}\", '{LIST_SEP}')::VARCHAR[] AS \"{name}\"")
        elif name in INT_FEATURES:
            cols.append(f'CAST("{name}" AS INTEGER) AS "{name}"')
        else:
            cols.append(f'CAST("{name}" AS VARCHAR) AS "{name}"')
    cols += [f'"{name}"' for name in extra]
    con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT {", ".join(cols)} FROM __enlace_columns {where}')
    con.unregister("__enlace_columns")


def load_features(con, features: list, table: str = "records", extra: dict[str, list] | None = None) -> None:
    """Create DuckDB table ``table`` with one row per normalised record."""
    load_columns(con, to_columns(features, extra), table, extra=list(extra or {}))
