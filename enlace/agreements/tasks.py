"""Periodic work of the agreement register."""

from .actions import do_expire_agreements


def run_agreement_tasks() -> dict:
    """Mark agreements past their end date as expired and tell the owners what stopped being shared."""
    return do_expire_agreements()
