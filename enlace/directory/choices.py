"""Catalogues of the directory: areas, functions, languages, needs (routing)."""

from django.utils.translation import gettext_lazy as _

SCOPES = [
    ("smuggling", _("Tráfico ilícito de migrantes")),
    ("trafficking", _("Trata de personas")),
    ("both", _("Ambos delitos")),
]

AREAS = [
    ("intelligence", _("Inteligencia")),
    ("investigation", _("Investigación")),
    ("prosecution", _("Persecución penal (fiscalía)")),
    ("migration_control", _("Control migratorio")),
    ("centres", _("Centros de migrantes")),
    ("protection", _("Protección y asistencia")),
    ("consular", _("Asuntos consulares")),
]

FUNCTIONS = [
    ("contact_24_7", _("Punto de contacto 24/7")),
    ("mla_central_authority", _("Autoridad central de asistencia jurídica recíproca")),
    ("sea_smuggling_art8", _("Autoridad para el tráfico por mar (art. 8 del Protocolo)")),
    ("information_exchange", _("Enlace para intercambio de información")),
    ("return_coordination", _("Coordinación de retorno de migrantes objeto de tráfico")),
    ("consular_notification", _("Notificación consular")),
    ("centre_coordinator", _("Coordinación de centros")),
    ("victim_referral", _("Derivación y protección de víctimas")),
]

LANGUAGES = [
    ("es", _("Español")),
    ("en", _("Inglés")),
    ("fr", _("Francés")),
    ("pt", _("Portugués")),
]

WEEKDAYS = [
    ("0", _("lunes")), ("1", _("martes")), ("2", _("miércoles")), ("3", _("jueves")),
    ("4", _("viernes")), ("5", _("sábado")), ("6", _("domingo")),
]

# Routing: need -> (functions in order of relevance, areas that help, institution types that help)
NEEDS = [
    ("network_info", _("Información sobre una red de tráfico ilícito")),
    ("mla_preconsultation", _("Consulta previa de asistencia jurídica recíproca")),
    ("return_migrant", _("Retorno de un migrante objeto de tráfico")),
    ("consular_notification", _("Notificación consular")),
    ("centre_coordination", _("Coordinación de centros")),
]
NEED_RULES = {
    "network_info": (["information_exchange", "contact_24_7"], ["intelligence", "investigation"], ["police"]),
    "mla_preconsultation": (["mla_central_authority"], ["prosecution"], ["prosecution"]),
    "return_migrant": (["return_coordination", "consular_notification"], ["migration_control", "consular", "protection"],
                       ["migration", "foreign_ministry"]),
    "consular_notification": (["consular_notification"], ["consular"], ["foreign_ministry"]),
    "centre_coordination": (["centre_coordinator"], ["centres", "migration_control"], ["migration"]),
}

URGENCY = [
    ("normal", _("Normal")),
    ("urgent", _("Urgente")),
]


def label(choices, code):
    return str(dict(choices).get(code, code))


def labels(choices, codes):
    d = dict(choices)
    return [str(d.get(c, c)) for c in codes]
