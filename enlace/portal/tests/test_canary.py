"""Canary: a practice, a case brief and an event kept at ``institution`` or ``country`` never reach the
portal — pages, search, Atom feeds, iCal feed, sitemap — until the ST approves; after approval only
the anonymised version does. The visitor needs no login; everything else still needs MFA."""

import pytest
from django.test import Client

from enlace.portal import actions as portal_actions
from enlace.portal.models import PortalEntry
from enlace.portal.public import SECTIONS
from enlace.practices import actions as practice_actions
from enlace.practices.tests.helpers import brief, practice
from enlace.testing import factories as f
from enlace.training import actions as training_actions
from enlace.training.tests.helpers import event

SECRET = "Secretoqx"   # in the workspace records only
ANON = "Anonimaqz"     # in the anonymised versions only


def portal_urls(entries=()):
    urls = ["/", "/publico/sitemap.xml"]
    for lang in ("es", "en"):
        urls += [f"/publico/{lang}/", f"/publico/{lang}/red/", f"/publico/{lang}/plan/",
                 f"/publico/{lang}/buscar/?q={SECRET}", f"/publico/{lang}/buscar/?q={ANON}",
                 f"/publico/{lang}/novedades.atom", f"/publico/{lang}/eventos.ics"]
        urls += [f"/publico/{lang}/{slug}/" for slug in SECTIONS]
        urls += [f"/publico/{lang}/novedades.atom?seccion={slug}" for slug in SECTIONS]
    return urls


def everything(client):
    out = []
    for url in portal_urls():
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        body = r.content.decode()
        for word in (SECRET, ANON):  # the search page echoes what was searched: that is not a leak
            body = body.replace(f'value="{word}"', "").replace(f"«{word}»", "").replace(f"&quot;{word}&quot;", "").replace(f"\"{word}\"", "")
        out.append(body)
    return "\n".join(out)


@pytest.mark.django_db
def test_canary_nothing_reaches_the_portal_until_approved_and_then_only_the_anonymised_version():
    gtm, fiscal, st = f.user("GTM", "focal_point"), f.user("GTM", "prosecutor"), f.user("CRM", "st")
    p = practice(gtm, "institution", title=f"Práctica {SECRET}", body=f"Detalle {SECRET}",
                 contacts=f"Juan {SECRET}, juan@example.invalid")
    b = brief(fiscal, "country", title=f"Caso {SECRET}", summary=f"Resumen {SECRET}", persons_named="")
    e = event(gtm, "institution", title=f"Taller {SECRET}", description=f"Descripción {SECRET}")
    anon = Client()
    text = everything(anon)
    assert SECRET not in text and ANON not in text

    proposals = [
        practice_actions.do_propose_practice(gtm, p, {"title_es": f"Práctica {ANON}", "summary_es": f"Resumen {ANON}"}),
        practice_actions.do_propose_case_brief(fiscal, b, {"title_es": f"Caso {ANON}", "summary_es": f"Resumen {ANON}"}),
        training_actions.do_propose_event(gtm, e, {"title_es": f"Taller {ANON}", "summary_es": f"Resumen {ANON}"}),
    ]
    # Proposed, not approved: still nowhere, and the entry's own address does not exist.
    text = everything(anon)
    assert SECRET not in text and ANON not in text
    for entry in proposals:
        assert anon.get(f"/publico/es/contenido/{entry.pk}/").status_code == 404

    for entry in proposals:
        portal_actions.do_approve_portal_entry(st, entry)
    text = everything(anon)
    assert SECRET not in text
    assert "juan@example.invalid" not in text
    for kind in ("Práctica", "Caso", "Taller"):
        assert f"{kind} {ANON}" in text
    for entry in proposals:
        page = anon.get(f"/publico/es/contenido/{entry.pk}/")
        assert page.status_code == 200 and ANON in page.content.decode() and SECRET not in page.content.decode()
        assert f"/publico/es/contenido/{entry.pk}/" in anon.get("/publico/sitemap.xml").content.decode()
    assert f"Taller {ANON}" in anon.get("/publico/es/eventos.ics").content.decode()
    # The records themselves never became public.
    for record in (p, b, e):
        assert type(record).objects.unrestricted(reason="test").get(pk=record.pk).distribution != "public"

    # Withdrawn: gone again at once.
    portal_actions.do_withdraw_portal_entry(st, proposals[0])
    assert f"Práctica {ANON}" not in everything(anon)


