"""Reference data shipped with Enlace: parties to the network, observer bodies, roles."""

import json
from pathlib import Path

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string

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
    # Vocabularies that apps ship as reference data (``reference_loaders`` on their AppConfig).
    for config in apps.get_app_configs():
        for dotted in getattr(config, "reference_loaders", []):
            import_string(dotted)()
    return {"countries": Country.objects.count(), "institutions": Institution.objects.count(), "roles": roles}
