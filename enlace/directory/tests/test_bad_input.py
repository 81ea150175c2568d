"""Bad input: clear translated messages, nothing lost, nothing half-done."""

import datetime
import io

import pytest
from openpyxl import Workbook

from enlace.core.models import Institution
from enlace.directory.models import Contact
from enlace.testing import factories as f

from .helpers import chancery, data, phone, propose

pytestmark = pytest.mark.django_db


def _post(d):
    out = {k: v for k, v in d.items() if k != "institution"}
    out.update(institution=d["institution"].pk, scope="both", hours_start="08:00", hours_end="16:00",
               working_days=["0", "1", "2", "3", "4"])
    return out


def test_invalid_email_and_phone_keep_what_was_typed():
    admin = f.user("HND", "focal_point")
    web = f.verified_client(admin)
    d = data(admin, email="juan.perez@@policia", phone="12-34", mobile="+504 abc")
    r = web.post("/directorio/nuevo/", _post(d))
    html = r.content.decode()
    assert r.status_code == 400
    assert "no es una dirección de correo válida" in html
    assert "no es un número de teléfono válido" in html
    assert 'value="juan.perez@@policia"' in html and d["last_name"] in html  # nothing lost
    assert not Contact.objects.filter(last_name=d["last_name"]).exists()
    # In English too.
    web.cookies["django_language"] = "en"
    r = web.post("/directorio/nuevo/", _post(d), HTTP_ACCEPT_LANGUAGE="en")
    assert "is not a valid e-mail address" in r.content.decode()


def test_phone_is_stored_in_e164():
    admin = f.user("HND", "focal_point")
    web = f.verified_client(admin)
    d = data(admin, phone="2212-3456")  # national format, Honduras
    assert web.post("/directorio/nuevo/", _post(d)).status_code == 302
    assert Contact.objects.get(last_name=d["last_name"]).phone == "+50422123456"


def test_duplicate_person_is_refused_with_a_pointer_to_the_existing_entry():
    admin = f.user("GTM", "focal_point", authorised=False)  # no entry of their own: the count below is the proposal
    first = propose(admin, first_name="José", last_name="Pérez López")
    web = f.verified_client(admin)
    d = data(admin, first_name="jose", last_name="PEREZ  lopez")
    r = web.post("/directorio/nuevo/", _post(d))
    assert r.status_code == 400
    assert f"n.º {first.pk}" in r.content.decode()
    d = data(admin, email=first.email.upper())
    r = web.post("/directorio/nuevo/", _post(d))
    assert r.status_code == 400 and "Este correo ya figura" in r.content.decode()
    d = data(admin, phone=first.phone)
    r = f.token_client(admin).post("/api/v1/directory/contacts/", {
        **{k: v for k, v in d.items() if k != "institution"}, "institution": d["institution"].pk}, format="json")
    assert r.status_code == 400 and "phone" in r.json()["error"]["fields"]
    assert Contact.objects.filter(owner_institution__country__code="GTM").count() == 1


def test_authorising_an_expired_proposal_is_refused(time_machine):
    admin = f.user("HND", "focal_point")
    contact = propose(admin)
    time_machine.move_to(datetime.datetime.now() + datetime.timedelta(days=120))
    r = f.verified_client(chancery("HND")).post(f"/directorio/contacto/{contact.pk}/autorizar/",
                                                 {"valid_until": (datetime.date.today() + datetime.timedelta(days=400)).isoformat()})
    assert r.status_code == 400
    assert "venció" in r.content.decode() and "sin ser autorizada" in r.content.decode()
    contact.refresh_from_db()
    assert contact.status == "proposed" and contact.distribution != "network"


def test_authorising_with_a_past_end_date_is_refused():
    contact = propose(f.user("HND", "focal_point"))
    r = f.token_client(chancery("HND")).post(f"/api/v1/directory/contacts/{contact.pk}/authorise/",
                                             {"valid_until": "2001-01-01"}, format="json")
    assert r.status_code == 400
    assert "valid_until" in r.json()["error"]["fields"]


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "contactos.xlsx"
    return buf


HEADER = ["pais", "institucion", "nombre", "apellidos", "cargo", "unidad", "areas", "funciones", "idiomas", "correo",
          "telefono", "movil", "zona_horaria", "hora_inicio", "hora_fin"]


def test_import_with_errors_reports_line_and_column_and_imports_nothing():
    admin = f.user("HND", "focal_point", authorised=False)
    inst = f.institution("HND", Institution.Type.POLICE)
    good = ["HND", inst.acronym, "Ana", "Reyes", "Oficial", "", "investigation", "", "es", "ana@example.org",
            phone("HND"), "", "", "08:00", "16:00"]
    bad_phone = ["HND", inst.acronym, "Luis", "Cruz", "Oficial", "", "Inteligencia", "", "es", "luis@example.org",
                 "123", "", "", "", ""]
    bad_area = ["HND", inst.acronym, "Eva", "Paz", "Oficial", "", "astrología", "", "es", "eva@example",
                phone("HND"), "", "", "25:00", ""]
    r = f.verified_client(admin).post("/directorio/importar/", {"file": _xlsx([HEADER, good, bad_phone, bad_area])})
    html = r.content.decode()
    assert r.status_code == 400
    assert "no se importó nada" in html
    assert "<td>3</td><td>telefono</td>" in html
    assert "<td>4</td><td>areas</td>" in html
    assert "<td>4</td><td>correo</td>" in html
    assert "<td>4</td><td>hora_inicio</td>" in html
    assert not Contact.objects.exists()


def test_import_csv_success_creates_proposals_only():
    admin = f.user("HND", "focal_point")
    inst = f.institution("HND", Institution.Type.POLICE)
    text = ";".join(HEADER) + "\n" + ";".join([
        "HND", inst.acronym, "Ana", "Reyes", "Oficial", "", "investigation, intelligence", "contact_24_7", "es",
        "ana@example.org", phone("HND"), "", "", "", ""]) + "\n"
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "contactos.csv"
    r = f.verified_client(admin).post("/directorio/importar/", {"file": upload})
    assert r.status_code == 302
    c = Contact.objects.get(last_name="Reyes")
    assert c.status == "proposed" and c.area_list == ["investigation", "intelligence"]


def test_import_of_another_country_or_garbage_file_is_refused():
    admin = f.user("HND", "focal_point", authorised=False)
    inst = f.institution("GTM", Institution.Type.POLICE)
    row = ["GTM", inst.acronym, "Ana", "Reyes", "Oficial", "", "investigation", "", "es", "ana@example.org",
           phone("GTM"), "", "", "", ""]
    r = f.verified_client(admin).post("/directorio/importar/", {"file": _xlsx([HEADER, row])})
    assert r.status_code == 400 and "su propio país" in r.content.decode()
    garbage = io.BytesIO(b"\x00\x01\x02binary")
    garbage.name = "x.xlsx"
    r = f.verified_client(admin).post("/directorio/importar/", {"file": garbage})
    assert r.status_code == 400 and "Tipo de archivo no permitido" in r.content.decode()
    assert not Contact.objects.exists()
