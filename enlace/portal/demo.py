"""Demo data: editors' entries (agreement, publication, campaign, news) approved by the ST."""

from django.db import transaction

from enlace.accounts.models import User

from . import actions
from .models import PortalEntry

DEMO = " (datos de demostración)"
ENTRIES = [
    ("agreement", "Declaración de la Reunión Viceministerial de la CRM" + DEMO,
     "Declaration of the RCM Vice-Ministerial Meeting (demo data)",
     "Los países reafirman su compromiso con la cooperación contra el tráfico ilícito de migrantes.",
     "Countries reaffirm their commitment to cooperation against migrant smuggling."),
    ("publication", "Manual regional de investigación del tráfico ilícito de migrantes" + DEMO,
     "Regional manual on investigating migrant smuggling (demo data)",
     "Guía práctica para fiscales y policías de la región.", "A practical guide for prosecutors and police."),
    ("campaign", "Campaña «No te arriesgues»: prevención del tráfico ilícito" + DEMO,
     "«Don't take the risk» campaign: preventing smuggling (demo data)",
     "Campaña de prevención dirigida a comunidades de origen y tránsito.",
     "A prevention campaign for communities of origin and transit."),
    ("news", "La red incorpora el portal público" + DEMO, "The network launches its public portal (demo data)",
     "El portal reúne acuerdos, publicaciones, eventos y buenas prácticas de la región.",
     "The portal gathers agreements, publications, events and good practices of the region."),
]


@transaction.atomic
def load_demo(stdout=None) -> None:
    editor, st = User.objects.filter(username="editor.crm").first(), User.objects.filter(username="st.crm").first()
    if editor is None or st is None or PortalEntry.objects.unrestricted(reason="demo: loaded already?").filter(
            title_es=ENTRIES[0][1]).exists():
        if stdout:
            stdout.write("Portal: datos de demostración ya cargados (o faltan los usuarios de demostración).")
        return
    for kind, t_es, t_en, s_es, s_en in ENTRIES:
        entry = actions.do_create_portal_draft(editor, {"kind": kind, "title_es": t_es, "title_en": t_en,
                                                        "summary_es": s_es, "summary_en": s_en})
        actions.do_propose_portal_entry(editor, entry)
        actions.do_approve_portal_entry(st, entry)
    if stdout:
        stdout.write(f"Portal: {len(ENTRIES)} contenidos de demostración publicados.")
