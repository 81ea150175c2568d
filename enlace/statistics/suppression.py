"""Small-cell suppression, primary and complementary (pure functions, property-tested).

A *table* is one indicator of one country and one period: its total ``("", "")`` and, for each
dimension, its categories ``(dimension, category)``, which add up to the total. Before a figure
leaves its owner country:

* primary: every cell below ``SMALL_CELL`` (11) is suppressed — zeros too, so that no difference
  reveals a small value either;
* complementary: in each dimension, if the suppressed categories add up to less than 11 (or only
  one is suppressed), the smallest published categories are suppressed as well until they add up to
  at least 11 — so the total minus the published categories never gives back a small number;
* a total below 11 suppresses the whole table.

Everything other countries see (pages, charts, exports, API, the report) is a sum of published
cells, so every published number and every difference "total − published parts" is 0 or ≥ 11.
"""

from __future__ import annotations

from collections import defaultdict

from .models import SMALL_CELL

TOTAL = ("", "")


def suppress_table(cells: dict[tuple[str, str], int], threshold: int = SMALL_CELL) -> set[tuple[str, str]]:
    """The keys of ``cells`` that may be published."""
    total = cells.get(TOTAL)
    if total is not None and total < threshold:
        return set()
    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for (dim, cat), value in cells.items():
        if dim:
            groups[dim][cat] = value
    published = {TOTAL} if total is not None else set()
    for dim, parts in groups.items():
        hidden = {cat for cat, v in parts.items() if v < threshold}
        # Complementary suppression: the hidden mass of the group must be ≥ threshold and never one cell alone.
        shown = sorted((v, cat) for cat, v in parts.items() if cat not in hidden)
        while hidden and (sum(parts[c] for c in hidden) < threshold or len(hidden) < 2) and shown:
            hidden.add(shown.pop(0)[1])
        published.update((dim, cat) for cat in parts if cat not in hidden)
    return published


def suppress_rows(rows, threshold: int = SMALL_CELL) -> list[tuple]:
    """``rows``: ``[(indicator, dimension, category, value)]`` of one submission. Returns the published
    rows (same shape), table by table."""
    tables: dict = defaultdict(dict)
    for ind, dim, cat, value in rows:
        tables[ind][(dim, cat)] = value
    out = []
    for ind, cells in tables.items():
        keep = suppress_table(cells, threshold)
        out.extend((ind, dim, cat, v) for (dim, cat), v in cells.items() if (dim, cat) in keep)
    return out


def suppress_counts(counts: dict[str, int], threshold: int = SMALL_CELL) -> dict[str, int]:
    """A one-way table without a declared total (e.g. cases by type): the total is their sum."""
    cells = {("k", k): v for k, v in counts.items()}
    cells[TOTAL] = sum(counts.values())
    keep = suppress_table(cells, threshold)
    return {k: v for k, v in counts.items() if ("k", k) in keep}
