"""Practices, tools and case briefs made through the app's actions."""

import datetime
import uuid

from enlace.practices import actions
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution


def tag():
    # Letters only: a random run of digits can look like a phone number to the personal-data check.
    return uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijkmnpqr"))


def _shared(owner, record, distribution, sharing_group=None):
    if distribution != record.distribution:
        record = do_change_sharing(owner, record, distribution=distribution, sharing_group=sharing_group)
    return record


def practice(owner, distribution=Distribution.INSTITUTION, sharing_group=None, **kw):
    data = {"title": f"Práctica {tag()}", "summary": "Resumen de la práctica", **kw}
    return _shared(owner, actions.do_create_practice(owner, data), distribution, sharing_group)


def tool(owner, distribution=Distribution.INSTITUTION, sharing_group=None, **kw):
    data = {"title": f"Protocolo {tag()}", "kind": "protocol", "level": "national", **kw}
    return _shared(owner, actions.do_create_tool(owner, data), distribution, sharing_group)


def brief(owner, distribution=Distribution.INSTITUTION, sharing_group=None, **kw):
    data = {"title": f"Caso {tag()}", "court": "Tribunal Primero", "decided_on": datetime.date(2024, 3, 1),
            "offence": "smuggling", "outcome": "Condena", "summary": "Resumen del caso", **kw}
    return _shared(owner, actions.do_create_case_brief(owner, data), distribution, sharing_group)


PUBLIC = {"title_es": "Versión pública", "title_en": "Public version", "summary_es": "Resumen anonimizado",
          "summary_en": "Anonymised summary"}
