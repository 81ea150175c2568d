"""The principal focal point: designated by the country's Cancillería, one per country, listed first on the
country page and in the directory, and suggested as the default addressee."""

import pytest

from enlace.directory.models import Contact
from enlace.testing import factories as f

from .helpers import authorised, chancery


@pytest.mark.django_db
def test_the_cancilleria_designates_one_principal_shown_first():
    proposer = f.user("HND", "focal_point")
    canc = chancery("HND")
    first = authorised(proposer, canc, last_name="Aguilar")
    second = authorised(proposer, canc, last_name="Zelaya")
    client = f.verified_client(canc)
    # Another country's Cancillería, or a focal point of the same country, cannot designate (404).
    assert f.verified_client(chancery("GTM")).post(f"/directorio/contacto/{second.pk}/principal/").status_code == 404
    assert f.verified_client(proposer).post(f"/directorio/contacto/{second.pk}/principal/").status_code == 404
    assert client.post(f"/directorio/contacto/{second.pk}/principal/").status_code == 302
    assert client.post(f"/directorio/contacto/{first.pk}/principal/").status_code == 302
    principals = Contact.objects.restrict(canc, "view").filter(owner_institution__country__code="HND", principal=True)
    assert list(principals.values_list("pk", flat=True)) == [first.pk]  # one per country
    reader = f.verified_client(f.user("PAN", "focal_point"))
    page = reader.get("/directorio/pais/HND/").content.decode()
    assert 'id="principal-contact"' in page and "Aguilar" in page.split('id="principal-contact"')[1][:400]
    listing = reader.get("/directorio/?country=HND").content.decode()
    assert listing.index("Aguilar") < listing.index("Zelaya") and "Punto focal principal" in listing


@pytest.mark.django_db
def test_a_proposal_cannot_be_principal():
    proposer = f.user("HND", "focal_point")
    from .helpers import propose

    pending = propose(proposer, last_name="Pendiente")
    r = f.verified_client(chancery("HND")).post(f"/directorio/contacto/{pending.pk}/principal/")
    assert r.status_code == 400
    assert "Solo un punto focal autorizado y vigente" in r.content.decode()
