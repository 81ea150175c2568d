"""Time zones done once (issue 15): the same deadline reads right in Guatemala, Santo Domingo and Ottawa, in a
page, a PDF and an export; the audit speaks UTC; a zone that does not exist is refused and changes nothing."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from enlace.accounts.models import User
from enlace.core import timefmt
from enlace.core.templatetags.enlace_time import when_filter
from enlace.exchange.tests.helpers import focal, send
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
DEADLINE = datetime.datetime(2026, 12, 10, 6, 52, tzinfo=UTC)  # "Plazo 2026-12-10 00:52" in Guatemala

# Viewer → (default zone from their country, deadline as they must read it, heading of the export's time columns).
READERS = {
    "GTM": ("America/Guatemala", "10/12/2026 00:52 (hora de Guatemala, UTC\u22126)", "America/Guatemala, UTC-6",
            datetime.datetime(2026, 12, 10, 0, 52)),
    "DOM": ("America/Santo_Domingo", "10/12/2026 02:52 (hora de Santo Domingo, UTC\u22124)",
            "America/Santo_Domingo, UTC-4", datetime.datetime(2026, 12, 10, 2, 52)),
    # Ottawa keeps Toronto's clock (the IANA zone of Canada's seat of government).
    "CAN": ("America/Toronto", "10/12/2026 01:52 (hora de Toronto, UTC\u22125)", "America/Toronto, UTC-5",
            datetime.datetime(2026, 12, 10, 1, 52)),
}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def deadline_thread(frozen):
    sender = focal("GTM")
    readers = {"GTM": sender, "DOM": focal("DOM"), "CAN": focal("CAN")}
    thread = send(sender, to=("DOM", "CAN"), due_at=DEADLINE)
    assert thread.due_at == DEADLINE
    return thread, readers


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("code", list(READERS))
def test_same_deadline_reads_right_in_each_zone_in_page_and_export(deadline_thread, code):
    thread, readers = deadline_thread
    zone, shown, heading, wall_clock = READERS[code]
    user = readers[code]
    assert User.objects.get(pk=user.pk).time_zone == zone  # default from the country
    client = f.verified_client(user)

    page = client.get(f"/intercambio/hilo/{thread.pk}/").content.decode()
    assert f'<time datetime="2026-12-10T06:52:00Z">{shown}</time>' in page
    # Local time and the time left: 6 days 18 h 52 min from the frozen "now".
    assert "(faltan 6 días 18 h)" in _text(page)
    # The inbox row shows the same local time.
    assert shown in client.get(f"/intercambio/hilo/{thread.pk}/fila/").content.decode()

    r = client.get("/intercambio/exportar.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    assert f"Plazo ({heading})" in header and f"Enviado ({heading})" in header
    row = next(row for row in ws.iter_rows(min_row=2, values_only=True) if row[0] == thread.pk)
    assert row[header.index(f"Plazo ({heading})")] == wall_clock
    assert zone in ws.oddFooter.center.text


@pytest.mark.parametrize("code", list(READERS))
def test_pdf_names_the_readers_zone_and_converts(deadline_thread, code):
    _thread, readers = deadline_thread
    zone, shown, heading, _wall = READERS[code]
    with time_machine.travel(DEADLINE, tick=False):  # generated at the deadline instant: the stamp is that time
        r = f.verified_client(readers[code]).get("/legislacion/matriz/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    local = shown.split(" (")[0]
    assert f"Generado el {local} · Horas en {heading.replace(', ', ' (')})" in text


def test_mla_pdf_version_time_in_each_partys_zone(frozen):
    gtm, dom = f.user("GTM", "prosecutor"), f.user("DOM", "prosecutor")
    r = f.token_client(gtm).post("/api/v1/exchange/mla-drafts/", {
        "title": "AJR horas", "requested_country": "DOM",
        "content": {"requesting_authority": "Fiscalía", "legal_basis_code": "untoc_18", "facts": "Hechos.",
                    "assistance_sought": "Registros."}}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    for user, expected in ((gtm, "03/12/2026 06:00 (hora de Guatemala, UTC-6)"),
                           (dom, "03/12/2026 08:00 (hora de Santo Domingo, UTC-4)")):
        r = f.verified_client(user).get(f"/intercambio/asistencia-juridica/{pk}/exportar.pdf")
        assert r.status_code == 200
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
        assert expected in text


def test_audit_page_shows_utc_and_says_so(frozen):
    auditor = f.user("CRM", "auditor")
    assert auditor.time_zone == "America/Costa_Rica"  # the ST's seat
    page = f.verified_client(auditor).get("/auditoria/").content.decode()
    assert "Fecha (UTC)" in page
    # The login of the auditor itself, at the frozen instant: 12:00 UTC, not 06:00 in San José.
    assert '<time datetime="2026-12-03T12:00:00Z">2026-12-03 12:00:00 UTC</time>' in page
    assert "2026-12-03 06:00" not in page and "hora de Costa Rica" not in page
    r = f.verified_client(auditor).get("/auditoria/exportar/")
    if r.status_code == 200:  # the auditor role may export: the export is UTC too
        ws = load_workbook(io.BytesIO(r.content)).active
        header = [c.value for c in ws[1]]
        assert "at (UTC)" in header
        times = {row[header.index("at (UTC)")] for row in ws.iter_rows(min_row=2, values_only=True)}
        assert datetime.datetime(2026, 12, 3, 12, 0) in times and datetime.datetime(2026, 12, 3, 6, 0) not in times


def test_user_changes_zone_and_bad_name_is_refused_in_spanish():
    user = f.user("GTM")
    client = f.verified_client(user)
    page = client.get("/cuenta/seguridad/").content.decode()
    assert 'list="zonas-horarias"' in page and '<option value="America/Santo_Domingo">' in page
    assert 'value="America/Guatemala"' in page

    r = client.post("/cuenta/seguridad/zona-horaria/", {"time_zone": "America/Ciudad_Gotica"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "«America/Ciudad_Gotica» no es una zona horaria conocida" in body and "su zona horaria no cambió" in body
    assert 'value="America/Ciudad_Gotica"' in body  # what was typed stays in the box
    assert User.objects.get(pk=user.pk).time_zone == "America/Guatemala"

    # Typed in another case: accepted under its real name, and pages follow at once.
    r = client.post("/cuenta/seguridad/zona-horaria/", {"time_zone": "america/santo_domingo"})
    assert r.status_code == 302
    assert User.objects.get(pk=user.pk).time_zone == "America/Santo_Domingo"
    assert "Horas en America/Santo_Domingo" in client.get("/cuenta/seguridad/").content.decode()


def test_english_pages_read_month_first_and_in_english():
    with translation.override("en"), timezone.override("America/Santo_Domingo"):
        assert when_filter(DEADLINE) == ('<time datetime="2026-12-10T06:52:00Z">12/10/2026 02:52 '
                                         '(Santo Domingo time, UTC\u22124)</time>')
        with time_machine.travel(datetime.datetime(2026, 12, 10, 10, 52, tzinfo=UTC), tick=False):
            html = Template("{% load enlace_time %}{% deadline d %}").render(Context({"d": DEADLINE}))
        assert '<span class="time-left overdue">(overdue by 4 h)</span>' in html


def test_naive_datetime_is_caught_not_rendered_as_a_guess():
    """The tag's own check can fail: a naive datetime (zone unknown) raises instead of showing a wrong hour."""
    with pytest.raises(timefmt.NaiveDatetimeError):
        Template("{% load enlace_time %}{{ d|when }}").render(Context({"d": datetime.datetime(2026, 12, 10, 6, 52)}))
    # Dates stay dates (a birth date has no zone) and nothing renders as a dash.
    out = Template("{% load enlace_time %}{{ d|when }} {{ n|when }}").render(
        Context({"d": datetime.date(1990, 5, 1), "n": None}))
    assert out == '<time datetime="1990-05-01">01/05/1990</time> —'


