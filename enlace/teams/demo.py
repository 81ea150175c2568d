"""Demo joint team: Guatemala invites Honduras and México; Honduras accepts. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction

from enlace.accounts.models import User

from .actions import do_answer_team_invitation, do_create_team
from .models import JointTeam

NAME = "ECI Petén–Tenosique: red de transporte en camiones refrigerados"


def _user(name):
    return User.objects.filter(username=name, is_active=True).select_related("institution__country").first()


@transaction.atomic
def load_teams_demo(stdout=None) -> int:
    from enlace.directory.demo import load_directory_demo

    load_directory_demo(None)
    gtm, hnd = _user("enlace.gtm"), _user("enlace.hnd")
    if gtm is None or JointTeam.objects.restrict(gtm, "list").filter(name=NAME).exists():
        return 0
    today = datetime.date.today()
    team = do_create_team(gtm, {"name": NAME, "countries": ["HND", "MEX"], "starts_on": today,
                                "ends_on": today + datetime.timedelta(days=180),
                                "purpose": "Identificar a los organizadores y las rutas de la red que traslada "
                                           "migrantes en camiones refrigerados por Petén hacia Tenosique."})
    if hnd is not None:
        do_answer_team_invitation(hnd, team, accept=True)
    if stdout is not None:
        stdout.write("teams: 1 demo joint team\n")
    return 1
