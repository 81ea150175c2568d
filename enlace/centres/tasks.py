"""Periodic work (``enlace run-periodic``): today's figures from the register, crisis thresholds."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from . import actions
from .models import Centre


def run_centre_tasks() -> dict:
    """Compute today's occupancy figures for every registered centre, and tell each centre's
    institution when the thresholds call for a higher crisis level than the one set."""
    from enlace.notifications.actions import do_notify

    sets = actions.do_compute_figures(timezone.localdate())
    flagged = 0
    for centre in Centre.objects.unrestricted(reason="crisis thresholds check").filter(active=True).select_related(
            "owner_institution"):
        level = actions.suggested_level(centre)
        if level > centre.crisis_level:
            flagged += 1
            managers = [u for u in centre.owner_institution.users.filter(is_active=True)
                        if u.has_perm("centres.change_crisislevel")]
            do_notify(managers, kind="centres.threshold",
                      title=_("%(centre)s supera los umbrales del nivel de crisis %(level)s")
                      % {"centre": centre.name, "level": level}, link=f"/centros/{centre.pk}/", email=False)
    return {"figure_sets": len(sets), "threshold_warnings": flagged}
