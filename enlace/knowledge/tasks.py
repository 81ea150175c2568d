"""Periodic tasks (``enlace run-periodic``): reminders before a round's deadline."""

from datetime import timedelta

from django.utils import timezone

from .actions import do_send_round_reminders
from .models import ReportingRound

REMINDER_DAYS = (3, 14)  # the nearest stage that applies wins


def send_due_reminders() -> str:
    """Remind the countries that have not reported, 14 and 3 days before the deadline (once each)."""
    today = timezone.localdate()
    sent = 0
    for rnd in ReportingRound.objects.filter(closed_at__isnull=True, deadline__gte=today, opens_on__lte=today):
        for days in REMINDER_DAYS:
            if rnd.deadline - today <= timedelta(days=days):
                sent += len(do_send_round_reminders(None, rnd, stage=f"auto-{days}d"))
                break
    return f"{sent} recordatorios"
