"""Requests and events made through the app's actions."""

import datetime
import uuid

from django.utils import timezone

from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.training import actions


def tag():
    # Letters only: a random run of digits can look like a phone number to the personal-data check.
    return uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijkmnpqr"))


def _shared(owner, record, distribution, sharing_group=None):
    if distribution != record.distribution:
        record = do_change_sharing(owner, record, distribution=distribution, sharing_group=sharing_group)
    return record


def request_(owner, distribution=Distribution.INSTITUTION, sharing_group=None, **kw):
    data = {"topic": f"Tema {tag()}", "kind": "training", "audience": "Policía", **kw}
    return _shared(owner, actions.do_create_training_request(owner, data, distribution=Distribution.INSTITUTION),
                   distribution, sharing_group)


def event(owner, distribution=Distribution.INSTITUTION, sharing_group=None, **kw):
    start = timezone.now() + datetime.timedelta(days=10)
    data = {"title": f"Taller {tag()}", "scope": "national", "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=8), "place": "Ciudad de Guatemala", "capacity": 5, **kw}
    return _shared(owner, actions.do_create_event(owner, data), distribution, sharing_group)
