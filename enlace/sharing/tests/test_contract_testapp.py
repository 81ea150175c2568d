"""The generic contract applied to the test-only Dossier model (and its child DossierNote)."""

import pytest

from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.sharing.tests.testapp.actions import do_create_dossier
from enlace.sharing.tests.testapp.models import Dossier


class TestDossierContract(ProtectedModelContract):
    model = Dossier
    list_url = "/prueba-expedientes/expedientes/"
    export_url = "/prueba-expedientes/expedientes/exportar/"
    api_list_url = "/api/v1/test-dossiers/"

    def make_record(self, owner, distribution, sharing_group=None):
        import uuid

        return do_create_dossier(owner, title=f"Expediente {uuid.uuid4().hex[:10]}", distribution=distribution,
                                 sharing_group=sharing_group)

    def marker(self, record):
        return record.title

    def detail_url(self, record):
        return f"/prueba-expedientes/expedientes/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/test-dossiers/{record.pk}/"

    def search_url(self, record):
        return f"/prueba-expedientes/expedientes/?q={record.title.split()[-1]}"


@pytest.mark.django_db
def test_contract_fails_when_a_view_bypasses_the_policy(monkeypatch):
    """The contract is not vacuous: a list view that reads around restrict() is caught."""
    from enlace.sharing.tests.testapp import views
    from enlace.sharing.tests.testapp.models import Dossier

    from enlace.testing import factories as f

    contract = TestDossierContract()
    owner, reader_b = f.user("GTM", contract.owner_role), f.user("HND", contract.reader_role)
    record = contract.make_record(owner, Distribution.COUNTRY)
    assert not contract._sees(reader_b, record)["list"]

    class Leaky:
        @staticmethod
        def restrict(user, action):
            return Dossier._default_manager.all()

    monkeypatch.setattr(views.Dossier, "objects", Leaky)
    assert contract._sees(reader_b, record)["list"]

