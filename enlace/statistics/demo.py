"""Demo data: periods 2024 and 2025; Guatemala, Honduras, Mexico, Costa Rica and Panama submit,
validate and lock both; El Salvador submits nothing (and so sees no other country's figures);
inventory entries for several countries. Idempotent."""

from __future__ import annotations

import datetime
import random

from enlace.accounts.models import User

from . import actions
from .models import DatabaseEntry, Dimension, Indicator, Period, Submission

SUBMITTERS = ("GTM", "HND", "MEX", "CRI", "PAN")
SCALE = {"GTM": 900, "HND": 500, "MEX": 4000, "CRI": 300, "PAN": 700}
INVENTORY = [
    ("GTM", "Registro de personas migrantes retornadas", "Instituto Guatemalteco de Migración", 90, 7, 2, True, True),
    ("GTM", "Sistema informático del Ministerio Público", "Ministerio Público", 70, 45, 8, False, False),
    ("MEX", "Boletín estadístico de eventos de personas en situación migratoria irregular", "Unidad de Política "
     "Migratoria", 95, 30, 1, True, True),
    ("HND", "Registro de víctimas de trata", "CICESCT", 60, 90, 10, False, False),
    ("PAN", "Registro de flujos por Darién", "Servicio Nacional de Migración", 85, 1, 3, True, False),
]


def _split(total, cats, rng):
    weights = [rng.random() ** 2 + 0.01 for _ in cats]
    raw = [int(total * w / sum(weights)) for w in weights]
    raw[0] += total - sum(raw)
    return dict(zip(cats, raw))


def _values(code, period_index, rng):
    dims = {d.code: [c["code"] for c in d.categories] for d in Dimension.objects.all()}
    values = {}
    for ind in Indicator.objects.filter(active=True):
        total = int(SCALE[code] * rng.uniform(0.2, 1.2) * (1 + 0.15 * period_index))
        values[(ind.code, "", "")] = total
        for dim in ind.dimensions:
            cats = dims[dim]
            if dim == "origin":  # routes come from neighbours
                cats = [c for c in cats if c != code]
            for cat, v in _split(total, cats, rng).items():
                values[(ind.code, dim, cat)] = v
            for cat in set(dims[dim]) - set(cats):
                values[(ind.code, dim, cat)] = 0
    return values


def load_demo(stdout=None) -> int:
    rng = random.Random(2026)
    periods = []
    for year in (2024, 2025):
        period = Period.objects.filter(code=str(year)).first()
        if period is None:
            st = User.objects.filter(username="st.crm").first()
            period = actions.do_open_period(st, code=str(year), starts_on=datetime.date(year, 1, 1),
                                            ends_on=datetime.date(year, 12, 31), deadline=datetime.date(year + 1, 3, 31))
        periods.append(period)
    created = 0
    for code in SUBMITTERS:
        analyst = User.objects.filter(username=f"analista.{code.lower()}").first()
        approver = User.objects.filter(username=f"cancilleria.{code.lower()}").first()
        if analyst is None or approver is None:
            continue
        for index, period in enumerate(periods):
            values = _values(code, index, rng)
            if Submission.objects.restrict(analyst, "list").filter(period=period, country__code=code).exists():
                continue
            sub = actions.do_save_submission(analyst, period, values, channel=Submission.Channel.XLSX)
            sub = actions.do_validate_submission(approver, sub)
            actions.do_lock_submission(approver, sub)
            created += 1
    for code, name, holder, comp, days, dup, api, feeds in INVENTORY:
        analyst = User.objects.filter(username=f"analista.{code.lower()}").first()
        if analyst is None or DatabaseEntry.objects.restrict(analyst, "list").filter(name=name).exists():
            continue
        actions.do_create_database_entry(analyst, name=name, holder=holder, completeness=comp, timeliness_days=days,
                                         duplicates_pct=dup, has_api=api, feeds_enlace=feeds, formats="XLSX, CSV",
                                         coverage="Nacional, 2019–2025", frequency="monthly")
        created += 1
    if stdout:
        stdout.write(f"statistics: {created} demo submissions/entries\n")
    return created
