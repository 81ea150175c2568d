"""Demo data: a course with a manual, a request answered by the ST, an event with registrations."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from enlace.accounts.models import User
from enlace.portal.actions import do_approve_portal_entry
from enlace.sharing.policy import Distribution

from . import actions
from .models import Course

DEMO = " (datos de demostración)"


@transaction.atomic
def load_demo(stdout=None) -> None:
    st, gtm, hnd = (User.objects.filter(username=u).first() for u in ("st.crm", "enlace.gtm", "enlace.hnd"))
    if not all((st, gtm, hnd)) or Course.objects.filter(title__endswith=DEMO).exists():
        if stdout:
            stdout.write("Capacitación: datos de demostración ya cargados (o faltan los usuarios).")
        return
    course = actions.do_create_course(st, {"title": "Investigación financiera del tráfico ilícito de migrantes" + DEMO,
                                           "modules": "1. Rutas del dinero\n2. Cooperación internacional",
                                           "trainers": "Equipo regional de formadores de la CRM",
                                           "audience": "Fiscales y policías"})
    manual = SimpleUploadedFile("manual.txt", "Manual de demostración.\n".encode(), content_type="text/plain")
    actions.do_add_course_document(st, course, title="Manual del participante", upload=manual)
    req = actions.do_create_training_request(hnd, {"topic": "Entrevista a personas migrantes objeto de tráfico" + DEMO,
                                                   "kind": "training", "audience": "Policía fronteriza"})
    actions.do_respond_training_request(st, req, text="La ST propone un taller nacional en el próximo trimestre.")
    start = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0) + datetime.timedelta(days=30)
    event = actions.do_create_event(gtm, {"title": "Taller regional de investigación financiera" + DEMO,
                                          "scope": "regional", "course": course, "starts_at": start,
                                          "ends_at": start + datetime.timedelta(days=2), "place": "Ciudad de Guatemala",
                                          "capacity": 40}, distribution=Distribution.NETWORK)
    actions.do_register_for_event(hnd, event)
    entry = actions.do_propose_event(gtm, event, {"title_es": event.title, "title_en": "Regional workshop on financial "
                                                  "investigation (demo data)",
                                                  "summary_es": "Dos días de formación para fiscales y policías.",
                                                  "summary_en": "Two days of training for prosecutors and police."})
    do_approve_portal_entry(st, entry)
    if stdout:
        stdout.write("Capacitación: curso, solicitud, evento y publicación de demostración.")
