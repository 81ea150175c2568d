"""Test helpers: an agreement in force, made through the register's real actions."""

from __future__ import annotations

import datetime

from enlace.testing import factories as f

from ..actions import do_bring_agreement_into_force, do_register_agreement


def agreement(parties=("GTM", "HND"), *, chancery=None, ends_on=None, purposes=("investigation",),
              in_force=True, title="Acuerdo de prueba"):
    chancery = chancery or f.user(parties[0], "cancilleria")
    a = do_register_agreement(chancery, {
        "title": title, "kind": "bilateral" if len(parties) == 2 else "multilateral", "parties": list(parties),
        "starts_on": datetime.date(2026, 1, 1), "ends_on": ends_on, "purposes": list(purposes)})
    if in_force:
        a = do_bring_agreement_into_force(chancery, a)
    return a
