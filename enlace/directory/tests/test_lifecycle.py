"""Must-show: proposals stay home until their own Cancillería authorises; revocation cuts access at once."""

import pytest
from django.test import Client

from enlace.directory.models import Contact
from enlace.directory.policy import authorised_contacts_for, is_authorised_focal_point
from enlace.testing import factories as f

from .helpers import chancery, data, propose

pytestmark = pytest.mark.django_db


def test_honduran_proposal_is_invisible_abroad_until_honduras_authorises_and_panama_cannot():
    hnd_admin = f.user("HND", "focal_point")
    hnd_chancery, pan_chancery = chancery("HND"), chancery("PAN")
    pan_reader, hnd_reader = f.user("PAN", "focal_point"), f.user("HND", "prosecutor")
    st = f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))

    # Proposed through the web form, as the focal-point administrator would.
    web = f.verified_client(hnd_admin)
    d = data(hnd_admin)
    post = {**{k: v for k, v in d.items() if k not in ("institution",)}, "institution": d["institution"].pk,
            "scope": "both", "hours_start": "08:00", "hours_end": "16:00", "working_days": ["0", "1", "2", "3", "4"]}
    r = web.post("/directorio/nuevo/", post)
    assert r.status_code == 302, r.content.decode()[:2000]
    contact = Contact.objects.get(last_name=d["last_name"])
    assert contact.status == "proposed"
    card = f"/directorio/contacto/{contact.pk}/"

    # Invisible to other countries on every surface; visible to Honduras and to the ST.
    pan = f.verified_client(pan_reader)
    assert pan.get(card).status_code == 404
    assert d["last_name"] not in pan.get("/directorio/").content.decode()
    assert f.token_client(pan_reader).get(f"/api/v1/directory/contacts/{contact.pk}/").status_code == 404
    assert f.verified_client(hnd_reader).get(card).status_code == 200
    assert f.verified_client(st).get(card).status_code == 200

    # Panama's Cancillería cannot authorise it: for Panama it does not even exist.
    r = f.verified_client(pan_chancery).post(f"{card}autorizar/", {"valid_until": "2099-01-01"})
    assert r.status_code == 404
    r = f.token_client(pan_chancery).post(f"/api/v1/directory/contacts/{contact.pk}/authorise/",
                                          {"valid_until": "2030-01-01"}, format="json")
    assert r.status_code == 404
    # The ST sees it but may not authorise it either: only Honduras's Cancillería decides (404, was 403:
    # a decision the user may not take does not exist for them).
    r = f.verified_client(st).post(f"{card}autorizar/", {"valid_until": "2030-01-01"})
    assert r.status_code == 404
    contact.refresh_from_db()
    assert contact.status == "proposed"

    # Honduras's Cancillería authorises: the whole network sees it now.
    r = f.verified_client(hnd_chancery).post(f"{card}autorizar/", {"valid_until": "2030-01-01"})
    assert r.status_code == 302
    contact.refresh_from_db()
    assert contact.status == "active" and contact.distribution == "network"
    assert pan.get(card).status_code == 200
    assert d["last_name"] in pan.get("/directorio/").content.decode()

    # Once it is visible, Panama's Cancillería still cannot revoke it.
    r = f.verified_client(pan_chancery).post(f"{card}revocar/", {"reason": "x"})
    assert r.status_code == 404
    contact.refresh_from_db()
    assert contact.status == "active"


def test_revocation_refuses_the_old_session_and_token_on_the_next_request():
    person = f.user("HND", "focal_point", authorised=False)
    admin = f.user("HND", "focal_point")
    hnd_chancery = chancery("HND")
    contact = propose(admin, user=person)
    api = f.token_client(hnd_chancery)
    r = api.post(f"/api/v1/directory/contacts/{contact.pk}/authorise/", {"valid_until": "2030-06-30"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "active"
    assert is_authorised_focal_point(person)

    session, token = f.verified_client(person), f.token_client(person)
    assert session.get("/directorio/").status_code == 200
    assert token.get("/api/v1/me/").status_code == 200
    bystander = f.verified_client(f.user("HND", "focal_point"))

    r = api.post(f"/api/v1/directory/contacts/{contact.pk}/revoke/", {"reason": "Dejó la institución"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "revoked"

    r = session.get("/directorio/")
    assert r.status_code == 302 and "/cuenta/entrar/" in r["Location"]
    r = token.get("/api/v1/me/")
    assert r.status_code == 401
    assert not is_authorised_focal_point(person)
    # Nobody else was logged out.
    assert bystander.get("/directorio/").status_code == 200
    # The owner country keeps the history; other countries lose it.
    assert f.verified_client(admin).get(f"/directorio/contacto/{contact.pk}/").status_code == 200
    assert f.verified_client(f.user("GTM", "focal_point")).get(f"/directorio/contacto/{contact.pk}/").status_code == 404


def test_exchange_rights_only_for_active_authorised_contacts():
    person, admin = f.user("GTM", "focal_point", authorised=False), f.user("GTM", "focal_point")
    contact = propose(admin, user=person)
    assert not is_authorised_focal_point(person)
    from enlace.directory.actions import do_authorise_contact, do_reinstate_contact, do_suspend_contact

    ch = chancery("GTM")
    do_authorise_contact(ch, contact)
    assert is_authorised_focal_point(person)
    reader = f.user("MEX", "focal_point")
    assert contact in authorised_contacts_for(reader, country="GTM")
    do_suspend_contact(ch, contact, reason="Investigación interna")
    assert not is_authorised_focal_point(person)
    assert contact not in authorised_contacts_for(reader, country="GTM")
    do_reinstate_contact(ch, contact)
    assert is_authorised_focal_point(person)


def test_change_notices_reach_the_network():
    from enlace.directory.actions import do_authorise_contact, do_revoke_contact, do_update_contact
    from enlace.notifications.models import Notification

    admin, reader = f.user("SLV", "focal_point"), f.user("CAN", "prosecutor")
    reader.email = "reader@example.org"
    reader.save()
    ch = chancery("SLV")
    contact = propose(admin)
    assert not Notification.objects.filter(recipient=reader).exists()  # a proposal is not news abroad
    do_authorise_contact(ch, contact)
    kinds = list(Notification.objects.filter(recipient=reader).values_list("kind", flat=True))
    assert kinds == ["directory.added"]
    # An ordinary change (the unit) is news; a change of who the entry designates is tested apart.
    do_update_contact(admin, contact, {**data(admin), "unit": "Nueva unidad", "last_name": contact.last_name,
                                       "first_name": contact.first_name, "position": contact.position,
                                       "email": contact.email, "phone": contact.phone})
    do_revoke_contact(admin, contact, reason="Jubilación", departure=True)
    kinds = sorted(Notification.objects.filter(recipient=reader).values_list("kind", flat=True))
    assert kinds == ["directory.added", "directory.change", "directory.departed"]
    assert Notification.objects.filter(recipient=reader, kind="directory.departed").get().link == "/directorio/pais/SLV/"


def test_anonymous_and_unverified_are_refused():
    assert Client().get("/directorio/a-quien-contacto/").status_code == 302
    auditor = f.user("CRM", "auditor", inst=f.institution("CRM", "secretariat"))
    assert f.verified_client(auditor).get("/directorio/").status_code == 403