# A time of day written with Django's ``date`` filter (``|date:"Y-m-d H:i"``, ``SHORT_DATETIME_FORMAT``) names
# no zone: every template must use ``|when`` / ``{% deadline %}`` instead. (``|time`` on office hours, which
# are shown with their own zone, is not a stored instant.)
BARE_TIME = re.compile(r"""\|date:\s*["'](?:[^"']*[GgHh]:i[^"']*|SHORT_DATETIME_FORMAT|DATETIME_FORMAT)["']""")


def bare_times(text: str) -> list[str]:
    return BARE_TIME.findall(text)


def test_no_template_shows_a_time_without_its_zone():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [f"{path.relative_to(root)}: {hit}" for path in sorted(root.glob("*/templates/**/*.html"))
                 for hit in bare_times(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_template_scan_catches_a_bare_time():
    """The scan above can fail: each way of writing a zoneless time is caught, dates alone are not."""
    assert bare_times('{{ t.due_at|date:"Y-m-d H:i" }}') and bare_times("{{ n.created_at|date:'SHORT_DATETIME_FORMAT' }}")
    assert bare_times('{% blocktranslate with w=x|date:"DATETIME_FORMAT" %}') and bare_times('{{ x|date:"j M Y, g:i" }}')
    assert not bare_times('{{ c.dob|date:"Y-m-d" }}') and not bare_times('{{ d|date:"SHORT_DATE_FORMAT" }}')
