"""The cross-country contract on joint teams and their workspace entries; bad input; query counts."""

import datetime

import pytest

from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from ..actions import do_add_team_entry, do_answer_team_invitation, do_close_team
from ..models import JointTeam, TeamEntry, TeamMember
from .helpers import team


def _search(name):
    return name.split("-", 1)[1]


class TestJointTeamContract(ProtectedModelContract):
    api_list_url = "/api/v1/equipos/equipos/"

    def api_detail_url(self, record):
        return f"/api/v1/equipos/equipos/{record.pk}/"

    model = JointTeam
    list_url = "/equipos/"

    def make_record(self, owner, distribution, sharing_group=None):
        t = team(owner, ("MEX",))
        if distribution != Distribution.GROUP or sharing_group is not None:
            t = do_change_sharing(owner, t, distribution=distribution, sharing_group=sharing_group)
        return t

    def marker(self, record):
        return record.name

    def detail_url(self, record):
        return f"/equipos/{record.pk}/"

    def search_url(self, record):
        return f"/equipos/?q={_search(record.name)}"

    def decisions(self, record):
        return [("accept", lambda u, t: do_answer_team_invitation(u, t, accept=True),
                 lambda owner: f.user("MEX", "focal_point")),
                ("close", do_close_team)]


class TestTeamEntryContract(ProtectedModelContract):
    api_list_url = "/api/v1/equipos/entradas/"

    def api_detail_url(self, record):
        return f"/api/v1/equipos/entradas/{record.pk}/"

    model = TeamEntry

    def make_record(self, owner, distribution, sharing_group=None):
        t = team(owner, ("HND",))
        entry = do_add_team_entry(owner, t, kind="task", title="Tarea-zk", due_on=datetime.date.today())
        # Out of the team's workspace first (narrowing is always allowed), then where the contract wants it.
        entry = do_change_sharing(owner, entry, distribution=Distribution.COUNTRY)
        if distribution == Distribution.NETWORK:
            do_change_sharing(owner, t, distribution=Distribution.NETWORK)
        if distribution != Distribution.COUNTRY:
            entry = do_change_sharing(owner, TeamEntry.objects.restrict(owner, "view").get(pk=entry.pk),
                                      distribution=distribution, sharing_group=sharing_group)
        return entry

    def share_with_network(self, owner, record):
        do_change_sharing(owner, record.team, distribution=Distribution.NETWORK)
        return do_change_sharing(owner, TeamEntry.objects.restrict(owner, "view").get(pk=record.pk),
                                 distribution=Distribution.NETWORK)

    def marker(self, record):
        return record.title


@pytest.mark.django_db
def test_bad_input_clear_messages_nothing_half_created():
    from enlace.agreements.tests.helpers import agreement

    gtm = f.user("GTM", "focal_point")
    client = f.verified_client(gtm)
    base = {"name": "ECI", "purpose": "Red", "starts_on": "2026-05-01", "ends_on": "2026-08-01", "countries": ["HND"]}
    a = agreement(("GTM", "HND"), purposes=("investigation",))
    cases = [
        ({"ends_on": "2026-04-01"}, "no puede ser anterior"),
        ({"countries": []}, "Invite al menos a otro país"),
        ({"countries": ["GTM"]}, "Su país ya es parte"),
        ({"countries": ["ZZZ"]}, "País desconocido"),
        ({"agreement": str(a.pk), "purpose_code": "statistics"}, "no está permitido por el acuerdo"),
        ({"agreement": str(a.pk), "purpose_code": "investigation", "countries": ["HND", "PAN"]},
         "No son partes del acuerdo: PAN"),
        ({"starts_on": "mañana"}, "fecha válida"),
    ]
    for extra, message in cases:
        r = client.post("/equipos/nuevo/", {**base, **extra})
        assert r.status_code == 400, extra
        assert message in r.content.decode(), (extra, message)
    assert JointTeam.objects.unrestricted(reason="test: nothing half-created").count() == 0
    # An official without Cancillería authorisation cannot create one (clear message, nothing created).
    r = f.verified_client(f.user("GTM", "focal_point", authorised=False)).post("/equipos/nuevo/", base, follow=True)
    assert "autorizados por su Cancillería" in r.content.decode()
    assert JointTeam.objects.unrestricted(reason="test: nothing half-created").count() == 0


@pytest.mark.django_db
def test_a_team_with_no_accepted_member_cannot_open_its_thread():
    gtm = f.user("GTM", "focal_point")
    t = team(gtm, ("HND",))
    r = f.verified_client(gtm).post(f"/equipos/{t.pk}/hilo/", {"subject": "x", "body": "y"}, follow=True)
    assert "Ningún país aceptó todavía" in r.content.decode()
    t.refresh_from_db()
    assert t.thread_id is None


@pytest.mark.django_db
def test_list_and_workspace_pages_run_constant_queries():
    gtm, hnd = f.user("GTM", "focal_point"), f.user("HND", "focal_point")
    t = team(gtm, ("HND", "SLV"), accept_by=[hnd])

    def more_teams(n):
        for _i in range(n):
            team(gtm, ("HND", "PAN"))

    def more_entries(n):
        for i in range(n):
            do_add_team_entry(hnd, t, kind="task", title=f"T{i}", due_on=datetime.date.today())

    assert_constant_queries(f.verified_client(hnd), "/equipos/", more_teams)
    assert_constant_queries(f.verified_client(hnd), f"/equipos/{t.pk}/", more_entries)
    assert TeamMember.objects.filter(team=t, status="accepted").count() == 1
