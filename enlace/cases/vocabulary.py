"""The controlled vocabulary of modus operandi (work plan axis 1, action 6: regional diagnosis).

Data, not code: ``ensure_vocabulary()`` (``actions.do_ensure_vocabulary``) adds what is missing and never removes what the ST added.
"""

MODUS_OPERANDI = [
    # (code, Spanish, English)
    ("land-route", "Ruta terrestre", "Land route"),
    ("sea-route", "Ruta marítima", "Sea route"),
    ("air-route", "Ruta aérea", "Air route"),
    ("vehicle-concealment", "Ocultamiento en vehículos", "Concealment in vehicles"),
    ("fraudulent-documents", "Documentos fraudulentos", "Fraudulent documents"),
    ("impostor-documents", "Uso de documentos de otra persona", "Use of another person's documents"),
    ("corruption", "Corrupción de funcionarios", "Corruption of officials"),
    ("social-media-recruitment", "Captación en redes sociales", "Recruitment on social networks"),
    ("fees-payment-methods", "Cobros y medios de pago", "Fees and payment methods"),
    ("money-transfers", "Remesas y transferencias", "Remittances and money transfers"),
    ("violence-against-migrants", "Violencia contra migrantes", "Violence against migrants"),
    ("extortion-kidnapping", "Extorsión o secuestro", "Extortion or kidnapping"),
    ("safe-houses", "Casas de seguridad", "Safe houses"),
    ("unaccompanied-children", "Niñas, niños y adolescentes no acompañados", "Unaccompanied children"),
    ("labour-exploitation", "Explotación laboral", "Labour exploitation"),
    ("sexual-exploitation", "Explotación sexual", "Sexual exploitation"),
]


def ensure_vocabulary() -> int:
    """Reference loader: add the tags that are missing (through the action, audited)."""
    from .actions import do_ensure_vocabulary

    return do_ensure_vocabulary()
