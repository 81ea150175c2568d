"""Audit records say who did what to which record, and carry none of the record's content."""

import pytest

from enlace.audit.log import REDACTED, log_event
from enlace.audit.models import AuditEvent
from enlace.sharing.tests.testapp.actions import do_create_dossier
from enlace.testing import factories as f
from enlace.sharing.testing import xlsx_text

pytestmark = pytest.mark.django_db
CANARY = "Canario Ruiz Ixcot 4471"


def test_an_action_event_names_the_action_and_holds_no_title():
    owner = f.user("GTM", "focal_point")
    dossier = do_create_dossier(owner, title=CANARY, distribution="country")
    event = AuditEvent.objects.filter(object_type="sharing_testapp.dossier", object_id=str(dossier.pk)).latest("seq")
    assert event.detail["do"] == "do_create_dossier"
    assert CANARY not in event.object_repr and event.object_repr.endswith(f"#{dossier.pk}")
    # Free text is redacted, codes stay: the auditor knows what changed, not what it says.
    assert event.after["title"] == REDACTED and event.after["distribution"] == "country"
    assert CANARY not in str(event.canonical())


def test_the_auditor_export_carries_no_content_of_any_country():
    owner = f.user("GTM", "focal_point")
    dossier = do_create_dossier(owner, title=CANARY, distribution="institution")
    f.verified_client(owner).get(f"/prueba-expedientes/expedientes/{dossier.pk}/")
    auditor = f.user("CRM", "auditor")
    r = f.verified_client(auditor).get("/auditoria/exportar/")
    assert r.status_code == 200
    text = xlsx_text(r.content)
    assert str(dossier.pk) in text and "sharing_testapp.dossier" in text
    assert CANARY not in text and "Canario" not in text


def test_an_undeclared_kind_is_refused_and_nothing_is_written():
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError):
        log_event("made_up_kind", object_type="x")
    assert AuditEvent.objects.count() == before


def test_changed_fields_are_listed_without_their_values():
    event = log_event("write", object_type="x", before={"title": "A", "status": "draft"},
                      after={"title": "B", "status": "sent"})
    assert event.detail["changed"] == ["status", "title"]
    assert event.before == {"title": REDACTED, "status": "draft"} and event.after["status"] == "sent"


def test_the_audit_page_shows_utc_as_its_column_says(settings):
    import datetime

    from django.utils import timezone

    settings.TIME_ZONE = "America/Guatemala"
    event = log_event("write", object_type="x")
    auditor = f.user("CRM", "auditor")
    html = f.verified_client(auditor).get("/auditoria/").content.decode()
    utc = event.at.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    local = timezone.localtime(event.at, timezone.get_fixed_timezone(-360)).strftime("%Y-%m-%d %H:%M")
    assert "Fecha (UTC)" in html and utc in html and local not in html


def test_a_reason_is_kept_when_it_is_a_code_and_redacted_when_it_is_words():
    coded = log_event("bad_request", object_type="x", detail={"reason": "too_large"})
    typed = log_event("write", object_type="x", detail={"reason": "Revocado por denuncia de Juan Pérez"})
    assert coded.detail["reason"] == "too_large" and typed.detail["reason"] == REDACTED


def test_redaction_copes_with_non_string_keys():
    event = log_event("write", object_type="x", detail={"count": {3: 1}, 7: "texto libre"})
    assert event.detail["7"] == REDACTED and event.detail["count"] == {"3": REDACTED}
