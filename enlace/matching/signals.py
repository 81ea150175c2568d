"""Persons are checked after their transaction commits, once per transaction however often saved."""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from enlace.cases.models import Case, Entity, Link

def queue_check(pk: int) -> None:
    """Check ``pk`` after commit; queued once per transaction (a rollback drops the queue with it)."""
    if any(getattr(entry[1], "matching_pk", None) == pk and not getattr(entry[1], "done", False)
           for entry in connection.run_on_commit):
        return

    def run():
        from .services import check_person

        run.done = True
        check_person(pk)

    run.matching_pk = pk
    transaction.on_commit(run)


@receiver(post_save, sender=Entity)
def _entity_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.schema == Entity.Schema.PERSON:
        queue_check(instance.pk)


@receiver(post_delete, sender=Entity)
def _entity_deleted(sender, instance, **kwargs):
    if instance.schema == Entity.Schema.PERSON:
        queue_check(instance.pk)


@receiver(post_save, sender=Link)
def _link_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.source_id:
        queue_check(instance.source_id)


@receiver(post_save, sender=Case)
def _case_saved(sender, instance, raw=False, **kwargs):
    # Matching consent or status of the case may have changed: re-check its persons.
    if raw:
        return
    for pk in Entity._default_manager.filter(case=instance, schema=Entity.Schema.PERSON).values_list("pk", flat=True):
        queue_check(pk)
