"""Sharing matrix extended with joint teams: what is shared in a team reaches its accepted members on every
surface and never an invitee who has not accepted, a country outside, the ST or IOM; leaving and closing
cut access on the next request; nothing of the owner's is lost."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from enlace.core.models import Institution
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.tests.testapp.actions import do_create_bulletin
from enlace.sharing.tests.testapp.models import Bulletin
from enlace.sharing.tests.test_sharing_matrix import _observed
from enlace.testing import factories as f

from ..actions import do_add_team_entry, do_answer_team_invitation, do_close_team, do_leave_team, do_share_into_team
from ..models import TeamEntry
from .helpers import team


def _sees(user, record) -> dict:
    seen = _observed(f.verified_client(user), f.token_client(user), record)
    seen["match"] = Bulletin.objects.restrict(user, "match").filter(pk=record.pk).exists()
    return seen


@pytest.fixture
def world(db):
    users = {c: f.user(c, "focal_point") for c in ("GTM", "HND", "SLV", "PAN")}
    users["st"] = f.user("CRM", "focal_point", inst=Institution.objects.get(acronym="ST-CRM"))
    users["iom"] = f.user("IOM", "focal_point", inst=Institution.objects.get(acronym="OIM"))
    return users


def test_team_sharing_reaches_accepted_members_only_and_leaving_or_closing_cuts_it(world):
    gtm, hnd, slv = world["GTM"], world["HND"], world["SLV"]
    t = team(gtm, ("HND", "SLV"), accept_by=[hnd])
    record = do_create_bulletin(gtm, title="Boletin-equipo-xq", distribution="country")
    do_share_into_team(gtm, t, record)
    assert all(_sees(hnd, record).values())
    for name in ("SLV", "PAN", "st", "iom"):  # SLV is invited but has not accepted
        assert not any(_sees(world[name], record).values()), name
    do_answer_team_invitation(slv, t, accept=True)
    assert all(_sees(slv, record).values())
    # Honduras shares one of its own, then leaves: it no longer sees the team's, and keeps its own.
    own = do_create_bulletin(hnd, title="Boletin-hnd-xq", distribution="country")
    do_share_into_team(hnd, t, own)
    assert _sees(gtm, own)["view"]
    do_leave_team(hnd, t)
    assert not any(_sees(hnd, record).values())
    assert all(_sees(hnd, own).values())
    assert not any(_sees(gtm, own).values())  # what Honduras shared left the team with it
    assert "Boletin-hnd-xq" not in f.verified_client(gtm).get(f"/equipos/{t.pk}/").content.decode()
    # Onward sharing of a record shared in the team is refused.
    with pytest.raises(ValidationError):
        do_change_sharing(gtm, Bulletin.objects.restrict(gtm, "view").get(pk=record.pk), distribution="network")
    # Closing: the team's audience is gone on the next request; owners keep everything.
    do_close_team(gtm, t)
    assert not any(_sees(slv, record).values())
    assert all(_sees(gtm, record).values())
    assert f.verified_client(slv).get(f"/equipos/{t.pk}/").status_code == 404


def test_workspace_entries_follow_the_members(world):
    gtm, hnd, slv = world["GTM"], world["HND"], world["SLV"]
    t = team(gtm, ("HND", "SLV"), accept_by=[hnd])
    task = do_add_team_entry(hnd, t, kind="task", title="Consultar registros de salida", due_on=datetime.date.today())
    for user, visible in ((gtm, True), (hnd, True), (slv, False), (world["PAN"], False)):
        assert TeamEntry.objects.restrict(user, "count").filter(pk=task.pk).exists() is visible
        page = f.verified_client(user).get(f"/equipos/{t.pk}/")
        assert ("Consultar registros de salida" in page.content.decode()) is visible


def test_a_case_shared_in_a_team_cannot_be_reshared_outside_it(world):
    from enlace.cases.actions import do_change_case_sharing
    from enlace.cases.models import Case
    from enlace.cases.tests.helpers import make_case

    gtm, hnd = world["GTM"], world["HND"]
    t = team(gtm, ("HND",), accept_by=[hnd])
    case = make_case(gtm, distribution="institution")
    do_share_into_team(gtm, t, case)
    assert Case.objects.restrict(hnd, "view").filter(pk=case.pk).exists()
    with pytest.raises(ValidationError):
        do_change_case_sharing(gtm, Case.objects.restrict(gtm, "view").get(pk=case.pk), distribution="network")
    assert not Case.objects.restrict(world["PAN"], "view").filter(pk=case.pk).exists()
    do_change_case_sharing(gtm, Case.objects.restrict(gtm, "view").get(pk=case.pk), distribution="country")
    assert not Case.objects.restrict(hnd, "view").filter(pk=case.pk).exists()


def test_the_team_page_shows_who_saw_what(world):
    from enlace.cases.tests.helpers import make_case

    gtm, hnd = world["GTM"], world["HND"]
    t = team(gtm, ("HND",), accept_by=[hnd])
    case = make_case(gtm, distribution="institution")
    do_share_into_team(gtm, t, case)
    assert f.verified_client(hnd).get(f"/casos/{case.pk}/").status_code == 200
    page = f.verified_client(gtm).get(f"/equipos/{t.pk}/").content.decode()
    seen = page.split('id="team-seen"')[1]
    assert f"cases.case {case.pk}" in seen and "<td>HND</td>" in seen


def test_the_team_thread_follows_the_members(world):
    from enlace.exchange.models import Thread

    from ..actions import do_start_team_thread

    gtm, hnd, slv = world["GTM"], world["HND"], world["SLV"]
    t = team(gtm, ("HND", "SLV"), accept_by=[hnd, slv])
    thread = do_start_team_thread(gtm, t, subject="Hilo del equipo", body="Coordinación del operativo")
    for user in (hnd, slv):
        assert Thread.objects.restrict(user, "view").filter(pk=thread.pk).exists()
    do_leave_team(hnd, t)
    assert not Thread.objects.restrict(hnd, "view").filter(pk=thread.pk).exists()
    assert f.verified_client(hnd).get(f"/intercambio/hilo/{thread.pk}/").status_code == 404
    assert Thread.objects.restrict(slv, "view").filter(pk=thread.pk).exists()
    do_close_team(gtm, t)
    assert not Thread.objects.restrict(slv, "view").filter(pk=thread.pk).exists()
    assert Thread.objects.restrict(gtm, "view").filter(pk=thread.pk).exists()  # the owner keeps it


def test_team_documents_are_files_for_the_members_only_and_their_reads_show_in_who_saw_what(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    gtm, hnd, slv = world["GTM"], world["HND"], world["SLV"]
    t = team(gtm, ("HND", "SLV"), accept_by=[hnd])  # El Salvador invited, has not accepted
    r = f.verified_client(gtm).post(f"/equipos/{t.pk}/entrada/", {
        "kind": "document", "title": "Informe pericial", "file": SimpleUploadedFile("pericial.pdf", pdf)})
    assert r.status_code == 302
    doc = TeamEntry.objects.unrestricted(reason="test").get(team=t, kind="document")
    assert doc.filename == "pericial.pdf" and doc.sha256
    url = f"/equipos/documento/{doc.pk}/archivo/"
    got = f.verified_client(hnd).get(url)
    assert got.status_code == 200 and got.content == pdf
    for outsider in (slv, world["PAN"], world["st"]):
        assert f.verified_client(outsider).get(url).status_code == 404
    page = f.verified_client(gtm).get(f"/equipos/{t.pk}/").content.decode()
    assert "pericial.pdf" in page
    seen = page.split('id="team-seen"')[1]
    assert f"teams.teamentry {doc.pk}" in seen and "<td>HND</td>" in seen
    # A disguised file is refused with a message and nothing is added.
    f.verified_client(gtm).post(f"/equipos/{t.pk}/entrada/", {
        "kind": "document", "title": "Falso", "file": SimpleUploadedFile("falso.pdf", b"MZ\x90\x00binary")})
    assert not TeamEntry.objects.unrestricted(reason="test").filter(team=t, title="Falso").exists()
    # Closing the team ends access to its documents on the next request.
    do_close_team(gtm, t)
    assert f.verified_client(hnd).get(url).status_code == 404
