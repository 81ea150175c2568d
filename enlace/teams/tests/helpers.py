"""Test helpers: teams made through the real actions."""

from __future__ import annotations

import datetime
import uuid

from ..actions import do_answer_team_invitation, do_create_team


def team(creator, invited=("HND",), *, accept_by=(), name=None):
    today = datetime.date.today()
    t = do_create_team(creator, {"name": name or f"Equipo-{uuid.uuid4().hex[:8]}-zk", "purpose": "Desarticular la red.",
                                 "countries": list(invited), "starts_on": today,
                                 "ends_on": today + datetime.timedelta(days=90)})
    for user in accept_by:
        do_answer_team_invitation(user, t, accept=True)
    return t
