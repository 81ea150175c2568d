"""Test helpers: centre managers, centres and stays made through the app's actions."""

from __future__ import annotations

import datetime
import itertools
import uuid

from django.utils import timezone

from enlace.centres import actions
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

_n = itertools.count(1)


def manager(code: str = "GTM", **kw):
    return f.user(code, "centre_manager", **kw)


def centre(user, *, distribution=Distribution.NETWORK, capacity=100, **kw):
    data = {"name": kw.pop("name", f"Centro {uuid.uuid4().hex[:8]}"), "centre_type": "shelter", "place": "Tecún Umán",
            "lat": 14.68, "lon": -92.14, "capacity_men": capacity, "capacity_women": 0, "capacity_families": 0,
            "capacity_children": 0, "services": ["health"], **kw}
    return actions.do_create_centre(user, distribution=distribution, **data)


def entry(user, c, **kw):
    today = timezone.localdate()
    data = {"entry_date": today - datetime.timedelta(days=3), "entry_mode": "interception",
            "given_names": "Persona", "surname_1": f"Apellido{next(_n)}x", "surname_2": "", "sex": "M",
            "dob": datetime.date(1990, 1, 1), "nationality": "HND", "age_band": "adult", **kw}
    return actions.do_register_entry(user, c, data)
