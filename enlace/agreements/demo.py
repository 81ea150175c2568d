"""Demo agreement: a memorandum Guatemala–Honduras–El Salvador in force. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction

from enlace.accounts.models import User

from .actions import do_bring_agreement_into_force, do_register_agreement
from .models import Agreement

TITLE = "Memorando de intercambio de información sobre tráfico ilícito de migrantes (GTM–HND–SLV)"


@transaction.atomic
def load_agreements_demo(stdout=None) -> int:
    chancery = User.objects.filter(username="cancilleria.gtm", is_active=True).select_related("institution").first()
    if chancery is None:
        return 0
    if Agreement.objects.restrict(chancery, "list").filter(title=TITLE).exists():
        return 0
    agreement = do_register_agreement(chancery, {
        "title": TITLE, "kind": "multilateral", "parties": ["GTM", "HND", "SLV"],
        "starts_on": datetime.date(2026, 1, 15), "ends_on": datetime.date(2029, 1, 14),
        "purposes": ["investigation", "victim_protection", "migration_control"],
        "data_categories": ["persons", "routes", "documents", "vehicles"], "response_days": 10,
        "limit_no_judicial_use": True,
        "text": "Las partes intercambian información sobre redes de tráfico ilícito de migrantes para los fines "
                "enumerados, con los límites de uso acordados y sin transmisión a terceros.",
    })
    do_bring_agreement_into_force(chancery, agreement)
    if stdout is not None:
        stdout.write("agreements: 1 demo agreement in force\n")
    return 1
