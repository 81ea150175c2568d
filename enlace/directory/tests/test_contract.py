"""The generic cross-country contract for the directory's protected models."""

import pytest

from enlace.directory.actions import do_revoke_contact
from enlace.directory.models import Authorisation, Contact, PublicKeyActor
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract

from .helpers import chancery, propose


class TestContactContract(ProtectedModelContract):
    """Sharing a contact with the network is the Cancillería's authorisation; unsharing is revocation."""

    model = Contact

    list_url = "/directorio/"
    export_url = "/directorio/exportar.xlsx"
    api_list_url = "/api/v1/directory/contacts/"

    def make_record(self, owner, distribution, sharing_group=None):
        contact = propose(owner)
        if distribution == Distribution.NETWORK:
            # Only the Cancillería's authorisation opens an entry to the network.
            from enlace.directory.actions import do_authorise_contact

            return do_authorise_contact(chancery(owner.institution.country.code), contact)
        if distribution != contact.distribution:
            contact = do_change_sharing(owner, contact, distribution=distribution, sharing_group=sharing_group)
        return contact

    def marker(self, record):
        return record.last_name

    def detail_url(self, record):
        return f"/directorio/contacto/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/directory/contacts/{record.pk}/"

    def search_url(self, record):
        return f"/directorio/?q={record.email}"  # the query echoed in the form must not contain the marker

    def share_with_network(self, owner, record):
        from enlace.directory.actions import do_authorise_contact

        record.refresh_from_db()
        if record.status == "proposed":
            return do_authorise_contact(chancery(owner.institution.country.code), record)
        return do_change_sharing(owner, record, distribution=Distribution.NETWORK)

    def share_with_group(self, owner, record, countries):
        # Authorisation first (only an active focal point is shared beyond its country), then narrow to a group.
        record = self.share_with_network(owner, record)
        return super().share_with_group(owner, record, countries)

    def unshare(self, owner, record):
        return do_revoke_contact(chancery(owner.institution.country.code), record, reason="Fin de funciones")

    # --- writes and decisions: edits by the owner institution, decisions by the owner country's Cancillería
    api_methods = ("PATCH",)  # entries are never deleted: they are revoked

    def edit_url(self, record):
        return f"/directorio/contacto/{record.pk}/editar/"

    def edit_data(self, record):
        # An ordinary change (the unit): the entry stays authorised.
        return {"institution": record.owner_institution_id, "first_name": record.first_name,
                "last_name": record.last_name, "position": record.position, "unit": "Unidad cambiada",
                "scope": record.scope, "areas": record.area_list, "functions": record.function_list,
                "languages": record.language_list, "email": record.email, "phone": record.phone,
                "timezone": record.timezone, "hours_start": "08:00", "hours_end": "16:00",
                "working_days": ["0", "1", "2", "3", "4"], "username": record.user.username if record.user else ""}

    def api_edit_url(self, record):
        return f"/api/v1/directory/contacts/{record.pk}/"

    def api_edit_data(self, record):
        return {"unit": "Unidad cambiada por la API"}

    def decisions(self, record):
        import datetime

        from enlace.directory import actions as da

        def the_chancery(owner):
            return chancery(owner.institution.country.code)

        until = datetime.date.today() + datetime.timedelta(days=400)
        return [
            ("suspend", lambda u, c: da.do_suspend_contact(u, c, reason="Motivo"), the_chancery),
            ("revoke", lambda u, c: da.do_revoke_contact(u, c, reason="Motivo"), the_chancery),
            ("renew", lambda u, c: da.do_renew_contact(u, c, valid_until=until), the_chancery),
            # A departure from the post: the owner institution may register it (the Cancillería too).
            ("departure", lambda u, c: da.do_revoke_contact(u, c, reason="Motivo", departure=True)),
            ("confirm", da.do_confirm_contact),
        ]


class TestAuthorisationContract(ProtectedModelContract):
    """The decision history: a child of its contact, never wider than it."""

    model = Authorisation

    api_list_url = "/api/v1/directory/authorisations/"

    def make_record(self, owner, distribution, sharing_group=None):
        from enlace.directory.actions import do_authorise_contact

        contact = do_authorise_contact(chancery(owner.institution.country.code), propose(owner))
        auth = Authorisation.objects.filter(contact=contact).get()
        if distribution != auth.distribution:
            auth = do_change_sharing(owner, auth, distribution=distribution, sharing_group=sharing_group)
        return auth

    def marker(self, record):
        return f'"id":{record.pk},"contact":{record.contact_id}'

    def api_detail_url(self, record):
        return f"/api/v1/directory/authorisations/{record.pk}/"


@pytest.mark.django_db
def test_authorisation_hidden_when_its_contact_is_revoked():
    """A child never outlives its parent's audience: revoking the contact hides its history from others."""
    from enlace.testing import factories as f

    owner, reader = f.user("GTM", "focal_point"), f.user("HND", "focal_point")
    cancilleria = chancery("GTM")
    from enlace.directory.actions import do_authorise_contact

    contact = do_authorise_contact(cancilleria, propose(owner))
    api = f.token_client(reader)
    assert api.get(f"/api/v1/directory/authorisations/?contact={contact.pk}").json()["count"] == 1
    do_revoke_contact(cancilleria, contact, reason="Cambio de cargo")
    assert api.get(f"/api/v1/directory/authorisations/?contact={contact.pk}").json()["count"] == 0
    assert f.token_client(owner).get(f"/api/v1/directory/authorisations/?contact={contact.pk}").json()["count"] == 2


