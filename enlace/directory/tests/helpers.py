"""Test helpers for the directory: contacts proposed and authorised through the real actions."""

from __future__ import annotations

import itertools
import uuid

from enlace.core.models import Institution
from enlace.directory.actions import do_authorise_contact, do_propose_contact
from enlace.directory.demo import _phones
from enlace.testing import factories as f

_n = itertools.count(0)
_chanceries: dict = {}


def phone(code: str) -> str:
    # The ST (CRM) has no numbering plan of its own: Costa Rican numbers, as in the demo.
    return _phones("CRI" if code == "CRM" else code, 100)[next(_n) % 100]


def data(proposer, *, institution=None, **overrides) -> dict:
    inst = institution or proposer.institution
    code = inst.country.code
    tag = uuid.uuid4().hex[:8]
    base = {
        "institution": inst, "first_name": "Persona", "last_name": f"Prueba{tag}", "position": "Oficial de enlace",
        "areas": ["investigation"], "functions": ["information_exchange"], "languages": ["es"],
        "email": f"p{tag}@example.org", "phone": phone(code), "timezone": inst.country.timezone,
    }
    base.update(overrides)
    return base


def propose(proposer, **overrides):
    return do_propose_contact(proposer, data(proposer, **overrides))


def chancery(code: str):
    return f.user(code, "cancilleria", inst=f.institution(code, Institution.Type.FOREIGN_MINISTRY))


def authorised(proposer, chancery_user=None, **overrides):
    contact = propose(proposer, **overrides)
    return do_authorise_contact(chancery_user or chancery(proposer.institution.country.code), contact)
