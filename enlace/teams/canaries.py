"""Leak-probe canaries for joint teams (``TeamsConfig.leak_probe_canaries``): a Guatemalan team (its
invitee is Costa Rica, a country with no reader in the probe) and a workspace document, made through
the app's actions; every text field carries the canary's token."""

from __future__ import annotations

import datetime


def plant(planter, name, dp, dc):
    from enlace.testing.canaries import new_token

    from .actions import do_add_team_entry, do_create_team

    tt, te = new_token(), new_token()
    today = datetime.date.today()
    team = do_create_team(planter.owner, {"name": f"Equipo {tt}", "purpose": tt, "countries": ["CRI"],
                                          "starts_on": today, "ends_on": today + datetime.timedelta(days=30)})
    entry = do_add_team_entry(planter.owner, team, kind="document", title=f"Documento {te}", body=te)
    # A workspace entry never leaves its team (onward sharing is refused): where it cannot go, it stays.
    planter.settle([(team, dp, None), (entry, dc, 0)])
    planter.g.add(team, tt, name)
    planter.g.add(entry, te, name)
