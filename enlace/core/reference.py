"""Reference data shipped with Enlace: parties to the network, observer bodies, roles."""

import json
from pathlib import Path

from django.db import transaction

from enlace.accounts.roles import sync_roles

from .models import Country, Institution

DATA = Path(__file__).parent / "data" / "reference.json"


@transaction.atomic
def load_reference() -> dict:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for row in data["countries"]:
        Country.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    for row in data["observer_institutions"]:
        country = Country.objects.get(code=row["country"])
        Institution.objects.update_or_create(country=country, name=row["name"],
                                             defaults={"acronym": row["acronym"], "type": row["type"]})
    roles = sync_roles()
    return {"countries": Country.objects.count(), "institutions": Institution.objects.count(), "roles": roles}