@pytest.mark.django_db
def test_visitor_reaches_the_portal_without_login_everything_else_needs_mfa():
    anon = Client()
    home = anon.get("/")
    assert home.status_code == 200 and 'class="portal"' in home.content.decode()
    assert "sessionid" not in home.cookies
    for url in ("/inicio/", "/practicas/", "/practicas/jurisprudencia/", "/practicas/instrumentos/", "/formacion/",
                "/formacion/eventos/", "/formacion/catalogo/", "/gestion-portal/", "/formacion/eventos/eventos.ics"):
        r = anon.get(url)
        assert r.status_code == 302 and "/cuenta/entrar/" in r["Location"], url
    official = f.user("GTM", "focal_point")
    half = Client()
    half.force_login(official)  # password only, no second factor
    for url in ("/", "/practicas/", "/gestion-portal/"):
        r = half.get(url)
        assert r.status_code == 302 and "/cuenta/" in r["Location"], url
    full = f.verified_client(official)
    r = full.get("/")
    assert r.status_code == 200 and 'class="portal"' not in r.content.decode()


@pytest.mark.django_db
def test_portal_pages_are_cacheable_with_etag_and_change_when_content_is_approved():
    anon = Client()
    r = anon.get("/publico/es/noticias/")
    assert r.status_code == 200
    assert "public" in r["Cache-Control"] and "max-age" in r["Cache-Control"]
    etag = r["ETag"]
    again = anon.get("/publico/es/noticias/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    editor, st = f.user("CRM", "portal_editor"), f.user("CRM", "st")
    entry = portal_actions.do_create_portal_draft(editor, {"kind": "news", "title_es": "Noticia nueva", "summary_es": "x"})
    portal_actions.do_propose_portal_entry(editor, entry)
    assert anon.get("/publico/es/noticias/", HTTP_IF_NONE_MATCH=etag).status_code == 304  # proposal: nothing public
    portal_actions.do_approve_portal_entry(st, entry)
    fresh = anon.get("/publico/es/noticias/", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and "Noticia nueva" in fresh.content.decode() and fresh["ETag"] != etag
    assert anon.post("/publico/es/noticias/").status_code == 405
    assert anon.get("/publico/xx/").status_code == 404


@pytest.mark.django_db
def test_english_portal():
    anon = Client()
    r = anon.get("/publico/en/")
    assert r.status_code == 200 and '<html lang="en">' in r.content.decode()
    assert "Upcoming events" in r.content.decode()
    assert r["Content-Language"] == "en"


@pytest.mark.django_db
def test_editor_draft_is_approved_by_the_st_only():
    editor, st, other = f.user("CRM", "portal_editor"), f.user("CRM", "st"), f.user("GTM", "focal_point")
    c = f.verified_client(editor)
    data = {"kind": "campaign", "title_es": "Campaña Alfa", "summary_es": "Prevención"}
    r = c.post("/gestion-portal/nuevo/", data)
    assert r.status_code == 302
    entry = PortalEntry.objects.unrestricted(reason="test").get(title_es="Campaña Alfa")
    assert c.post(f"/gestion-portal/{entry.pk}/proponer/").status_code == 302
    assert c.post(f"/gestion-portal/{entry.pk}/aprobar/").status_code == 404  # an editor does not approve
    assert f.verified_client(other).post(f"/gestion-portal/{entry.pk}/aprobar/").status_code == 404
    assert f.verified_client(st).post(f"/gestion-portal/{entry.pk}/aprobar/").status_code == 302
    assert "Campaña Alfa" in Client().get("/publico/es/campanas/").content.decode()
