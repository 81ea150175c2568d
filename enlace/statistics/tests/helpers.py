"""Shared helpers: consistent figures for a country and a period, submitted and locked."""

from __future__ import annotations

import datetime

from enlace.statistics import actions
from enlace.statistics.models import Period
from enlace.testing import factories as f


def period(code="2025", year=2025):
    p = Period.objects.filter(code=code).first()
    return p or Period.objects.create(code=code, starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year, 12, 31))


def values(total=100, sex=(60, 30, 10)):
    """TIM-MIG with a sex breakdown (F, M, X)."""
    return {("TIM-MIG", "", ""): total, ("TIM-MIG", "sex", "F"): sex[0], ("TIM-MIG", "sex", "M"): sex[1],
            ("TIM-MIG", "sex", "X"): sex[2]}


def locked(code, p, vals=None, analyst=None):
    analyst = analyst or f.user(code, "analyst")
    approver = f.user(code, "cancilleria", inst=f.institution(code, "foreign_ministry"))
    sub = actions.do_save_submission(analyst, p, vals or values())
    sub = actions.do_validate_submission(approver, sub)
    return actions.do_lock_submission(approver, sub)
