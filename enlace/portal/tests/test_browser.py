"""axe-core (WCAG 2.1 A/AA rules) on every public page and every workspace page of issue 12, at
1366 px and 390 px: zero violations, none tolerated."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enlace.portal import actions as portal_actions
from enlace.portal.public import SECTIONS
from enlace.practices import actions as practice_actions
from enlace.practices.tests.helpers import PUBLIC, brief, practice, tool
from enlace.testing import factories as f
from enlace.testing.axe import assert_accessible, violations
from enlace.training import actions as training_actions
from enlace.training.tests.helpers import event, request_


def _world():
    gtm, fiscal, st, editor = (f.user("GTM", "focal_point"), f.user("GTM", "prosecutor"), f.user("CRM", "st"),
                               f.user("CRM", "portal_editor"))
    p = practice(gtm, "network", contacts="Contacto interno")
    practice_actions.do_add_practice_feedback(f.user("HND"), p, text="Útil", endorse=True)
    t = tool(gtm, "network")
    b = brief(fiscal, "network")
    e = event(gtm, "network")
    training_actions.do_register_for_event(f.user("HND"), e)
    r = request_(gtm, "network")
    training_actions.do_respond_training_request(st, r, text="Propuesta de la ST")
    course = training_actions.do_create_course(st, {"title": "Curso accesible"})
    training_actions.do_add_course_document(st, course, title="Manual", upload=SimpleUploadedFile("m.txt", b"Manual\n"))
    entries = [practice_actions.do_propose_practice(gtm, p, dict(PUBLIC)),
               training_actions.do_propose_event(gtm, e, dict(PUBLIC, title_es="Taller público"))]
    for entry in entries:
        portal_actions.do_approve_portal_entry(st, entry)
    draft = portal_actions.do_create_portal_draft(editor, {"kind": "news", "title_es": "Borrador", "summary_es": "x"})
    portal_actions.do_propose_portal_entry(editor, draft)
    return {"gtm": gtm, "fiscal": fiscal, "st": st, "p": p, "t": t, "b": b, "e": e, "r": r, "course": course,
            "entry": entries[0], "draft": draft}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_of_the_portal_and_its_workspace_passes_axe(live_server, browser, login_browser):
    w = _world()
    base = live_server.url
    visitor = browser.new_context(locale="es-ES").new_page()
    public = ["/", "/publico/sitemap.xml"][:1]
    for lang in ("es", "en"):
        public += [f"/publico/{lang}/", f"/publico/{lang}/red/", f"/publico/{lang}/plan/",
                   f"/publico/{lang}/buscar/?q=Versión", f"/publico/{lang}/buscar/",
                   f"/publico/{lang}/contenido/{w['entry'].pk}/"]
        public += [f"/publico/{lang}/{slug}/" for slug in SECTIONS]
    for url in public:
        assert_accessible(visitor, base + url)

    pages = {
        "gtm": ["/practicas/", f"/practicas/{w['p'].pk}/", f"/practicas/{w['p'].pk}/editar/", "/practicas/nueva/", "/practicas/instrumentos/",
                f"/practicas/instrumentos/{w['t'].pk}/", "/practicas/instrumentos/nuevo/", "/formacion/",
                f"/formacion/solicitudes/{w['r'].pk}/", "/formacion/solicitudes/nueva/", "/formacion/eventos/",
                f"/formacion/eventos/{w['e'].pk}/", "/formacion/eventos/nuevo/", "/formacion/catalogo/",
                f"/formacion/catalogo/{w['course'].pk}/", "/gestion-portal/"],
        "fiscal": ["/practicas/jurisprudencia/", f"/practicas/jurisprudencia/{w['b'].pk}/",
                   "/practicas/jurisprudencia/nuevo/", f"/practicas/jurisprudencia/{w['b'].pk}/editar/"],
        "st": ["/gestion-portal/", f"/gestion-portal/{w['draft'].pk}/", "/formacion/catalogo/nuevo/",
               f"/formacion/catalogo/{w['course'].pk}/", f"/formacion/solicitudes/{w['r'].pk}/"],
    }
    for who, urls in pages.items():
        page = login_browser(w[who])
        page.wait_for_url(lambda url: "/cuenta/" not in url)
        for url in urls:
            assert_accessible(page, base + url)
        page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_form_errors_pass_axe(live_server, login_browser):
    """A refused proposal (personal data) shows its message accessibly."""
    gtm = f.user("GTM", "focal_point")
    p = practice(gtm, contacts="Ana Pérez")
    page = login_browser(gtm)
    page.wait_for_url(lambda url: "/cuenta/" not in url)
    page.goto(f"{live_server.url}/practicas/{p.pk}/")
    page.fill("#id_summary_es", "Escriba a ana@example.invalid")
    page.click("text=Proponer publicación")
    page.wait_for_selector(".field-error")
    assert "contiene datos personales" in page.inner_text("main")
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_axe_helper_catches_a_planted_violation(live_server, browser):
    page = browser.new_context(locale="es-ES").new_page()
    page.goto(f"{live_server.url}/publico/es/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\"><a href=\"#\"></a>')")
    found = {v["id"] for v in violations(page)}
    assert {"image-alt", "link-name"} <= found
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, widths=(1366,))
