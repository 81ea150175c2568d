"""Every page renders for the people who use it, and the lifecycle works from the contact card."""

import datetime

import pytest

from enlace.core.models import Institution
from enlace.directory.models import Contact
from enlace.testing import factories as f

from .helpers import authorised, chancery, propose

pytestmark = pytest.mark.django_db


def test_country_page_shows_the_organisation_chart():
    admin = f.user("CRI", "focal_point")
    ch = chancery("CRI")
    boss = authorised(admin, ch, last_name="Jefa", functions=["contact_24_7"])
    authorised(admin, ch, last_name="Subalterno", reports_to=boss)
    propose(admin, last_name="Candidata")
    html = f.verified_client(f.user("PAN", "analyst")).get("/directorio/pais/CRI/").content.decode()
    tree = html.split('id="org"')[1].split("</section>")[0]
    # The subordinate is nested inside the boss's list item.
    assert tree.index("Jefa") < tree.index('<ul class="org-tree">', tree.index("Jefa")) < tree.index("Subalterno")
    assert "Candidata" not in html  # a proposal stays at home
    assert "Candidata" in f.verified_client(admin).get("/directorio/pais/CRI/").content.decode()
    assert f.verified_client(admin).get("/directorio/pais/XXX/").status_code == 404


def test_cancilleria_works_the_lifecycle_from_the_card(time_machine):
    admin = f.user("NIC", "focal_point")
    ch = chancery("NIC")
    contact = propose(admin, last_name="Ciclo")
    web = f.verified_client(ch)
    pending = web.get("/directorio/autorizaciones/").content.decode()
    assert "Ciclo" in pending
    card = f"/directorio/contacto/{contact.pk}/"
    assert "Autorizar para un periodo de vigencia" in web.get(card).content.decode()
    until = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
    assert web.post(f"{card}autorizar/", {"valid_until": until}).status_code == 302
    assert web.post(f"{card}suspender/", {"reason": ""}).status_code == 400  # reason required, said clearly
    assert web.post(f"{card}suspender/", {"reason": "Revisión"}).status_code == 302
    contact.refresh_from_db()
    assert contact.status == "suspended"
    assert web.post(f"{card}reactivar/").status_code == 302
    later = (datetime.date.today() + datetime.timedelta(days=700)).isoformat()
    assert web.post(f"{card}renovar/", {"valid_until": later}).status_code == 302
    assert web.post(f"{card}confirmar/").status_code == 302
    contact.refresh_from_db()
    assert contact.status == "active" and contact.valid_until.isoformat() == later
    history = web.get(card).content.decode().split('id="history"')[1]
    for word in ("Autorización", "Suspensión", "Reactivación", "Renovación"):
        assert word in history
    assert web.post(f"{card}inventar/").status_code == 404


def test_expired_proposal_can_be_resubmitted(time_machine):
    admin = f.user("NIC", "focal_point")
    contact = propose(admin)
    time_machine.move_to(datetime.datetime.now() + datetime.timedelta(days=100))
    from enlace.directory.tasks import run_directory_tasks

    assert run_directory_tasks()["expired"] == 1
    contact.refresh_from_db()
    assert contact.status == "expired"
    r = f.verified_client(admin).post(f"/directorio/contacto/{contact.pk}/reenviar/")
    assert r.status_code == 302
    contact.refresh_from_db()
    assert contact.status == "proposed"


def test_edit_form_keeps_values_and_saves():
    admin = f.user("BLZ", "focal_point")
    contact = propose(admin, last_name="Editable")
    web = f.verified_client(admin)
    r = web.get(f"/directorio/contacto/{contact.pk}/editar/")
    assert r.status_code == 200 and 'value="Editable"' in r.content.decode()
    form = {"institution": contact.owner_institution_id, "first_name": "Nuevo", "last_name": "Editable",
            "position": "Jefe", "scope": "both", "areas": ["intelligence"], "languages": ["en"],
            "email": contact.email, "phone": contact.phone, "hours_start": "09:00", "hours_end": "17:00",
            "working_days": ["0", "1"], "timezone": "America/Belize"}
    assert web.post(f"/directorio/contacto/{contact.pk}/editar/", form).status_code == 302
    contact.refresh_from_db()
    assert contact.first_name == "Nuevo" and contact.area_list == ["intelligence"]
    # Another country's official cannot edit even a network-visible contact.
    other = f.verified_client(f.user("GTM", "focal_point"))
    assert other.get(f"/directorio/contacto/{contact.pk}/editar/").status_code == 404


def test_pages_render_for_their_roles():
    st = f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))
    admin = f.user("HND", "focal_point")
    for path in ("/directorio/", "/directorio/nuevo/", "/directorio/importar/", "/directorio/a-quien-contacto/",
                 "/directorio/calidad/", "/directorio/actores-clave/", "/directorio/pais/HND/"):
        assert f.verified_client(st).get(path).status_code == 200, path
    r = f.verified_client(admin).get("/directorio/importar/plantilla.xlsx")
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    assert f.verified_client(admin).get("/directorio/autorizaciones/").status_code == 403
    r = f.verified_client(admin).get("/directorio/?q=x", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "<html" not in r.content.decode()  # HTMX gets only the results
    home = f.verified_client(chancery("HND")).get("/").content.decode()
    assert "Autorizaciones de puntos focales" in home


def test_api_propose_and_patch():
    admin = f.user("DOM", "focal_point", inst=f.institution("DOM", Institution.Type.MIGRATION))
    api = f.token_client(admin)
    from .helpers import phone

    r = api.post("/api/v1/directory/contacts/", {
        "institution": admin.institution_id, "first_name": "Api", "last_name": "Creado", "position": "Oficial",
        "areas": ["migration_control"], "languages": ["es"], "email": "api@example.org", "phone": phone("DOM")},
        format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "proposed" and r.json()["phone"].startswith("+1")
    r = api.patch(f"/api/v1/directory/contacts/{pk}/", {"position": "Jefe", "email": "no-es-correo"}, format="json")
    assert r.status_code == 400 and "email" in r.json()["error"]["fields"]
    r = api.patch(f"/api/v1/directory/contacts/{pk}/", {"position": "Jefe"}, format="json")
    assert r.status_code == 200 and r.json()["position"] == "Jefe"
    assert Contact.objects.get(pk=pk).position == "Jefe"
    assert f.token_client(f.user("PAN", "focal_point")).patch(
        f"/api/v1/directory/contacts/{pk}/", {"position": "X"}, format="json").status_code == 404
