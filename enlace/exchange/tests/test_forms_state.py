"""Issue 15 in the exchange: who is offered as a recipient, nothing chosen for the official, a double
click sends once (the second POST shows the first result), the sender's receipts and an empty chart."""

import re

import pytest

from enlace.exchange.actions import do_acknowledge_thread
from enlace.exchange.models import ForwardRequest, MlaDraft, MlaVersion
from enlace.testing import factories as f

from .helpers import focal, send

pytestmark = pytest.mark.django_db


def _options(html: str, select_id: str) -> list[tuple[str, bool]]:
    """(value, selected) of each option of one <select>."""
    m = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert m, f"no select {select_id}"
    return [(v, "selected" in attrs) for attrs, v in
            ((o.group(0), o.group(1)) for o in re.finditer(r'<option value="([^"]*)"[^>]*>', m.group(1)))]


def test_own_country_is_never_offered_and_nothing_is_preselected():
    cri, pan, _mex = focal("CRI"), focal("PAN"), focal("MEX")
    client = f.verified_client(cri)
    page = client.get("/intercambio/nuevo/").content.decode()
    countries = _options(page, "id_recipient_countries")
    assert ("PAN", False) in countries and all(code != "CRI" for code, _s in countries)
    assert not any(selected for _c, selected in countries)
    assert 'data-searchable="multiple"' in page  # the searchable, keyboard-operable chooser

    # The forward form of a recipient: neither their own country nor the countries already in the thread.
    thread = send(cri, ["PAN", "MEX"])
    html = f.verified_client(pan).get(f"/intercambio/hilo/{thread.pk}/").content.decode()
    targets = [code for code, _s in _options(html, "id_target_country")]
    assert targets[0] == "" and "HND" in targets
    assert not {"PAN", "CRI", "MEX"} & set(targets)

    # The MLA form: the requested country starts empty (the first country, Belice, used to be chosen).
    prosecutor = f.user("CRI", "prosecutor")
    html = f.verified_client(prosecutor).get("/intercambio/asistencia-juridica/").content.decode()
    requested = _options(html, "id_requested_country")
    assert requested[0][0] == "" and not any(s for c, s in requested if c)  # only the empty choice may be
    assert "CRI" not in [c for c, _s in requested] and "BLZ" in [c for c, _s in requested]
    # And posting it empty says what to do; nothing is created.
    r = f.verified_client(prosecutor).post("/intercambio/asistencia-juridica/nuevo/",
                                           {"title": "AJR", "requested_country": ""})
    assert r.status_code == 400 and MlaDraft.objects.unrestricted(reason="test").filter(title="AJR").count() == 0


def test_a_double_click_on_forward_sends_one_request_and_shows_the_first():
    cri, pan = focal("CRI"), focal("PAN")
    thread = send(cri, ["PAN"])
    client = f.verified_client(pan)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"',
                    client.get(f"/intercambio/hilo/{thread.pk}/").content.decode()).group(1)
    post = {"target_country": "HND", "reason": "El barco siguió hacia Honduras", "idempotency_key": key}
    first = client.post(f"/intercambio/hilo/{thread.pk}/reenvio/", post)
    second = client.post(f"/intercambio/hilo/{thread.pk}/reenvio/", post)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    rows = ForwardRequest.objects.unrestricted(reason="test").filter(thread=thread)
    assert rows.count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "no se duplicó" in page and f'id="forward-{rows.get().pk}"' in page
    assert "pedida el" in page and "decidida el" not in page  # its state and when it was asked
    # A new form (a new key) is a new request: the token stops duplicates, not decisions.
    client.post(f"/intercambio/hilo/{thread.pk}/reenvio/", {**post, "idempotency_key": "otra-clave"})
    assert rows.count() == 2


