"""Issue 15 in the directory: dates typed in the page's language (never silently swapped), a revocation
that asks first, says "revocada", keeps its history in "Decisiones" and ends the validity shown."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone

from enlace.directory.models import Contact
from enlace.testing import factories as f

from .helpers import authorised, chancery, propose

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_dates_follow_the_page_language_and_the_other_order_is_refused():
    admin = f.user("HND", "focal_point")
    web = f.verified_client(chancery("HND"))
    today = timezone.localdate()

    # Spanish page: dd/mm/aaaa; the field says so and shows today's date that way.
    contact = propose(admin)
    card = f"/directorio/contacto/{contact.pk}/"
    page = web.get(card).content.decode()
    assert 'placeholder="dd/mm/aaaa"' in page and 'type="date"' not in page
    assert f'value="{today:%d/%m/%Y}"' in page

    # A date that only makes sense as month/day is refused with a message that says so; nothing changes.
    r = web.post(f"{card}autorizar/", {"valid_from": f"{today:%d/%m/%Y}", "valid_until": "12/25/2027"})
    assert r.status_code == 400
    assert "mes/día/año" in r.content.decode() and "día/mes/año" in r.content.decode()
    contact.refresh_from_db()
    assert contact.status == "proposed"

    # Typed the Spanish way, and what a date picker sends (ISO): both understood, day first.
    r = web.post(f"{card}autorizar/", {"valid_from": f"{today:%d/%m/%Y}", "valid_until": "03/12/2027"})
    assert r.status_code == 302, r.content.decode()[:3000]
    contact.refresh_from_db()
    assert (contact.valid_from, contact.valid_until) == (today, datetime.date(2027, 12, 3))
    r = web.post(f"{card}renovar/", {"valid_until": "2028-01-31"})
    assert r.status_code == 302
    contact.refresh_from_db()
    assert contact.valid_until == datetime.date(2028, 1, 31)

    # English page: mm/dd/yyyy, and a day-first date is refused, not swapped.
    en = _english(f.verified_client(chancery("HND")))
    other = propose(admin)
    card = f"/directorio/contacto/{other.pk}/"
    assert 'placeholder="mm/dd/yyyy"' in en.get(card).content.decode()
    r = en.post(f"{card}autorizar/", {"valid_from": f"{today:%m/%d/%Y}", "valid_until": "25/12/2027"})
    assert r.status_code == 400 and "day/month/year" in r.content.decode()
    r = en.post(f"{card}autorizar/", {"valid_from": f"{today:%m/%d/%Y}", "valid_until": "12/03/2027"})
    assert r.status_code == 302
    other.refresh_from_db()
    assert (other.valid_from, other.valid_until) == (today, datetime.date(2027, 12, 3))
    # A date that does not exist in either order.
    r = web.post(f"{card}renovar/", {"valid_until": "31/31/2027"})
    assert r.status_code == 400 and "no existe" in r.content.decode()


def test_revocation_asks_first_says_revocada_and_keeps_the_history():
    admin = f.user("HND", "focal_point")
    hnd_chancery = chancery("HND")
    contact = authorised(admin, hnd_chancery)
    web = f.verified_client(hnd_chancery)
    card = f"/directorio/contacto/{contact.pk}/"
    page = web.get(card).content.decode()
    # The revoke button asks before it acts (native dialog in widgets.js), naming the person.
    m = re.search(r'<button[^>]*id="revoke-button"[^>]*data-confirm="([^"]+)"', page)
    assert m and "Revocar" in m.group(1) and "no se puede deshacer" in m.group(1)
    assert contact.last_name in m.group(1)

    r = web.post(f"{card}revocar/", {"reason": "Cambio de funciones"}, follow=True)
    assert r.status_code == 200
    page = r.content.decode()
    assert "revocada" in page and "dado de baja" not in page
    contact.refresh_from_db()
    assert contact.status == Contact.Status.REVOKED

    page = web.get(card).content.decode()
    decisions = page[page.index('id="decisions"'):]
    decisions = decisions[:decisions.index("</section>")]
    assert "Revocado" in decisions and "Historial de autorizaciones" in decisions
    history = re.search(r'<ul id="decision-history">(.*?)</ul>', decisions, re.S).group(1)
    assert "Revocación" in history and "Autorización" in history and "Cambio de funciones" in history
    # The validity shown ends on the day of the revocation, not on the date it was authorised until.
    validity = re.search(r'<dd id="contact-validity">(.*?)</dd>', page, re.S).group(1)
    today = timezone.localdate()
    ends = validity.split("–", 1)[1]
    assert (today.strftime("%d/%m/%Y") in ends.split("(")[0] or today.isoformat() in ends.split("(")[0])
    assert "revocada el" in validity
    # The old end date is still said, as what it was (not as in force).
    assert "estaba autorizada hasta" in validity
