"""Normalisation and validation of what people type into the directory (forms, API and imports share it)."""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

ISO3_TO_ISO2 = {"BLZ": "BZ", "CAN": "CA", "CRI": "CR", "SLV": "SV", "GTM": "GT", "HND": "HN", "MEX": "MX",
                "NIC": "NI", "PAN": "PA", "DOM": "DO", "USA": "US"}


def normalize_name(first: str, last: str) -> str:
    """Lower-case, no accents, single spaces: «José  Pérez» and «jose perez» are the same person."""
    text = f"{first} {last}"
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower())
    return " ".join(text.split())


def normalize_phone(value: str, country_code: str | None = None) -> str:
    """E.164 (``+50422223333``) or a translated ``ValidationError``."""
    value = (value or "").strip()
    if not value:
        return ""
    region = ISO3_TO_ISO2.get((country_code or "").upper())
    try:
        number = phonenumbers.parse(value, None if value.startswith("+") else region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("«%(value)s» no es un número de teléfono válido. Escríbalo con el prefijo internacional, por ejemplo "
              "+504 2222 3333."), code="invalid_phone", params={"value": value})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value: str) -> str:
    if not value:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(value, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return value


def normalize_email(value: str) -> str:
    value = (value or "").strip()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(_("«%(value)s» no es una dirección de correo válida."), code="invalid_email",
                              params={"value": value}) from None
    local, _sep, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


@lru_cache(maxsize=1)
def timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> str:
    value = (value or "").strip()
    if value not in timezones():
        raise ValidationError(_("«%(value)s» no es una zona horaria conocida (por ejemplo America/Tegucigalpa)."),
                              code="invalid_timezone", params={"value": value})
    return value


def validate_codes(values, catalogue, field_label: str) -> list[str]:
    known = dict(catalogue)
    out = []
    for v in values or []:
        v = str(v).strip()
        if not v:
            continue
        if v not in known:
            # Accept the label as typed in a spreadsheet, too ("Inteligencia").
            by_label = {normalize_name(str(lbl), ""): code for code, lbl in catalogue}
            code = by_label.get(normalize_name(v, ""))
            if code is None:
                raise ValidationError(_("«%(value)s» no es un valor válido para %(field)s."), code="invalid_choice",
                                      params={"value": v, "field": field_label})
            v = code
        out.append(v)
    return list(dict.fromkeys(out))
