"""Periodic work of the directory (``enlace run-periodic``): expiries and reminders. Idempotent."""

from __future__ import annotations

import datetime

from django.db.models import F, Q
from django.utils import timezone

from .actions import do_expire_contact, do_send_expiry_reminder
from .models import Contact


def run_directory_tasks(today: datetime.date | None = None) -> dict:
    """Expire what is past its date, then send the 30- and 7-day reminders (each once)."""
    today = today or timezone.localdate()
    # The clock is not an official: these reads select rows to act on, they show nothing to anyone.
    contacts = Contact.objects.unrestricted(reason="directory clock: expiries and reminders").select_related(
        "owner_institution__country", "user")
    due = contacts.filter(Q(status=Contact.Status.ACTIVE, valid_until__lt=today)
                          | Q(status=Contact.Status.PROPOSED, proposal_expires_on__lt=today))
    expired = 0
    for contact in due:
        do_expire_contact(contact, today=today)
        expired += 1
    reminders = 0
    for days in (30, 7):
        field = "reminded_30_for" if days == 30 else "reminded_7_for"
        soon = contacts.filter(status=Contact.Status.ACTIVE, valid_until__gte=today,
                               valid_until__lte=today + datetime.timedelta(days=days))
        if days == 30:
            # The 30-day reminder is not sent once the 7-day window has started.
            soon = soon.filter(valid_until__gt=today + datetime.timedelta(days=7))
        for contact in soon.exclude(**{field: F("valid_until")}):
            reminders += do_send_expiry_reminder(contact, days)
    return {"expired": expired, "reminders": reminders}

