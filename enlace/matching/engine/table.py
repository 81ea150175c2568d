"""Reading input CSV files and loading normalised records into DuckDB (shared by batch and training)."""

from __future__ import annotations

import csv
import gc
import os
import sys
from typing import Iterable, Iterator

from .normalize import FEATURES, INPUT_COLUMNS, INT_FEATURES, LIST_FEATURES, Features, normalise_record, normalise_row

#: Below this many records normalisation runs in the calling process; above, in worker processes.
PARALLEL_MIN_RECORDS = 50_000
CHUNK = 20_000

LIST_SEP = "|"


class InputError(ValueError):
    """The input file cannot be linked (missing, empty, wrong header, duplicate ids)."""


def read_csv_rows(path: str) -> Iterator[tuple]:
    """Rows of an input CSV as tuples of strings in :data:`INPUT_COLUMNS` order."""
    for rec in _read(path, as_dict=False):
        yield rec


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
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path}: empty file") from None
        header = [h.strip().lower() for h in header]
        missing = [c for c in INPUT_COLUMNS if c not in header]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)}; "
                             f"expected {','.join(INPUT_COLUMNS)}")
        idx = [(c, header.index(c)) for c in INPUT_COLUMNS]
        pos = [i for _, i in idx]
        width = len(header)
        simple = pos == list(range(len(INPUT_COLUMNS)))
        for row in reader:
            if not row:
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            if as_dict:
                yield {c: row[i] for c, i in idx}
            elif simple:
                yield tuple(row[:len(INPUT_COLUMNS)])
            else:
                yield tuple(row[i] for i in pos)


def _normalise_chunk(rows: list[tuple]) -> list[tuple]:
    gc.disable()
    return [tuple(normalise_row(r)) for r in rows]


def normalise_rows(rows: list[tuple], workers: int | None = None) -> list[tuple]:
    """Normalise rows (tuples in input order) into plain feature tuples, in parallel worker processes
    (``fork``) for large inputs.  The result is identical to ``[tuple(normalise_row(r)) for r in rows]``."""
    if workers is None:
        workers = os.cpu_count() or 1
    was_enabled = gc.isenabled()
    gc.disable()  # millions of small tuples: the cyclic collector would rescan them over and over
    try:
        if workers < 2 or len(rows) < PARALLEL_MIN_RECORDS or sys.platform != "linux":
            return _normalise_chunk(rows)
        import multiprocessing as mp

        chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]
        out: list[tuple] = []
        with mp.get_context("fork").Pool(min(workers, len(chunks))) as pool:
            for part in pool.imap(_normalise_chunk, chunks):
                out.extend(part)
        return out
    finally:
        if was_enabled:
            gc.enable()


def normalise_csv(path: str, workers: int | None = None) -> tuple[list[tuple], dict]:
    """Read and normalise a CSV file; drops rows without a record id and refuses duplicate ids."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        rows = list(read_csv_rows(path))
    finally:
        if was_enabled:
            gc.enable()
    feats = normalise_rows(rows, workers)
    del rows
    return _check_ids(feats)


def _check_ids(feats: list) -> tuple[list, dict]:
    rid = FEATURES.index("record_id")
    ids = [f[rid] for f in feats]
    dropped = sum(1 for i in ids if not i)
    if dropped:
        feats = [f for f in feats if f[rid]]
        ids = [i for i in ids if i]
    if len(set(ids)) != len(ids):
        seen: set = set()
        for i in ids:
            if i in seen:
                raise InputError(f"duplicate record_id {i!r}")
            seen.add(i)
    return feats, {"records_without_id": dropped}


def normalise_all(records: Iterable[dict]) -> tuple[list[Features], dict]:
    """Normalise records, dropping those without a record id; raises on duplicate ids."""
    feats: list[Features] = []
    seen: set[str] = set()
    dropped = 0
    for rec in records:
        f = normalise_record(rec)
        if not f.record_id:
            dropped += 1
            continue
        if f.record_id in seen:
            raise InputError(f"duplicate record_id {f.record_id!r}")
        seen.add(f.record_id)
        feats.append(f)
    return feats, {"records_without_id": dropped}


def _object_array(values):
    import numpy as np

    a = np.empty(len(values), dtype=object)
    a[:] = values
    return a


def features_frame(features: list, extra: dict[str, list] | None = None):
    """A pandas DataFrame (object columns) of the features; list features joined with ``|``."""
    import pandas as pd

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        columns = list(zip(*features)) if features else [()] * len(FEATURES)
        data = {}
        for name, col in zip(FEATURES, columns):
            if name in LIST_FEATURES:
                col = [LIST_SEP.join(v) if v else None for v in col]
            data[name] = _object_array(col)
        for name, col in (extra or {}).items():
            data[name] = _object_array(col)
        return pd.DataFrame(data, copy=False)
    finally:
        if was_enabled:
            gc.enable()


def load_features(con, features: list, table: str = "records", extra: dict[str, list] | None = None) -> None:
    """Create DuckDB table ``table`` with one row per record and the proper column types."""
    df = features_frame(features, extra)
    con.register("__enlace_features_df", df)
    cols = []
    for name in FEATURES:
        if name in LIST_FEATURES:
            cols.append(f"string_split(\"{name}\", '{LIST_SEP}')::VARCHAR[] AS \"{name}\"")
        elif name in INT_FEATURES:
            cols.append(f"CAST(\"{name}\" AS INTEGER) AS \"{name}\"")
        else:
            cols.append(f"CAST(\"{name}\" AS VARCHAR) AS \"{name}\"")
    for name in extra or {}:
        cols.append(f'"{name}"')
    con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT {", ".join(cols)} FROM __enlace_features_df')
    con.unregister("__enlace_features_df")
