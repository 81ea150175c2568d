"""Onboarding a new party through the ST's action: a corridor country as member (its contacts proposed for
its Cancillería), the Regional Coalition as observer; bad input creates nothing; only the ST may."""

import pytest

from enlace.core.models import Country, Institution
from enlace.directory.models import Contact
from enlace.testing import factories as f


def _st():
    return f.user("CRM", "st", inst=Institution.objects.get(acronym="ST-CRM"))


COLOMBIA = {"code": "COL", "name_es": "Colombia", "name_en": "Colombia", "kind": "member", "timezone": "America/Bogota",
            "institutions": "foreign_ministry | Ministerio de Relaciones Exteriores | MRE-COL\n"
                            "migration | Migración Colombia | UAEMC",
            "contacts": "Lucía | Restrepo | Jefa de asuntos migratorios | lucia.restrepo@migracion.gov.co | "
                        "+57 601 605 5454 | UAEMC"}


@pytest.mark.django_db
def test_the_st_onboards_a_corridor_country_and_an_observer():
    st = _st()
    client = f.verified_client(st)
    assert client.post("/acuerdos/incorporar-parte/", COLOMBIA).status_code == 302
    col = Country.objects.get(code="COL")
    assert col.kind == "member" and col.in_network
    assert Institution.objects.filter(country=col).count() == 2
    contact = Contact.objects.restrict(st, "view").get(owner_institution__country=col)
    assert contact.status == "proposed"  # waits for Colombia's Cancillería
    # Not yet in the network's directory: Panamá does not see the proposal.
    assert not Contact.objects.restrict(f.user("PAN", "focal_point"), "view").filter(pk=contact.pk).exists()
    r = client.post("/acuerdos/incorporar-parte/", {
        "code": "CRTM", "name_es": "Coalición Regional contra la Trata de Personas y el Tráfico Ilícito de Migrantes",
        "name_en": "Regional Coalition against Trafficking in Persons and Smuggling of Migrants", "kind": "observer",
        "timezone": "America/Guatemala", "institutions": "international | Secretaría de la Coalición Regional | CORETT"})
    assert r.status_code == 302
    crtm = Country.objects.get(code="CRTM")
    assert crtm.kind == "observer" and not crtm.in_network
    # A party that exists can now sign agreements.
    from .helpers import agreement

    a = agreement(("GTM", "COL"))
    assert sorted(a.parties.values_list("code", flat=True)) == ["COL", "GTM"]


@pytest.mark.django_db
def test_bad_input_and_outsiders_create_nothing():
    client = f.verified_client(_st())
    cases = [
        ({"code": "GTM"}, "Ya existe una parte"),
        ({"code": "C0L"}, "de 2 a 5 letras"),
        ({"timezone": "Marte/Olympus"}, "no es una zona horaria conocida"),
        ({"institutions": "migration | Migración Colombia | UAEMC"}, "con su Cancillería"),
        ({"contacts": "Lucía | Restrepo | Jefa | no-es-correo | +57 601 605 5454 | UAEMC"}, "no es una dirección"),
        ({"contacts": "Lucía | Restrepo | Jefa | l@x.co | +57 601 605 5454 | OTRA"}, "no está entre las de la nueva"),
        ({"kind": "observer"}, "no figuran en el directorio"),
    ]
    for extra, message in cases:
        r = client.post("/acuerdos/incorporar-parte/", {**COLOMBIA, **extra})
        assert r.status_code == 400, extra
        assert message in r.content.decode(), (extra, message)
    assert not Country.objects.filter(code="COL").exists()
    for user in (f.user("GTM", "cancilleria"), f.user("GTM", "focal_point")):
        assert f.verified_client(user).post("/acuerdos/incorporar-parte/", COLOMBIA).status_code == 404
    assert not Country.objects.filter(code="COL").exists()
