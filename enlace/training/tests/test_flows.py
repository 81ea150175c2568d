"""Training through the pages: requests answered by the ST, registration of authorised officials,
attendance, the certificate PDF, the iCal feeds (malformed dates), catalogue versions, query counts."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries
from enlace.training.models import CourseDocument, Registration

from .helpers import event, request_


@pytest.mark.django_db
def test_request_answered_by_the_st_and_followed_up_by_the_country():
    hnd, st = f.user("HND"), f.user("CRM", "st")
    r = request_(hnd, "network")
    assert f.verified_client(st).post(f"/formacion/solicitudes/{r.pk}/", {"step": "respond", "text": "Taller en mayo"}).status_code == 302
    c = f.verified_client(hnd)
    assert "Taller en mayo" in c.get(f"/formacion/solicitudes/{r.pk}/").content.decode()
    assert c.post(f"/formacion/solicitudes/{r.pk}/", {"step": "follow", "status": "done"}).status_code == 302
    bad = c.post(f"/formacion/solicitudes/{r.pk}/", {"step": "follow", "status": "inventado"})
    assert bad.status_code == 400
    # A focal point of another country does not answer on the ST's behalf.
    assert f.verified_client(f.user("PAN")).post(f"/formacion/solicitudes/{r.pk}/",
                                                 {"step": "respond", "text": "x"}).status_code == 404


@pytest.mark.django_db
def test_registration_attendance_and_certificate():
    gtm, hnd = f.user("GTM"), f.user("HND")
    e = event(gtm, "network", title="Taller de entrevistas")
    guest = f.verified_client(hnd)
    assert guest.post(f"/formacion/eventos/{e.pk}/", {"step": "register"}).status_code == 302
    again = guest.post(f"/formacion/eventos/{e.pk}/", {"step": "register"})
    assert again.status_code == 400 and "Ya está inscrito" in again.content.decode()
    unauthorised = f.user("HND", authorised=False)
    # Without standing the network event is not even visible to them.
    assert f.verified_client(unauthorised).post(f"/formacion/eventos/{e.pk}/", {"step": "register"}).status_code == 404
    local = f.user("GTM", authorised=False)
    r = f.verified_client(local).post(f"/formacion/eventos/{e.pk}/", {"step": "register"})
    assert r.status_code == 400 and "autorizados por su Cancillería" in r.content.decode()
    assert guest.get(f"/formacion/eventos/{e.pk}/certificado.pdf").status_code == 404  # not attended yet
    reg = Registration.objects.get(event=e.pk, user=hnd)
    assert guest.post(f"/formacion/eventos/{e.pk}/", {"step": "attendance", "attended": [reg.pk]}).status_code == 404
    assert f.verified_client(gtm).post(f"/formacion/eventos/{e.pk}/", {"step": "attendance",
                                                                      "attended": [reg.pk]}).status_code == 302
    pdf = guest.get(f"/formacion/eventos/{e.pk}/certificado.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Taller de entrevistas" in text and "Certificado de asistencia" in text


@pytest.mark.django_db
def test_ical_feeds_and_malformed_dates():
    gtm = f.user("GTM")
    e = event(gtm, "country", title="Taller iCal")
    c = f.verified_client(gtm)
    r = c.get("/formacion/eventos/eventos.ics")
    body = r.content.decode()
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in body and "SUMMARY:Taller iCal" in body and f"UID:event-{e.pk}@enlace" in body
    assert "Taller iCal" not in f.verified_client(f.user("HND")).get("/formacion/eventos/eventos.ics").content.decode()
    for bad in ("2026-13-45", "ayer", "2026-02-30", "9" * 40):
        r = c.get(f"/formacion/eventos/eventos.ics?desde={bad}")
        assert r.status_code == 400 and "use el formato AAAA-MM-DD" in r.content.decode(), bad
        p = Client().get(f"/publico/es/eventos.ics?desde={bad}")
        assert p.status_code == 400 and "AAAA-MM-DD" in p.content.decode()
        assert "YYYY-MM-DD" in Client().get(f"/publico/en/eventos.ics?desde={bad}").content.decode()
    assert Client().get("/publico/es/eventos.ics?desde=2026-01-01").status_code == 200


@pytest.mark.django_db
def test_catalogue_documents_are_versioned_and_bad_files_refused():
    st = f.user("CRM", "st")
    c = f.verified_client(st)
    assert c.post("/formacion/catalogo/nuevo/", {"title": "Curso Gamma"}).status_code == 302
    course = c.get("/formacion/catalogo/").content.decode()
    assert "Curso Gamma" in course
    from enlace.training.models import Course

    pk = Course.objects.get(title="Curso Gamma").pk
    for _ in range(2):
        assert c.post(f"/formacion/catalogo/{pk}/", {"title": "Manual", "file": SimpleUploadedFile("m.txt", b"Manual\n")}).status_code == 302
    assert sorted(CourseDocument.objects.filter(course=pk).values_list("version", flat=True)) == [1, 2]
    bad = c.post(f"/formacion/catalogo/{pk}/", {"title": "Manual", "file": SimpleUploadedFile("m.exe", b"MZ\x90\x00" * 50)})
    assert bad.status_code == 400 and "Tipo de archivo no permitido" in bad.content.decode()
    assert CourseDocument.objects.filter(course=pk).count() == 2
    assert f.verified_client(f.user("GTM")).post(f"/formacion/catalogo/{pk}/", {"title": "x"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url,make", [("/formacion/", request_), ("/formacion/eventos/", event)])
def test_lists_run_constant_queries(url, make):
    owner = f.user("GTM")
    make(owner, "network")
    assert_constant_queries(f.verified_client(f.user("GTM")), url, lambda n: [make(owner, "network") for _ in range(n)])
