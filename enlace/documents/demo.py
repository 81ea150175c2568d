"""Demo: a few reported documents so that `make run` shows the register, and the index of the demo cases."""

import datetime as dt

from enlace.accounts.models import User

from . import actions
from .models import DocumentReport

DEMO = [
    ("enlace.gtm", "passport", "G 2031 4455", "GTM", "stolen", "Robado en la terminal de buses de la zona 4 (demostración)."),
    ("enlace.gtm", "national_id", "2547 81234 0101", "GTM", "lost", ""),
    ("enlace.mex", "passport", "M 0087 6512", "MEX", "fraudulent", "Página de datos alterada (demostración)."),
    ("enlace.mex", "visa", "VX 8841 2290", "USA", "fraudulent", "Visa falsificada detectada en Tapachula (demostración)."),
]


def load_demo(stdout=None) -> None:
    if DocumentReport.objects.unrestricted(reason="demo: loaded already?").exists():
        if stdout:
            stdout.write("Documentos: datos de demostración ya cargados.")
        return
    users = {u.username: u for u in User.objects.filter(username__in={row[0] for row in DEMO})}
    added = 0
    for username, doc_type, number, country, status, note in DEMO:
        user = users.get(username)
        if user is None:
            continue
        actions.do_report_document(user, doc_type=doc_type, number=number, issuing_country=country, status=status,
                                   reported_on=dt.date(2026, 10, 1) + dt.timedelta(days=7 * added), note=note)
        added += 1
    from enlace.cases.models import Entity

    pks = list(Entity.objects.unrestricted(reason="demo: index the numbers of the demo cases")
               .filter(schema__in=["Person", "Passport", "Identification"]).values_list("pk", flat=True))
    rows = actions.do_index_entities(pks, reason="demo data") if pks else 0
    if stdout:
        stdout.write(f"Documentos: {added} documentos reportados, {rows} números de casos indexados.")
