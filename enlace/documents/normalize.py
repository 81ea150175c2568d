"""Normalisation of one document number or phone, with a Spanish message when it cannot be read.

The same functions as the matching engine (``matching.engine.normalize``: python-stdnum's ``compact``
where a validator exists for the document's type and issuing country, generic upper-case
alphanumeric otherwise; phonenumbers to E.164), so a number typed in a query, in the register and in
a case meets itself. A query may not know the type or the issuing country: it looks up every form a
number can take (the generic one and each stdnum form that accepts it).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from enlace.matching.engine.normalize import STDNUM_BY_TYPE, STDNUM_VALIDATORS, _stdnum_module, normalise_doc, normalise_phone

DOC_TYPE_CODES = {"passport": "PASSPORT", "national_id": "ID", "visa": "VISA", "residence": "RESIDENCE",
                  "other": "OTHER"}


class NumberError(ValueError):
    """The number cannot be read: ``str(exc)`` is the translated message for the official."""


def document_number(raw: str, doc_type: str = "", country: str = "") -> str:
    """The one indexed form of a document number (stdnum ``compact`` when its validator accepts it)."""
    value, _cls, _valid = normalise_doc(DOC_TYPE_CODES.get(doc_type, doc_type or None), (raw or "").strip() or None,
                                        (country or "").upper() or None)
    if not value:
        raise NumberError(_("No se reconoce el número de documento: escriba entre 4 y 30 letras o cifras, "
                            "con al menos una cifra (p. ej. G12345678); los espacios y guiones se ignoran."))
    return value


def document_candidates(raw: str) -> set[str]:
    """Every indexed form a queried number may have: generic, and each stdnum form that accepts it."""
    generic = document_number(raw)
    forms = {generic}
    for name in {*STDNUM_BY_TYPE.values(), *(m for mods in STDNUM_VALIDATORS.values() for m in mods)}:
        try:
            mod = _stdnum_module(name)
            compact = "".join(ch for ch in mod.compact(generic).upper() if ch.isalnum())
            if mod.is_valid(compact):
                forms.add(compact)
        except Exception:  # noqa: BLE001 - a validator's own failure means "not this scheme"
            continue
    return forms


def phone_number(raw: str, country: str = "") -> str:
    """E.164 (``+50255551234``); ``country`` (alpha-3) is the default region for a number without prefix."""
    value = normalise_phone((raw or "").strip() or None, (country or "").upper() or None)
    if not value:
        raise NumberError(_("No se reconoce el número de teléfono: escríbalo con el prefijo del país, "
                            "p. ej. +502 5555 1234."))
    return value


def mask(value: str) -> str:
    """What a page may show of a number: its last four characters."""
    return "•••" + value[-4:] if len(value) > 4 else "•••"
