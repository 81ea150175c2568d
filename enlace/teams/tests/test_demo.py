"""Demo data of agreements and teams: a GTM–HND–SLV memorandum in force, a Guatemalan team joined by
Honduras (México invited); idempotent; the periodic tasks run."""

import io

import pytest
from django.core.management import call_command

from enlace.accounts.models import User
from enlace.agreements.demo import load_agreements_demo
from enlace.agreements.models import Agreement
from enlace.core.demo import load_core_demo
from enlace.teams.demo import load_teams_demo
from enlace.teams.models import JointTeam

pytestmark = pytest.mark.django_db


def test_demo_agreement_and_team():
    load_core_demo()
    from enlace.directory.demo import load_directory_demo

    load_directory_demo(None)
    assert load_agreements_demo(io.StringIO()) == 1
    assert load_teams_demo(io.StringIO()) == 1
    hnd, pan = User.objects.get(username="enlace.hnd"), User.objects.get(username="enlace.pan")
    assert Agreement.objects.restrict(hnd, "list").get().status == "in_force"
    assert not Agreement.objects.restrict(pan, "list").exists()
    team = JointTeam.objects.restrict(hnd, "list").get()
    assert sorted(f"{m.country.code}:{m.status}" for m in team.members.all()) == ["HND:accepted", "MEX:invited"]
    assert not JointTeam.objects.restrict(pan, "list").exists()
    assert load_agreements_demo(None) == 0 and load_teams_demo(None) == 0  # idempotent
    call_command("run-periodic", stdout=io.StringIO())
