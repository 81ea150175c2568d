"""Good practices through the pages: feedback from another country, attachments (bad type, too large),
proposals with personal data refused with nothing half-published; query counts of the lists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enlace.portal.models import PortalEntry
from enlace.practices.models import PracticeAttachment
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from .helpers import PUBLIC, brief, practice, tool

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _entries():
    return PortalEntry.objects.unrestricted(reason="test").count()


@pytest.mark.django_db
def test_another_country_comments_and_endorses_a_network_practice():
    gtm, hnd = f.user("GTM"), f.user("HND")
    p = practice(gtm, "network")
    c = f.verified_client(hnd)
    r = c.post(f"/practicas/{p.pk}/", {"step": "feedback", "text": "Muy útil", "endorse": "on"})
    assert r.status_code == 302
    page = f.verified_client(gtm).get(f"/practicas/{p.pk}/").content.decode()
    assert "Muy útil" in page and "respalda esta práctica" in page
    own = f.verified_client(gtm).post(f"/practicas/{p.pk}/", {"step": "feedback", "endorse": "on"})
    assert own.status_code == 400 and "Solo otros países pueden respaldar" in own.content.decode()


@pytest.mark.django_db
def test_attachment_wrong_type_or_too_large_is_refused_with_a_translated_message():
    gtm = f.user("GTM")
    p = practice(gtm)
    c = f.verified_client(gtm)
    exe = SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
    r = c.post(f"/practicas/{p.pk}/", {"step": "attach", "file": exe})
    assert r.status_code == 400 and "Tipo de archivo no permitido" in r.content.decode()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (6 * 1024 * 1024), content_type="application/pdf")
    r = c.post(f"/practicas/{p.pk}/", {"step": "attach", "file": big})
    assert r.status_code == 400 and "supera el tamaño máximo de 5 MB" in r.content.decode()
    c.cookies["django_language"] = "en"
    r = c.post(f"/practicas/{p.pk}/", {"step": "attach", "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 30)},
               HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and "File (PDF, image, office document or text; at most 5 MB)" in r.content.decode()
    assert not PracticeAttachment.objects.filter(practice=p.pk).exists()
    ok = c.post(f"/practicas/{p.pk}/", {"step": "attach", "file": SimpleUploadedFile("informe.pdf", PDF)})
    assert ok.status_code == 302
    att = PracticeAttachment.objects.get(practice=p.pk)
    assert c.get(f"/practicas/{p.pk}/adjuntos/{att.pk}/").content == PDF
    assert f.verified_client(f.user("HND")).get(f"/practicas/{p.pk}/adjuntos/{att.pk}/").status_code == 404


@pytest.mark.django_db
def test_proposal_with_personal_data_is_refused_and_nothing_is_half_published():
    gtm = f.user("GTM")
    p = practice(gtm, contacts="María Gómez Ruiz, maria@example.invalid")
    c = f.verified_client(gtm)
    before = _entries()
    for summary in ("Escriba a maria@example.invalid", "Llame al +502 2222 3333", "Coordinada por María Gómez Ruiz"):
        r = c.post(f"/practicas/{p.pk}/", {"step": "propose", "title_es": "Práctica", "summary_es": summary})
        assert r.status_code == 400, summary
        assert "contiene datos personales" in r.content.decode()
        assert summary in r.content.decode()  # the form keeps what was typed
    assert _entries() == before
    r = c.post(f"/practicas/{p.pk}/", {"step": "propose", **PUBLIC})
    assert r.status_code == 302 and _entries() == before + 1


@pytest.mark.django_db
def test_case_brief_with_persons_named_cannot_be_proposed_until_emptied():
    fiscal = f.user("GTM", "prosecutor")
    b = brief(fiscal, persons_named="Pedro Ramírez (condenado)")
    c = f.verified_client(fiscal)
    before = _entries()
    r = c.post(f"/practicas/jurisprudencia/{b.pk}/", PUBLIC)
    assert r.status_code == 400 and "Vacíe ese campo" in r.content.decode() and _entries() == before
    c.cookies["django_language"] = "en"
    r = c.post(f"/practicas/jurisprudencia/{b.pk}/", PUBLIC)
    assert "Empty that field before proposing publication" in r.content.decode()
    edit = {"title": b.title, "court": b.court, "decided_on": "2024-03-01", "offence": "smuggling", "outcome": "Condena",
            "summary": b.summary, "persons_named": ""}
    assert c.post(f"/practicas/jurisprudencia/{b.pk}/editar/", edit).status_code == 302
    assert c.post(f"/practicas/jurisprudencia/{b.pk}/", PUBLIC).status_code == 302 and _entries() == before + 1


@pytest.mark.django_db
def test_bad_create_input_keeps_what_was_typed():
    gtm = f.user("GTM")
    r = f.verified_client(gtm).post("/practicas/instrumentos/nuevo/", {"title": "Guía Beta", "kind": "nope",
                                                                        "level": "national", "distribution": "network"})
    assert r.status_code == 400 and "Guía Beta" in r.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url,make", [("/practicas/", practice), ("/practicas/instrumentos/", tool),
                                      ("/practicas/jurisprudencia/", brief)])
def test_lists_run_constant_queries(url, make):
    owner = f.user("GTM", "prosecutor") if make is brief else f.user("GTM")
    reader = f.user("GTM", "prosecutor") if make is brief else f.user("GTM")
    make(owner, "network")  # a page with rows already (an empty page skips its row query)
    assert_constant_queries(f.verified_client(reader), url,
                            lambda n: [make(owner, "network") for _ in range(n)])
