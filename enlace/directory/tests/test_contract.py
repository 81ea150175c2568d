"""The generic cross-country contract for the directory's protected models."""

import pytest

from enlace.directory.actions import do_revoke_contact
from enlace.directory.models import Authorisation
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract

from .helpers import chancery, propose


class TestContactContract(ProtectedModelContract):
    """Sharing a contact with the network is the Cancillería's authorisation; unsharing is revocation."""

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


class TestAuthorisationContract(ProtectedModelContract):
    """The decision history: a child of its contact, never wider than it."""

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
