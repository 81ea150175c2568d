"""What may never reach the portal: e-mail addresses, phone numbers, identity numbers and the names
the source record keeps in its personal fields. Checked before anything is proposed or published."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?<!\w)\+?\d[\d\s().-]{6,}\d(?!\w)")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # an ISO date is not a phone number


def personal_traces(text: str, names=()) -> list[str]:
    """Which kinds of personal data ``text`` shows (codes, not the data itself)."""
    found = []
    if EMAIL.search(text or ""):
        found.append("email")
    if any(sum(ch.isdigit() for ch in m) >= 7 and not DATE.match(m.strip()) for m in PHONE.findall(text or "")):
        found.append("phone")
    lowered = (text or "").lower()
    if any(n and len(n) > 3 and n.lower() in lowered for n in names):
        found.append("name")
    return found


def check_public_fields(fields: dict, names=()) -> None:
    """Raise a translated ``ValidationError`` naming every public field that carries personal data."""
    errors = {}
    for field, text in fields.items():
        if personal_traces(text, names):
            errors[field] = [_("Este texto público contiene datos personales (correo, teléfono o el nombre de una "
                               "persona). Anonimícelo antes de publicarlo.")]
    if errors:
        raise ValidationError(errors)


def names_in(text: str) -> list[str]:
    """The names kept in a personal-data field (one per line or comma), to look for in public text."""
    parts = re.split(r"[\n,;]+", text or "")
    return [p.split("<")[0].strip() for p in parts if p.strip()]
