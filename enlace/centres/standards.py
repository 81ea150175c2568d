"""Regional standards for centres and alternatives to detention (2017 report, working group on
administrative detention: "desarrollar estándares regionales para la construcción y gestión de
centros…", "revisar las políticas relacionadas con las alternativas a la detención"). Data, not
code: the ST adds and edits items; ``ensure_standards`` only adds what is missing."""

STANDARDS = [
    # (code, area, Spanish, English)
    ("separate-spaces", "building", "Espacios separados para hombres, mujeres, familias y niñez no acompañada",
     "Separate spaces for men, women, families and unaccompanied children"),
    ("capacity-posted", "building", "Capacidad máxima definida y respetada", "Maximum capacity defined and respected"),
    ("water-sanitation", "building", "Agua potable, saneamiento e higiene suficientes",
     "Sufficient drinking water, sanitation and hygiene"),
    ("register-entry-exit", "management", "Registro de identidad desde el ingreso hasta la salida",
     "Identity register from entry to exit"),
    ("belongings-receipt", "management", "Inventario de pertenencias con recibo firmado",
     "Inventory of belongings with a signed receipt"),
    ("crisis-plan", "management", "Niveles de crisis y plan de escalamiento definidos",
     "Crisis levels and escalation plan defined"),
    ("vulnerability-screening", "protection", "Identificación de condiciones de vulnerabilidad en la recepción",
     "Screening of vulnerabilities at reception"),
    ("child-protection-referral", "protection", "Derivación inmediata de la niñez no acompañada a protección",
     "Immediate referral of unaccompanied children to child protection"),
    ("psychosocial-care", "protection", "Atención psicosocial confidencial", "Confidential psychosocial care"),
    ("consular-access", "protection", "Acceso consular y a información sobre asilo",
     "Consular access and information on asylum"),
    ("atd-children", "alternatives", "No detención de niñas, niños y adolescentes",
     "No detention of children"),
    ("atd-reporting", "alternatives", "Alternativas a la detención: presentación periódica o residencia asignada",
     "Alternatives to detention: periodic reporting or designated residence"),
    ("atd-case-management", "alternatives", "Alternativas a la detención: gestión de casos en la comunidad",
     "Alternatives to detention: community case management"),
]


def ensure_standards() -> int:
    """Reference loader: add the standards that are missing (through the action, audited)."""
    from .actions import do_ensure_standards

    return do_ensure_standards()
