"""How the audit page names the purposes the system records by itself.

Views record a fixed purpose for their system listings and reads (``purpose="data quality"``);
those stored codes stay as they are (the chain is append-only) and the page shows them in the
reader's language. A purpose an official typed is data and is shown as typed, marked as such.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

register = template.Library()

SYSTEM_PURPOSES = {
    "data quality": _("calidad de los datos del directorio"),
    "routing": _("¿A quién contacto?"),
    "training request": _("solicitud de capacitación"),
    "event page": _("página del evento"),
    "certificate": _("constancia de participación"),
    "practice page": _("página de la buena práctica"),
    "practice attachment": _("adjunto de la buena práctica"),
    "tool page": _("página del instrumento de protección"),
    "case brief page": _("página de la jurisprudencia"),
    "tiempo real": _("tiempo real"),
    "descartar borrador": _("descartar borrador"),
}


@register.filter
def purpose_label(value):
    """The translated label of a system purpose, or the typed purpose marked as data."""
    if not value:
        return ""
    label = SYSTEM_PURPOSES.get(str(value))
    if label is not None:
        return label
    return format_html('<span translate="no">{}</span>', value)
