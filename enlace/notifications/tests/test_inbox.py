"""The inbox: one's own notices only; marking them read is one audited action (a POST), viewing writes nothing."""

import pytest

from enlace.audit.models import AuditEvent
from enlace.notifications.actions import do_notify
from enlace.notifications.models import Notification
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


def test_inbox_shows_own_notices_and_marking_read_is_one_audited_post():
    me, other = f.user("GTM", "focal_point"), f.user("HND", "focal_point")
    do_notify([me], kind="test", title="Aviso para mí", link="/")
    do_notify([other], kind="test", title="Aviso ajeno", link="/")
    client = f.verified_client(me)
    events = AuditEvent.objects.filter(kind="write").count()
    page = client.get("/avisos/").content.decode()
    assert "Aviso para mí" in page and "Aviso ajeno" not in page
    assert AuditEvent.objects.filter(kind="write").count() == events  # viewing writes nothing
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 1
    assert client.post("/avisos/leidos/").status_code == 302
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1
    new = AuditEvent.objects.filter(kind="write", seq__gt=0).order_by("-seq").first()
    assert AuditEvent.objects.filter(kind="write").count() == events + 1
    assert new.detail == {"count": 1, "do": "do_mark_notifications_read"}


def test_inbox_costs_the_same_queries_with_more_notices():
    from enlace.testing.querycount import assert_constant_queries

    me = f.user("GTM", "focal_point")
    do_notify([me], kind="test", title="Primero", link="/")
    assert_constant_queries(f.verified_client(me), "/avisos/",
                            lambda n: [do_notify([me], kind="test", title=f"Aviso {i}", link="/") for i in range(n)])
