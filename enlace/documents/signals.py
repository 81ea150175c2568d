"""The number index follows the case entities: refreshed after commit, once per transaction.

Like the person check (``matching.signals``), nothing runs inside the official's transaction: the
refresh is a system action after commit, so the official's action keeps its one audit event.
"""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from enlace.cases.models import Case, Entity

_INDEXED = (Entity.Schema.PERSON, Entity.Schema.PASSPORT, Entity.Schema.IDENTIFICATION)


def _pending():
    """The set of ("entity"|"case", pk) queued in the current transaction (one after-commit refresh for all)."""
    for _sids, func, *_rest in connection.run_on_commit:
        if getattr(func, "documents_index", False) and not func.done:
            return func.pks
    pks = set()

    def run():
        run.done = True
        from .actions import do_index_cases, do_index_entities

        cases = {pk for kind, pk in pks if kind == "case"}
        entities = {pk for kind, pk in pks if kind == "entity"}
        if cases:
            do_index_cases(cases)
        if entities:
            do_index_entities(entities)

    run.documents_index, run.done, run.pks = True, False, pks
    transaction.on_commit(run)
    return pks


def queue_index(*pks, kind: str = "entity") -> None:
    _pending().update((kind, pk) for pk in pks)


@receiver(post_save, sender=Entity)
def _entity_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.schema in _INDEXED:
        queue_index(instance.pk)


@receiver(post_delete, sender=Entity)
def _entity_deleted(sender, instance, **kwargs):
    if instance.schema in _INDEXED:
        queue_index(instance.pk)


@receiver(post_save, sender=Case)
def _case_saved(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    from enlace.matching.signals import CASE_MATCHING_FIELDS

    if raw or created or (update_fields is not None and not CASE_MATCHING_FIELDS & set(update_fields)):
        return
    queue_index(instance.pk, kind="case")
