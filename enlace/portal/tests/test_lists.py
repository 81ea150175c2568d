"""Query counts of the portal's lists (public sections, search, feeds, editorial queue)."""

import pytest
from django.test import Client

from enlace.portal import actions
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries


def published(editor, st, n, kind="news"):
    for i in range(n):
        e = actions.do_create_portal_draft(editor, {"kind": kind, "title_es": f"Contenido {i}", "summary_es": "Resumen"})
        actions.do_propose_portal_entry(editor, e)
        actions.do_approve_portal_entry(st, e)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/publico/es/noticias/", "/publico/es/buscar/?q=Contenido", "/publico/es/",
                                 "/publico/en/novedades.atom", "/publico/sitemap.xml"])
def test_public_lists_run_constant_queries(url, settings):
    # Measured without the page cache (a cached page costs only the version queries).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    editor, st = f.user("CRM", "portal_editor"), f.user("CRM", "st")
    published(editor, st, 1)
    assert_constant_queries(Client(), url, lambda n: published(editor, st, n))


@pytest.mark.django_db
def test_editorial_queue_runs_constant_queries():
    editor, st = f.user("CRM", "portal_editor"), f.user("CRM", "st")
    published(editor, st, 1)
    assert_constant_queries(f.verified_client(st), "/gestion-portal/", lambda n: published(editor, st, n))


@pytest.mark.django_db
def test_personal_data_in_an_editor_draft_is_refused_on_proposal():
    editor = f.user("CRM", "portal_editor")
    c = f.verified_client(editor)
    assert c.post("/gestion-portal/nuevo/", {"kind": "news", "title_es": "Aviso", "summary_es": "Contacto: +502 5555 1234"}).status_code == 302
    from enlace.portal.models import PortalEntry

    e = PortalEntry.objects.unrestricted(reason="test").get(title_es="Aviso")
    r = c.post(f"/gestion-portal/{e.pk}/proponer/")
    assert r.status_code == 400 and "contiene datos personales" in r.content.decode()
    assert PortalEntry.objects.unrestricted(reason="test").get(pk=e.pk).status == "draft"
    bad_event = c.post("/gestion-portal/nuevo/", {"kind": "event", "title_es": "Evento", "summary_es": "x",
                                                  "starts_at": "2026-14-40T10:00"})
    assert bad_event.status_code == 400 and "Evento" in bad_event.content.decode()
