"""Agreement texts kept as versions (with the signed document, encrypted) and contact points chosen among
the parties' authorised focal points; both read only through the agreement's own audience."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enlace.directory.models import Contact
from enlace.testing import factories as f

from ..models import AgreementText
from .helpers import agreement

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def parties(db):
    chancery = f.user("GTM", "cancilleria")
    a = agreement(("GTM", "HND"), chancery=chancery)
    return chancery, a


def test_a_new_version_keeps_the_earlier_text_and_its_document_reaches_only_the_parties(parties):
    chancery, a = parties
    client = f.verified_client(chancery)
    r = client.post(f"/acuerdos/{a.pk}/texto/", {"text": "Texto enmendado", "note": "Enmienda 1",
                                                  "file": SimpleUploadedFile("firmado.pdf", PDF, "application/pdf")})
    assert r.status_code == 302
    versions = list(AgreementText.objects.filter(agreement=a).order_by("version"))
    assert [v.version for v in versions] == [1, 2] and versions[1].filename == "firmado.pdf"
    assert versions[1].stored_path and versions[1].sha256
    page = client.get(f"/acuerdos/{a.pk}/").content.decode()
    assert "Enmienda 1" in page and "v1" in page and "v2" in page
    assert "Texto enmendado" in client.get(f"/acuerdos/{a.pk}/texto/v2/").content.decode()
    hnd = f.verified_client(f.user("HND", "cancilleria"))
    download = hnd.get(f"/acuerdos/{a.pk}/texto/v2/?documento=1")
    assert download.status_code == 200 and download.content == PDF
    pan = f.verified_client(f.user("PAN", "cancilleria"))
    for url in (f"/acuerdos/{a.pk}/texto/v1/", f"/acuerdos/{a.pk}/texto/v2/?documento=1"):
        assert pan.get(url).status_code == 404
    assert client.get(f"/acuerdos/{a.pk}/texto/v9/").status_code == 404


def test_an_empty_version_or_a_disguised_file_is_refused_and_nothing_is_kept(parties):
    chancery, a = parties
    client = f.verified_client(chancery)
    r = client.post(f"/acuerdos/{a.pk}/texto/", {"text": "  "}, follow=True)
    assert "Escriba el texto o adjunte el documento" in r.content.decode()
    r = client.post(f"/acuerdos/{a.pk}/texto/", {"text": "x", "file": SimpleUploadedFile(
        "acuerdo.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")}, follow=True)
    assert r.status_code == 200
    assert AgreementText.objects.filter(agreement=a).count() == 1
    # Only the owner country changes the text: the other party cannot add a version (404, nothing kept).
    hnd = f.verified_client(f.user("HND", "cancilleria"))
    assert hnd.post(f"/acuerdos/{a.pk}/texto/", {"text": "Otro"}).status_code == 404
    assert AgreementText.objects.filter(agreement=a).count() == 1


def test_contact_points_are_authorised_focal_points_of_the_parties(parties):
    chancery, a = parties
    gtm_fp, hnd_fp, pan_fp = f.user("GTM", "focal_point"), f.user("HND", "focal_point"), f.user("PAN", "focal_point")
    suspended = f.user("HND", "focal_point")
    entry = lambda u: Contact.objects.unrestricted(reason="test").get(user=u)  # noqa: E731
    Contact.objects.unrestricted(reason="test").filter(pk=entry(suspended).pk).update(status=Contact.Status.SUSPENDED)
    client = f.verified_client(chancery)
    for wrong in (entry(pan_fp), entry(suspended)):
        r = client.post(f"/acuerdos/{a.pk}/contactos/", {"contact_points": [entry(gtm_fp).pk, wrong.pk]}, follow=True)
        assert "Elija puntos de contacto autorizados y vigentes" in r.content.decode()
        assert not a.contact_points.exists()
    r = client.post(f"/acuerdos/{a.pk}/contactos/", {"contact_points": [entry(gtm_fp).pk, entry(hnd_fp).pk]})
    assert r.status_code == 302
    assert set(a.contact_points.values_list("pk", flat=True)) == {entry(gtm_fp).pk, entry(hnd_fp).pk}
    page = f.verified_client(f.user("HND", "cancilleria")).get(f"/acuerdos/{a.pk}/").content.decode()
    assert entry(hnd_fp).full_name in page and entry(gtm_fp).full_name in page
