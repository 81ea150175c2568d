"""How a hit is explained to its owner: field names and agreement levels, never the other record."""

from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "given_names": _("Nombres"), "surname_1": _("Primer apellido"), "surname_2": _("Segundo apellido"),
    "sex": _("Sexo"), "dob": _("Fecha de nacimiento"), "nationality": _("Nacionalidad"),
    "doc_number": _("Número de documento"), "phone": _("Teléfono"),
}


def _level_text(value) -> str:
    text = str(value).replace("_", " ")
    known = {"exact": _("coincide exactamente"), "fuzzy": _("coincide con variaciones"),
             "phonetic": _("coincide fonéticamente"), "swapped": _("coincide con campos intercambiados"),
             "day/month swapped": _("coincide con día y mes invertidos"), "partial": _("coincide en parte"),
             "different": _("no coincide"), "missing": _("no consta")}
    return str(known.get(str(value), text))


def explanation_rows(explanation: dict) -> list[tuple[str, str]]:
    return [(str(FIELD_LABELS.get(k, k)), _level_text(v)) for k, v in explanation.items()]


def contacts_to_ask(user, notice):
    """Authorised focal points of the other institution (then of its country) the user may see."""
    try:
        from enlace.directory.policy import authorised_contacts_for
    except ImportError:  # directory not installed
        return []
    contacts = list(authorised_contacts_for(user, country=notice.other_country.code)[:20])
    contacts.sort(key=lambda c: c.owner_institution_id != notice.other_institution_id)
    return contacts[:5]
