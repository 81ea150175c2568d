"""The audit trail: one event per read, tamper evidence, fail-closed, append-only, auditor pages."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

from enlace.audit.models import AuditEvent, ChainHead
from enlace.sharing.tests.testapp.actions import do_create_dossier
from enlace.testing import factories as f
from enlace.sharing.testing import xlsx_text


@pytest.fixture
def shared_dossier(db):
    owner = f.user("GTM", "focal_point")
    return owner, do_create_dossier(owner, title="Red de transporte", distribution="network")


def test_each_read_of_a_protected_record_writes_exactly_one_event(shared_dossier):
    _owner, dossier = shared_dossier
    reader = f.user("HND", "focal_point")
    client = f.verified_client(reader)
    before = AuditEvent.objects.count()
    r = client.get(f"/prueba-expedientes/expedientes/{dossier.pk}/", {"purpose": "investigación 12/2026"},
                   REMOTE_ADDR="10.1.2.3")
    assert r.status_code == 200
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    reads = [e for e in events if e.kind == "read"]
    assert len(reads) == 1
    e = reads[0]
    assert (e.actor_id, e.country_code, e.object_type, e.object_id) == (reader.pk, "HND", "sharing_testapp.dossier", str(dossier.pk))
    assert e.personal_data and e.purpose == "investigación 12/2026" and e.address == "10.1.2.3" and e.channel == "ui"
    # The same read through the API, with a token, is one more event on the token channel.
    api = f.token_client(reader)
    before = AuditEvent.objects.count()
    assert api.get(f"/api/v1/test-dossiers/{dossier.pk}/").status_code == 200
    reads = list(AuditEvent.objects.filter(seq__gt=before, kind="read"))
    assert len(reads) == 1 and reads[0].channel == "token"


def test_a_refused_read_is_not_a_read(shared_dossier):
    owner, _ = shared_dossier
    private = do_create_dossier(owner, title="Solo Guatemala", distribution="country")
    client = f.verified_client(f.user("PAN", "focal_point"))
    before = AuditEvent.objects.count()
    assert client.get(f"/prueba-expedientes/expedientes/{private.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(seq__gt=before, kind="read").exists()


def test_listing_personal_data_is_audited_with_the_ids_shown(shared_dossier):
    _owner, dossier = shared_dossier
    reader = f.user("HND", "focal_point")
    before = AuditEvent.objects.count()
    f.verified_client(reader).get("/prueba-expedientes/expedientes/", {"q": "transporte"})
    event = AuditEvent.objects.get(seq__gt=before, kind="search")
    # The ids shown are kept; the words searched are not (a searched name is itself personal data).
    assert event.detail["ids"] == [str(dossier.pk)] and event.detail["searched"] is True
    assert "transporte" not in str(event.detail)


def test_verify_passes_on_an_intact_chain_and_names_the_first_altered_event(shared_dossier):
    call_command("audit", "verify")  # intact: no error
    target = AuditEvent.objects.order_by("seq")[1]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER audit_event_no_update")
            cur.execute("UPDATE audit_auditevent SET actor_username = 'otro' WHERE seq = %s", [target.seq])
        else:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cur.execute("UPDATE audit_auditevent SET actor_username = 'otro' WHERE seq = %s", [target.seq])
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert f"#{target.seq}" in str(excinfo.value)


def test_verify_detects_a_deleted_event(shared_dossier):
    f.verified_client(f.user("HND", "focal_point")).get(f"/prueba-expedientes/expedientes/{shared_dossier[1].pk}/")
    target = AuditEvent.objects.order_by("seq")[2]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER audit_event_no_delete")
        else:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cur.execute("DELETE FROM audit_auditevent WHERE seq = %s", [target.seq])
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert f"#{target.seq}" in str(excinfo.value)


def test_the_database_refuses_updates_and_deletes(shared_dossier):
    from django.db import transaction

    for sql in ("UPDATE audit_auditevent SET kind = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    event = AuditEvent.objects.first()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_a_failing_audit_write_makes_the_read_fail(shared_dossier, monkeypatch):
    _owner, dossier = shared_dossier
    client = f.verified_client(f.user("HND", "focal_point"))
    api = f.token_client(f.user("HND", "focal_point"))

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(ChainHead, "save", broken)
    r = client.get(f"/prueba-expedientes/expedientes/{dossier.pk}/")
    assert r.status_code == 503
    body = r.content.decode()
    assert dossier.title not in body and "auditoría" in body
    r = api.get(f"/api/v1/test-dossiers/{dossier.pk}/")
    assert r.status_code == 503 and dossier.title not in r.content.decode()
    assert r.json()["error"]["code"] == "audit_unavailable"


def test_auditor_filters_and_exports_events_and_others_cannot(shared_dossier):
    _owner, dossier = shared_dossier
    reader = f.user("HND", "focal_point")
    f.verified_client(reader).get(f"/prueba-expedientes/expedientes/{dossier.pk}/")
    auditor = f.user("CRM", "auditor", inst=f.institution("CRM"))
    c = f.verified_client(auditor)
    r = c.get("/auditoria/", {"actor_username": reader.username, "kind": "read"})
    assert r.status_code == 200
    assert reader.username in r.content.decode() and "sharing_testapp.dossier" in r.content.decode()
    r = c.get("/auditoria/exportar/", {"actor_username": reader.username})
    assert r.status_code == 200
    text = xlsx_text(r.content)
    assert reader.username in text and "read" in text
    assert AuditEvent.objects.filter(kind="export", actor=auditor).exists()
    assert "cadena está íntegra" in c.get("/auditoria/verificar/").content.decode()
    # A focal point has no access to the audit pages, and no menu entry for them.
    fp = f.verified_client(reader)
    assert fp.get("/auditoria/").status_code == 403
    assert "/auditoria/" not in fp.get("/inicio/").content.decode()
    assert "/auditoria/" in c.get("/inicio/").content.decode()


def test_writes_and_sharing_changes_are_audited_with_before_and_after(shared_dossier):
    from enlace.sharing.actions import do_change_sharing

    owner, dossier = shared_dossier
    do_change_sharing(owner, dossier, distribution="country")
    event = AuditEvent.objects.filter(kind="sharing", object_id=str(dossier.pk)).latest("seq")
    assert event.before["distribution"] == "network" and event.after["distribution"] == "country"
