"""Demo data: good practices, protection instruments and case briefs; some published on the portal."""

import datetime

from django.db import transaction

from enlace.accounts.models import User
from enlace.knowledge.models import Theme
from enlace.portal.actions import do_approve_portal_entry
from enlace.sharing.policy import Distribution

from . import actions
from .models import Practice

DEMO = " (datos de demostración)"


@transaction.atomic
def load_demo(stdout=None) -> None:
    gtm, mex = User.objects.filter(username="enlace.gtm").first(), User.objects.filter(username="enlace.mex").first()
    fiscal, st = User.objects.filter(username="fiscal.gtm").first(), User.objects.filter(username="st.crm").first()
    if not all((gtm, mex, fiscal, st)) or Practice.objects.unrestricted(reason="demo: loaded already?").filter(
            title__endswith=DEMO).exists():
        if stdout:
            stdout.write("Buenas prácticas: datos de demostración ya cargados (o faltan los usuarios).")
        return
    theme = Theme.objects.order_by("order").first()
    p1 = actions.do_create_practice(gtm, {
        "title": "Mesa interinstitucional de atención a personas migrantes rescatadas" + DEMO, "theme": theme,
        "summary": "Coordinación entre policía, fiscalía y albergues en las primeras 72 horas tras un rescate.",
        "body": "Protocolo de derivación, entrevista única y atención psicosocial.",
        "contacts": "Ana Pérez, ana.perez@example.invalid"}, distribution=Distribution.NETWORK)
    actions.do_create_practice(mex, {
        "title": "Campaña de regularización con citas móviles" + DEMO, "theme": theme,
        "summary": "Unidades móviles en la frontera sur para regularizar a personas en situación irregular."},
        distribution=Distribution.COUNTRY)
    entry = actions.do_propose_practice(gtm, p1, {
        "title_es": "Mesa interinstitucional de atención tras un rescate" + DEMO,
        "title_en": "Inter-agency table for care after a rescue (demo data)",
        "summary_es": "Coordinación entre policía, fiscalía y albergues en las primeras 72 horas.",
        "summary_en": "Police, prosecution and shelters coordinate in the first 72 hours."})
    do_approve_portal_entry(st, entry)
    actions.do_create_tool(gtm, {"title": "Protocolo de identificación de víctimas de trata" + DEMO, "kind": "protocol",
                                 "level": "national", "legislation": "Ley contra la trata de personas",
                                 "practices": [p1]}, distribution=Distribution.NETWORK)
    actions.do_create_tool(st, {"title": "Lineamientos regionales de protección de la niñez migrante" + DEMO,
                                "kind": "standard", "level": "regional"}, distribution=Distribution.NETWORK) \
        if st.has_perm("practices.add_protectiontool") else None
    brief = actions.do_create_case_brief(fiscal, {
        "title": "Red de tráfico por la ruta del Pacífico" + DEMO, "court": "Tribunal de Sentencia de Quetzaltenango",
        "decided_on": datetime.date(2024, 5, 14), "offence": "smuggling", "articles": "TIM art. 6.1.a, 6.3",
        "outcome": "Condena a 8 años de prisión", "summary": "Organización que trasladaba personas en camiones.",
        "persons_named": ""}, distribution=Distribution.NETWORK)
    entry = actions.do_propose_case_brief(fiscal, brief, {
        "title_es": "Tráfico por la ruta del Pacífico: condena de 8 años" + DEMO,
        "title_en": "Smuggling on the Pacific route: 8-year sentence (demo data)",
        "summary_es": "Se aplicó la agravante de peligro para la vida.",
        "summary_en": "The aggravating circumstance of danger to life was applied."})
    do_approve_portal_entry(st, entry)
    if stdout:
        stdout.write("Buenas prácticas: 2 prácticas, instrumentos y 1 caso de demostración (publicados en el portal).")
