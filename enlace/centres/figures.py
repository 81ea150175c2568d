"""Occupancy figures (3.6, fn 17): computed from the register, aggregated for other countries with
every cell below 11 suppressed before it leaves its owner country.

A cell is ``(nationality, sex, age band, vulnerability) -> count``. A stay is open on day D when it
entered on or before D and has not left by D (``exit_date`` empty or after D). Other countries get
one table per owner country, built only from *published* cells (count ≥ 11): every number they
see — cells, totals, chart series, map labels, exports, API — is a sum of published cells, so no
suppressed cell can be recovered by subtraction.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from . import choices

KEYS = ("nationality", "sex", "age_band", "vulnerability")


def open_on(day: datetime.date) -> Q:
    return Q(entry_date__lte=day) & (Q(exit_date__isnull=True) | Q(exit_date__gt=day))


def register_cells(stays_qs, day: datetime.date) -> dict[int, list[list]]:
    """``{centre_id: [[nat, sex, band, vuln, n], ...]}`` for the stays of ``stays_qs`` open on ``day``."""
    out: dict[int, list[list]] = defaultdict(list)
    rows = (stays_qs.filter(open_on(day)).order_by().values("centre_id", *KEYS).annotate(n=Count("pk"))
            .order_by("centre_id", *KEYS))
    for r in rows:
        out[r["centre_id"]].append([r["nationality"], r["sex"], r["age_band"], r["vulnerability"], r["n"]])
    return dict(out)


def merge(cell_lists) -> dict[tuple, int]:
    acc: dict[tuple, int] = defaultdict(int)
    for cells in cell_lists:
        for *key, n in cells:
            acc[tuple(key)] += int(n)
    return dict(acc)


def suppress(cells: dict[tuple, int]) -> tuple[dict[tuple, int], int]:
    """Only cells of at least ``SMALL_CELL``; returns ``(published, number of suppressed cells)``."""
    published = {k: n for k, n in cells.items() if n >= choices.SMALL_CELL}
    hidden = sum(1 for n in cells.values() if 0 < n < choices.SMALL_CELL)
    return published, hidden


def marginal(cells: dict[tuple, int], index: int) -> list[tuple[str, int]]:
    acc: dict[str, int] = defaultdict(int)
    for key, n in cells.items():
        acc[key[index] or ""] += n
    return sorted(acc.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass
class CountryBlock:
    """What one viewer sees of one country's figures for a day."""

    code: str
    name: str
    own: bool
    cells: dict = field(default_factory=dict)          # published (foreign) or complete (own)
    suppressed_cells: int = 0
    centres: list = field(default_factory=list)        # own country: per-centre rows
    total: int = 0
    capacity: int = 0

    @property
    def occupancy_pct(self):
        return round(100 * self.total / self.capacity) if self.own and self.capacity else None


def regional_view(user, day: datetime.date, figure_sets) -> list[CountryBlock]:
    """Blocks per country from the figure sets ``user`` may read for ``day`` (already restricted).

    The viewer's own country is shown whole (per centre); every other country only as its
    suppressed aggregate."""
    own_country = user.institution.country_id if getattr(user, "institution_id", None) else None
    by_country: dict[int, list] = defaultdict(list)
    meta = {}
    for fs in figure_sets:
        c = fs.owner_institution.country
        by_country[c.pk].append(fs)
        meta[c.pk] = c
    blocks = []
    for cid, sets in by_country.items():
        c = meta[cid]
        cells = merge(fs.cells for fs in sets)
        if cid == own_country:
            block = CountryBlock(c.code, c.name, True, cells=cells, total=sum(cells.values()),
                                 capacity=sum(fs.capacity for fs in sets),
                                 centres=[{"name": fs.centre_name, "centre_id": fs.centre_id, "total": fs.total,
                                           "capacity": fs.capacity, "source": fs.get_source_display(),
                                           "pct": round(100 * fs.total / fs.capacity) if fs.capacity else None}
                                          for fs in sorted(sets, key=lambda s: s.centre_name)])
        else:
            published, hidden = suppress(cells)
            block = CountryBlock(c.code, c.name, False, cells=published, suppressed_cells=hidden,
                                 total=sum(published.values()))
        blocks.append(block)
    blocks.sort(key=lambda b: (not b.own, b.name))
    return blocks


def cell_rows(blocks) -> list[tuple]:
    """Every cell every block shows, as table rows (country, nationality, sex, band, vulnerability, n)."""
    rows = []
    for b in blocks:
        for (nat, sex, band, vuln), n in sorted(b.cells.items()):
            rows.append((b.code, nat, choices.label(choices.SEXES, sex), choices.label(choices.AGE_BANDS, band),
                         choices.label(choices.VULNERABILITIES, vuln) if vuln else "—", n))
    return rows


def chart_series(blocks) -> dict:
    """Chart data (nationality, sex, age band) summed over what the viewer may see."""
    cells = merge([[*k, n] for k, n in b.cells.items()] for b in blocks)
    return {
        "nationality": marginal(cells, 0)[:15],
        "sex": [(choices.label(choices.SEXES, k), n) for k, n in marginal(cells, 1)],
        "age_band": [(choices.label(choices.AGE_BANDS, k), n) for k, n in marginal(cells, 2)],
        "countries": [(b.code, b.total) for b in blocks],
    }
