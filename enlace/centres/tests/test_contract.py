"""The cross-country contract for every protected model of the centres app.

Countries: A = Guatemala (owner), B = Honduras, C = Panamá. Incidents and care records are
confidential: the contract's sharing steps are refused for them (never wider than the institution).
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from enlace.centres import actions
from enlace.centres.models import Belonging, CareRecord, Centre, CrisisLevel, FigureSet, Incident, PracticeNote, Stay
from enlace.sharing.actions import do_change_sharing, do_create_sharing_group
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f

from .helpers import centre, entry


class _Managers(ProtectedModelContract):
    owner_role = "centre_manager"
    reader_role = "centre_manager"


def _share_parent_then(owner, record, parent, distribution, group=None):
    do_change_sharing(owner, parent, distribution=distribution, sharing_group=group)
    return do_change_sharing(owner, record, distribution=distribution, sharing_group=group)


class TestCentreContract(_Managers):
    model = Centre
    list_url = "/centros/"
    export_url = "/centros/exportar/"
    api_list_url = "/api/v1/centros/centros/"

    def make_record(self, owner, distribution, sharing_group=None):
        return centre(owner, distribution=distribution, name=f"Centro {uuid.uuid4().hex[:10]}")

    def marker(self, record):
        return record.name

    def detail_url(self, record):
        return f"/centros/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/centros/centros/{record.pk}/"

    def search_url(self, record):
        return f"/centros/?q={record.name.split()[-1]}"

    def edit_url(self, record):
        return f"/centros/{record.pk}/editar/"

    def edit_data(self, record):
        return {"name": record.name + " II", "centre_type": "shelter", "capacity_men": 10, "capacity_women": 0,
                "capacity_families": 0, "capacity_children": 0, "t2_occupancy": 80, "t2_incidents": 3,
                "t3_occupancy": 100, "t3_incidents": 6, "t4_occupancy": 120, "t4_incidents": 10}

    def decisions(self, record):
        return [("crisis", lambda user, c: actions.do_set_crisis_level(user, c, level=3, reason="Sobrecupo")),
                ("register", lambda user, c: entry(user, c)),
                ("standards", lambda user, c: actions.do_set_centre_standards(user, c, []))]


class TestStayContract(_Managers):
    model = Stay
    list_url = "/centros/estancias/"
    export_url = "/centros/estancias/exportar/"
    api_list_url = "/api/v1/centros/estancias/"

    def make_record(self, owner, distribution, sharing_group=None):
        return entry(owner, centre(owner), distribution=distribution, surname_1=f"Marca{uuid.uuid4().hex[:8]}")

    def marker(self, record):
        return record.surname_1

    def detail_url(self, record):
        return f"/centros/estancias/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/centros/estancias/{record.pk}/"

    def search_url(self, record):
        return f"/centros/estancias/?q={record.surname_1[5:]}"

    def edit_url(self, record):
        return f"/centros/estancias/{record.pk}/identidad/"

    def edit_data(self, record):
        return {"identity_verified": "on", "verified_given_names": "Verificado", "verified_how": "Pasaporte"}

    def decisions(self, record):
        today = timezone.localdate()
        return [("exit", lambda user, s: actions.do_register_exit(user, s, exit_date=today, exit_reason="release")),
                ("belongings", lambda user, s: actions.do_add_belonging(user, s, {"item": "Reloj"})),
                ("referral", lambda user, s: actions.do_add_referral(user, s, kind="health")),
                ("care", lambda user, s: actions.do_add_care_record(user, s, {"given_on": today, "kind": "session",
                                                                              "notes": "x"}))]


class TestBelongingContract(_Managers):
    model = Belonging

    def make_record(self, owner, distribution, sharing_group=None):
        stay = entry(owner, centre(owner), distribution=distribution)
        item = actions.do_add_belonging(owner, stay, {"item": f"Mochila {uuid.uuid4().hex[:6]}"})
        return do_change_sharing(owner, item, distribution=distribution) if distribution != item.distribution else item

    def marker(self, record):
        return record.item

    def share_with_network(self, owner, record):
        return _share_parent_then(owner, record, record.stay, Distribution.NETWORK)

    def share_with_group(self, owner, record, countries):
        group = do_create_sharing_group(owner, name="grupo", countries=[f.country(c) for c in countries])
        return _share_parent_then(owner, record, record.stay, Distribution.GROUP, group)


class TestFigureSetContract(_Managers):
    model = FigureSet
    list_url = "/centros/cifras/"
    api_list_url = "/api/v1/centros/cifras/"

    def make_record(self, owner, distribution, sharing_group=None):
        name = f"Albergue {uuid.uuid4().hex[:10]}"
        rows = [{"centre": name, "date": timezone.localdate(), "capacity": 50, "nationality": "HND", "sex": "M",
                 "age_band": "adult", "vulnerability": "", "count": 12}]
        return actions.do_import_figures(owner, rows, distribution=distribution)[0]

    def marker(self, record):
        return record.centre_name

    def api_detail_url(self, record):
        return f"/api/v1/centros/cifras/{record.pk}/"


class TestCrisisLevelContract(_Managers):
    model = CrisisLevel
    api_list_url = "/api/v1/centros/niveles/"

    def make_record(self, owner, distribution, sharing_group=None):
        c = centre(owner, distribution=distribution)
        return actions.do_set_crisis_level(owner, c, level=2, reason=f"Motivo {uuid.uuid4().hex[:10]}")

    def marker(self, record):
        return record.reason

    def api_detail_url(self, record):
        return f"/api/v1/centros/niveles/{record.pk}/"

    def share_with_network(self, owner, record):
        return _share_parent_then(owner, record, record.centre, Distribution.NETWORK)

    def share_with_group(self, owner, record, countries):
        group = do_create_sharing_group(owner, name="grupo", countries=[f.country(c) for c in countries])
        return _share_parent_then(owner, record, record.centre, Distribution.GROUP, group)


class TestPracticeNoteContract(_Managers):
    model = PracticeNote
    list_url = "/centros/buenas-practicas/"

    def make_record(self, owner, distribution, sharing_group=None):
        return actions.do_add_practice_note(owner, title=f"Práctica {uuid.uuid4().hex[:10]}", topic="conflict",
                                            body="Texto", distribution=distribution)

    def marker(self, record):
        return record.title

    def detail_url(self, record):
        return f"/centros/buenas-practicas/{record.pk}/"

    def search_url(self, record):
        return f"/centros/buenas-practicas/?q={record.title.split()[-1]}"


class _Confidential(_Managers):
    """Never wider than the institution: the contract's sharing steps are refused, and nothing is
    visible to another country (nor to another institution of the same country)."""

    def test_shared_with_network_is_visible(self, world):
        owner, reader_b, _c = world
        record = self.make_record(owner, Distribution.INSTITUTION)
        with pytest.raises(ValidationError):
            do_change_sharing(owner, record, distribution=Distribution.NETWORK)
        assert not any(self._sees(reader_b, record).values())

    def test_group_sharing_reaches_only_the_group(self, world):
        owner, reader_b, _c = world
        record = self.make_record(owner, Distribution.INSTITUTION)
        group = do_create_sharing_group(owner, name="g", countries=[f.country("HND")])
        with pytest.raises(ValidationError):
            do_change_sharing(owner, record, distribution=Distribution.GROUP, sharing_group=group)
        assert not any(self._sees(reader_b, record).values())

    def test_unshared_is_gone_on_the_next_request(self, world):
        owner, _b, _c = world
        record = self.make_record(owner, Distribution.INSTITUTION)
        with pytest.raises(ValidationError):
            do_change_sharing(owner, record, distribution=Distribution.COUNTRY)
        same_country_other_institution = f.user("GTM", "centre_manager", inst=f.institution("GTM", "migration"))
        assert not any(self._sees(same_country_other_institution, record).values())
        assert all(self._sees(owner, record).values())

    def test_anonymous_is_sent_to_login_or_401(self, world):
        owner, _b, _c = world
        record = self.make_record(owner, Distribution.INSTITUTION)
        from django.test import Client

        for url in filter(None, [self.detail_url(record)]):
            r = Client().get(url)
            assert r.status_code == 302 and "/cuenta/entrar/" in r["Location"]

    def test_other_country_gets_404_and_sees_nothing(self, world):
        owner, reader_b, reader_c = world
        record = self.make_record(owner, Distribution.INSTITUTION)
        for user in (reader_b, reader_c):
            assert not any(self._sees(user, record).values())
        assert all(self._sees(owner, record).values())


class TestIncidentContract(_Confidential):
    model = Incident

    def make_record(self, owner, distribution, sharing_group=None):
        return actions.do_record_incident(owner, centre(owner), {
            "occurred_on": timezone.localdate(), "kind": "fight", "severity": 2,
            "description": f"Riña {uuid.uuid4().hex[:8]}"})

    def marker(self, record):
        return record.description

    def detail_url(self, record):
        return f"/centros/incidentes/{record.pk}/"


class TestCareRecordContract(_Confidential):
    model = CareRecord

    def make_record(self, owner, distribution, sharing_group=None):
        stay = entry(owner, centre(owner))
        return actions.do_add_care_record(owner, stay, {"given_on": timezone.localdate(), "kind": "session",
                                                        "notes": f"Notas {uuid.uuid4().hex[:8]}"})

    def marker(self, record):
        return record.notes

    def detail_url(self, record):
        return f"/centros/estancias/{record.stay_id}/"


@pytest.mark.django_db
def test_a_care_record_is_not_readable_by_a_role_that_does_not_give_care():
    owner = f.user("GTM", "centre_manager")
    stay = entry(owner, centre(owner))
    actions.do_add_care_record(owner, stay, {"given_on": timezone.localdate(), "kind": "session",
                                             "notes": "Relato confidencial"})
    analyst = f.user("GTM", "analyst", inst=owner.institution)
    assert not CareRecord.objects.restrict(analyst, "list").exists()
    assert "Relato confidencial" in f.verified_client(owner).get(f"/centros/estancias/{stay.pk}/").content.decode()


_ = datetime
