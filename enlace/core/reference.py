"""Reference data shipped with Enlace: parties to the network, observer bodies, roles."""

import json
from pathlib import Path

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string

from enlace.accounts.roles import sync_roles

from .actions import do_load_reference_rows
from .models import Country, Institution

DATA = Path(__file__).parent / "data" / "reference.json"


@transaction.atomic
def load_reference() -> dict:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    do_load_reference_rows(data)
    roles = sync_roles()
    # Vocabularies that apps ship as reference data (``reference_loaders`` on their AppConfig).
    for config in apps.get_app_configs():
        for dotted in getattr(config, "reference_loaders", []):
            import_string(dotted)()
    return {"countries": Country.objects.count(), "institutions": Institution.objects.count(), "roles": roles}
