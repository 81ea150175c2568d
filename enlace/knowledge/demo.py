"""Demo data: the imported texts, two reporting rounds and reports from several countries."""

from datetime import timedelta

from django.utils import timezone

from enlace.accounts.models import User
from enlace.sharing.policy import Distribution

from .actions import (do_close_round, do_create_round, do_import_knowledge, do_save_report, do_submit_report,
                      do_validate_report, resolve_action)
from .models import ReportingRound

# (country, action, status, distribution, validated?, narrative)
REPORTS_2024 = [
    ("hnd", "1.4", "implemented", Distribution.NETWORK, True,
     "Directorio nacional de puntos focales actualizado por la Cancillería y comunicado a la red."),
    ("hnd", "1.3", "in_progress", Distribution.NETWORK, True,
     "Conexión de la unidad especializada a la red I-24/7 de INTERPOL en curso."),
    ("mex", "1.4", "implemented", Distribution.NETWORK, True,
     "Puntos focales designados y actualizados trimestralmente."),
    ("gtm", "3.5", "in_progress", Distribution.COUNTRY, True,
     "Revisión del registro de identidad en los centros de atención; informe interno (solo nacional)."),
]
REPORTS_2025 = [
    ("hnd", "1.4", "implemented", Distribution.NETWORK, True,
     "Directorio en Enlace; altas y bajas notificadas a la red en 48 horas."),
    ("mex", "2.2", "in_progress", Distribution.NETWORK, True,
     "Fiscales especializados usan la plataforma segura para consultas previas a solicitudes de asistencia."),
    ("cri", "4.6", "in_progress", Distribution.NETWORK, False,
     "Campaña regional de difusión en preparación con la OIM."),
    ("slv", "1.13", "implemented", Distribution.NETWORK, True,
     "Intercambio de información primaria de investigación por puntos focales, tres casos en 2025."),
    ("pan", "3.4", "not_started", Distribution.COUNTRY, False, ""),
]


def _file(rnd, rows, stdout):
    for code, key, status, dist, validate, narrative in rows:
        author = User.objects.filter(username=f"enlace.{code}").first()
        validator = User.objects.filter(username=f"cancilleria.{code}").first()
        if author is None:
            continue
        report = do_save_report(author, round=rnd, action=resolve_action(key), status=status, narrative=narrative,
                                responsible_institution=author.institution.name, distribution=dist,
                                next_steps="Seguimiento en la próxima ronda.")
        if report.state == "draft" and (narrative or status == "not_started") and code != "pan":
            do_submit_report(author, report)
            if validate and validator is not None:
                do_validate_report(validator, report, approve=True, note="")


def load_demo(stdout) -> None:
    # ``make run`` → ``load-demo`` → the import (idempotent: unchanged texts change nothing).
    summary = do_import_knowledge()
    stdout.write(f"Conocimiento: {sum(summary['plan'].values())} acciones del plan, "
                 f"{sum(summary['tim'].values())} + {sum(summary['tdp'].values())} recomendaciones, "
                 f"{summary['differences']} diferencias con la importación anterior.\n")
    st = User.objects.filter(username="st.crm").first()
    if st is None or ReportingRound.objects.filter(period="2024").exists():
        return
    today = timezone.localdate()
    r2024 = do_create_round(st, title="Seguimiento del Plan de Trabajo 2024", period="2024",
                            opens_on=today - timedelta(days=200), deadline=today + timedelta(days=1))
    _file(r2024, REPORTS_2024, stdout)
    do_close_round(st, r2024)
    r2025 = do_create_round(st, title="Seguimiento del Plan de Trabajo 2025", period="2025",
                            opens_on=today - timedelta(days=20), deadline=today + timedelta(days=30))
    _file(r2025, REPORTS_2025, stdout)
    stdout.write("Conocimiento: 2 rondas de reporte y reportes de HND, MEX, GTM, CRI, SLV y PAN.\n")