def test_a_proposal_cannot_be_opened_to_the_network_by_re_sharing(db):
    """Re-sharing is not a way around the Cancillería: only authorisation reaches the network."""
    import pytest
    from django.core.exceptions import ValidationError

    from enlace.testing import factories as f

    owner = f.user("HND", "focal_point")
    contact = propose(owner)
    with pytest.raises(ValidationError):
        do_change_sharing(owner, contact, distribution=Distribution.NETWORK)
    contact.refresh_from_db()
    assert contact.status == "proposed" and contact.distribution != Distribution.NETWORK


def _set_distribution(record, distribution, sharing_group=None):
    """Test fixture only: a key actor's distribution is never chosen by an official (consent makes it
    "network" for the ST's review, approval makes it public), so the contract sets it directly to
    exercise every audience of the read policy."""
    from enlace.directory.models import PublicKeyActor

    PublicKeyActor.objects.unrestricted(reason="contract fixture").filter(pk=record.pk).update(
        distribution=distribution, sharing_group=sharing_group)
    record.refresh_from_db()
    return record


class TestPublicKeyActorContract(ProtectedModelContract):
    """The portal projection of a contact: read by directory readers, decided by the person and the ST."""

    model = PublicKeyActor

    list_url = "/directorio/actores-clave/"

    def make_record(self, owner, distribution, sharing_group=None):
        import uuid

        from enlace.directory.actions import do_consent_public_listing
        from enlace.testing import factories as f

        from .helpers import authorised

        person = f.user(owner.institution.country.code, "focal_point", inst=owner.institution, authorised=False)
        contact = authorised(owner, user=person, position=f"Cargo-{uuid.uuid4().hex[:8]}")
        actor = do_consent_public_listing(person, contact)
        return _set_distribution(actor, distribution, sharing_group)

    def marker(self, record):
        return record.position

    def share_with_network(self, owner, record):
        return _set_distribution(record, Distribution.NETWORK)

    def unshare(self, owner, record):
        return _set_distribution(record, Distribution.COUNTRY)

    def share_with_group(self, owner, record, countries):
        from enlace.sharing.actions import do_create_sharing_group
        from enlace.testing import factories as f

        group = do_create_sharing_group(owner, name="grupo", countries=[f.country(c) for c in countries])
        return _set_distribution(record, Distribution.GROUP, group)

    def decisions(self, record):
        from enlace.directory import actions as da
        from enlace.testing import factories as f

        def the_st(owner):
            return f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))

        # The person who consented may withdraw too (tested apart); here the ST is the decider of both.
        return [("approve", da.do_approve_key_actor, the_st), ("withdraw", da.do_withdraw_key_actor, the_st)]


def test_key_actor_decisions_belong_to_the_person_and_the_st(db):
    """Approve: only the ST. Withdraw: the person or the ST. Anyone else: 404 and nothing changed."""
    from enlace.directory.actions import do_consent_public_listing
    from enlace.directory.models import PublicKeyActor
    from enlace.testing import factories as f

    from .helpers import authorised

    owner = f.user("GTM", "focal_point")
    person = f.user("GTM", "focal_point", inst=owner.institution, authorised=False)
    actor = do_consent_public_listing(person, authorised(owner, user=person))
    st = f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))
    for outsider in (owner, person, chancery("GTM"), f.user("HND", "focal_point")):
        assert f.verified_client(outsider).post(f"/directorio/actores-clave/{actor.pk}/aprobar/").status_code == 404
    for outsider in (owner, chancery("GTM"), f.user("HND", "focal_point")):
        assert f.verified_client(outsider).post(f"/directorio/actores-clave/{actor.pk}/retirar/").status_code == 404
    assert PublicKeyActor.objects.restrict(st, "view").get(pk=actor.pk).status == "pending"
    assert f.verified_client(st).post(f"/directorio/actores-clave/{actor.pk}/aprobar/").status_code == 302
    assert f.verified_client(person).post(f"/directorio/actores-clave/{actor.pk}/retirar/").status_code == 302
    assert PublicKeyActor.objects.restrict(st, "view").get(pk=actor.pk).status == "withdrawn"


def test_the_decision_history_is_never_edited(db):
    """Authorisation rows are written by the contact's decisions only: nobody may change or delete them."""
    from enlace.directory.actions import do_authorise_contact
    from enlace.testing import factories as f

    owner = f.user("GTM", "focal_point")
    contact = do_authorise_contact(chancery("GTM"), propose(owner))
    for user in (owner, chancery("GTM"), f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))):
        for action in ("change", "delete"):
            assert not Authorisation.objects.restrict(user, action).filter(contact=contact).exists()
