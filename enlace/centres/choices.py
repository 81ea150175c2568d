"""Vocabularies of the centres app (the plan's own categories; see the work plan, axis 3)."""

from django.utils.translation import gettext_lazy as _

# Footnote 11: "custodia, albergue, alojamiento, aprehensión, atención o detención".
CENTRE_TYPES = [
    ("custody", _("Custodia")),
    ("shelter", _("Albergue")),
    ("lodging", _("Alojamiento")),
    ("apprehension", _("Aprehensión")),
    ("care", _("Atención")),
    ("detention", _("Detención")),
]

SERVICES = [
    ("health", _("Salud")),
    ("psychosocial", _("Atención psicosocial")),
    ("legal", _("Orientación jurídica")),
    ("consular", _("Acceso consular")),
    ("asylum", _("Información sobre asilo y refugio")),
    ("child_protection", _("Espacios para niñez y adolescencia")),
    ("family", _("Espacios para familias")),
    ("interpretation", _("Interpretación")),
    ("communication", _("Comunicación con familiares")),
]

ENTRY_MODES = [
    ("interception", _("Intercepción")),
    ("self_presentation", _("Presentación espontánea")),
    ("transfer", _("Traslado desde otro centro")),
]

# "Condiciones de vulnerabilidad" of the plan, in the plan's order (the first one screened is the
# category used in the occupancy figures).
VULNERABILITIES = [
    ("unaccompanied_child", _("Niña, niño o adolescente no acompañado o separado")),
    ("child_other", _("Niña, niño o adolescente con otras condiciones de vulnerabilidad")),
    ("trafficking_victim", _("Víctima de trata de personas")),
    ("refugee", _("Persona refugiada o solicitante de la condición de refugiado")),
    ("extracontinental", _("Persona migrante o refugiada extracontinental")),
    ("crime_victim", _("Víctima de violencia o delitos durante el tránsito")),
    ("gbv_pregnant", _("Mujer víctima de violencia sexual o de género, o embarazada que viaja sola")),
    ("over_65", _("Persona adulta mayor de 65 años")),
    ("indigenous", _("Persona indígena")),
    ("afrodescendant", _("Persona afrodescendiente")),
    ("lgbttti", _("Persona LGBTTTI")),
]
VULNERABILITY_CODES = [c for c, _l in VULNERABILITIES]

CARE_DECISIONS = [
    ("general", _("Atención general")),
    ("medical", _("Atención médica")),
    ("psychosocial", _("Atención psicosocial")),
    ("child_protection", _("Protección de la niñez")),
    ("family_unit", _("Alojamiento con su familia")),
    ("separate_space", _("Espacio separado por seguridad")),
    ("alternative", _("Alternativa a la detención")),
]

REFERRALS = [
    ("asylum", _("Asilo o refugio")),
    ("trafficking_victim", _("Víctima de trata")),
    ("child_protection", _("Protección de la niñez")),
    ("consular", _("Consulado")),
    ("health", _("Salud")),
]

EXIT_REASONS = [
    ("return", _("Retorno")),
    ("release", _("Liberación")),
    ("transfer", _("Traslado")),
    ("regularisation", _("Regularización")),
    ("alternative", _("Alternativa a la detención")),
    ("escape", _("Evasión")),
    ("death", _("Fallecimiento")),
]

# 3.6.a: what the migration procedure identified about the person (smuggling and related crimes).
PROFILES = [
    ("", _("No identificado")),
    ("smuggled_migrant", _("Migrante objeto de tráfico ilícito")),
    ("related_crime_victim", _("Víctima de delitos conexos")),
    ("trafficking_victim", _("Víctima de trata de personas")),
    ("suspected_smuggler", _("Presunto traficante de migrantes")),
]

SEXES = [("F", _("Mujer")), ("M", _("Hombre")), ("X", _("Otro / no consta"))]

AGE_BANDS = [
    ("adult", _("Persona adulta")),
    ("child", _("Niña, niño o adolescente acompañado")),
    ("unaccompanied", _("Niña, niño o adolescente no acompañado")),
]

INCIDENT_KINDS = [
    ("fight", _("Riña o agresión")),
    ("weapon", _("Portación de arma u objeto peligroso")),
    ("self_harm", _("Autolesión")),
    ("protest", _("Protesta o motín")),
    ("health", _("Emergencia de salud")),
    ("escape_attempt", _("Intento de evasión")),
    ("other", _("Otro")),
]

CARE_KINDS = [
    ("first_aid", _("Primeros auxilios psicológicos")),
    ("session", _("Sesión de atención psicosocial")),
    ("referral", _("Derivación a salud mental")),
    ("follow_up", _("Seguimiento")),
]

BELONGING_STATUS = [
    ("held", _("En custodia")),
    ("returned", _("Devuelto")),
    ("missing", _("Faltante")),
    ("damaged", _("Dañado")),
]

CRISIS_LEVELS = [
    (1, _("Nivel 1 — normal")),
    (2, _("Nivel 2 — alerta")),
    (3, _("Nivel 3 — crisis")),
    (4, _("Nivel 4 — emergencia")),
]

# Default thresholds and escalation plan (each centre may set its own).
DEFAULT_THRESHOLDS = {"2": {"occupancy": 80, "incidents": 3}, "3": {"occupancy": 100, "incidents": 6},
                      "4": {"occupancy": 120, "incidents": 10}}

# Neighbours for binational communication (fn 20): member countries sharing a border or a sea route.
NEIGHBOURS = {
    "GTM": ["MEX", "HND", "SLV", "BLZ"],
    "MEX": ["GTM", "BLZ", "USA"],
    "HND": ["GTM", "SLV", "NIC"],
    "SLV": ["GTM", "HND"],
    "NIC": ["HND", "CRI"],
    "CRI": ["NIC", "PAN"],
    "PAN": ["CRI"],
    "BLZ": ["MEX", "GTM"],
    "USA": ["MEX", "CAN"],
    "CAN": ["USA"],
    "DOM": [],
}

SMALL_CELL = 11  # cells below this never leave their owner country


def label(choices, code) -> str:
    return str(dict(choices).get(code, code))
