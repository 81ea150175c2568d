"""Periodic tasks (``enlace run-periodic``). Each is idempotent."""

from .actions import do_send_round_reminders
from .models import Round


def send_round_reminders() -> str:
    """Remind the countries that missed the deadline of an open round (at most once a day each)."""
    reminded = []
    for rnd in Round.objects.filter(status=Round.Status.OPEN).order_by("pk"):
        codes = do_send_round_reminders(rnd)
        reminded += [f"{rnd.pk}:{c}" for c in codes]
    return f"{len(reminded)} recordatorios" + (f" ({', '.join(reminded)})" if reminded else "")
