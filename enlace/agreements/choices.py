"""Controlled vocabularies of agreements: purposes allowed and data categories covered."""

from django.utils.translation import gettext_lazy as _

PURPOSES = [
    ("investigation", _("Investigación penal")),
    ("prosecution", _("Persecución penal y proceso judicial")),
    ("victim_protection", _("Identificación y protección de víctimas")),
    ("migration_control", _("Control migratorio y de fronteras")),
    ("intelligence", _("Análisis de inteligencia")),
    ("statistics", _("Estadística y estudios")),
]
DATA_CATEGORIES = [
    ("persons", _("Personas")),
    ("routes", _("Rutas y pasos")),
    ("documents", _("Documentos de identidad y viaje")),
    ("financial", _("Información financiera")),
    ("vehicles", _("Vehículos y embarcaciones")),
    ("communications", _("Comunicaciones")),
]


def label(options, code) -> str:
    return str(dict(options).get(code, code))
