"""Periodic work of the exchange (``enlace run-periodic``): overdue detection and escalation. Idempotent."""

from __future__ import annotations

from .actions import do_flag_overdue


def run_exchange_tasks(now=None) -> dict:
    return do_flag_overdue(now)