def test_a_double_click_on_mla_create_and_version_writes_once():
    cri = f.user("CRI", "prosecutor")
    client = f.verified_client(cri)
    html = client.get("/intercambio/asistencia-juridica/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1)
    post = {"title": "AJR doble clic", "requested_country": "PAN", "idempotency_key": key}
    first = client.post("/intercambio/asistencia-juridica/nuevo/", post)
    second = client.post("/intercambio/asistencia-juridica/nuevo/", post)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    drafts = MlaDraft.objects.unrestricted(reason="test").filter(title="AJR doble clic")
    assert drafts.count() == 1
    assert "no se duplicó" in client.get(second["Location"]).content.decode()

    draft = drafts.get()
    page = client.get(f"/intercambio/asistencia-juridica/{draft.pk}/").content.decode()
    vkey = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    version = {"facts": "Hechos nuevos", "note": "v2", "idempotency_key": vkey}
    assert client.post(f"/intercambio/asistencia-juridica/{draft.pk}/", version).status_code == 302
    assert client.post(f"/intercambio/asistencia-juridica/{draft.pk}/", version).status_code == 302
    assert MlaVersion.objects.unrestricted(reason="test").filter(draft=draft).count() == 2  # v1 + one v2


def test_the_sender_sees_the_acknowledgement_in_the_receipts_part():
    cri, pan = focal("CRI"), focal("PAN")
    thread = send(cri, ["PAN"])
    client = f.verified_client(cri)
    part = f"/intercambio/hilo/{thread.pk}/?part=receipts"
    before = client.get(part, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="receipts-table"' in before and "<html" not in before
    do_acknowledge_thread(pan, thread)
    after = client.get(part, HTTP_HX_REQUEST="true").content.decode()
    row = re.search(r'<tr id="receipt-\d+"><td>Panamá</td>(.*?)</tr>', after, re.S).group(1)
    ack_cell = re.findall(r"<td>(.*?)</td>", row, re.S)[1]
    assert ack_cell.strip() not in ("", "—")
    assert re.findall(r"<td>(.*?)</td>", re.search(r'<tr id="receipt-\d+"><td>Panamá</td>(.*?)</tr>', before,
                                                   re.S).group(1), re.S)[1].strip() == "—"
    # Closing asks first (a native dialog through widgets.js; the form still posts without JavaScript).
    page = client.get(f"/intercambio/hilo/{thread.pk}/").content.decode()
    assert re.search(r'action="/intercambio/hilo/\d+/cerrar/" data-confirm="[^"]+"', page)


def test_the_empty_responsiveness_chart_says_what_to_wait_for():
    st = f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))
    page = f.verified_client(st).get("/intercambio/capacidad-de-respuesta/").content.decode()
    assert "Aún no hay datos" in page and 'id="responsiveness-chart"' not in page
    cri, pan = focal("CRI"), focal("PAN")
    do_acknowledge_thread(pan, send(cri, ["PAN"]))
    page = f.verified_client(st).get("/intercambio/capacidad-de-respuesta/").content.decode()
    assert "Aún no hay datos" not in page and 'id="responsiveness-chart"' in page


def test_each_countrys_principal_focal_point_is_offered_first_as_the_default_addressee():
    from enlace.directory.actions import do_designate_principal_contact
    from enlace.directory.models import Contact

    cri = focal("CRI")
    first, second = focal("PAN"), focal("PAN")
    chancery = f.user("PAN", "cancilleria")
    entry = Contact.objects.unrestricted(reason="test").get(user=second)
    do_designate_principal_contact(chancery, entry)
    html = f.verified_client(cri).get("/intercambio/nuevo/").content.decode()
    m = re.search(r'<select[^>]*id="id_recipient_contacts"[^>]*>(.*?)</select>', html, re.S)
    panama = [(v, label) for v, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', m.group(1))
              if label.startswith("Panamá")]
    assert panama[0][0] == str(entry.pk) and "punto focal principal" in panama[0][1]
    assert all("principal" not in label for _v, label in panama[1:])
    assert str(Contact.objects.unrestricted(reason="test").get(user=first).pk) in [v for v, _l in panama]
