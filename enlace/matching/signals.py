"""Persons are checked after their transaction commits, once per transaction however often saved.

Nothing here reads inside the official's transaction: the checks (and their audited system reads)
run after commit, as the system, so an official's action keeps its one audit event.
"""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from enlace.cases.models import Case, Entity, Link


def _queue_once(key, run) -> None:
    """Run ``run`` after commit, once per ``key`` and transaction (a rollback drops the queue with it)."""
    if any(getattr(entry[1], "matching_key", None) == key and not getattr(entry[1], "done", False)
           for entry in connection.run_on_commit):
        return

    def wrapper():
        wrapper.done = True
        run()

    wrapper.matching_key = key
    transaction.on_commit(wrapper)


def queue_check(pk: int) -> None:
    """Check person ``pk`` after commit."""

    def run():
        from .services import check_person

        check_person(pk)

    _queue_once(("person", pk), run)


def queue_case_check(case_pk: int) -> None:
    """Re-check every person of a case after commit (its matching consent or status may have changed)."""

    def run():
        from enlace.cases.matching_source import person_pks_of_case

        from .services import check_person

        for pk in person_pks_of_case(case_pk):
            check_person(pk)

    _queue_once(("case", case_pk), run)


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


# The case fields that decide whether its persons are matched (``matching_source.is_matchable``).
CASE_MATCHING_FIELDS = frozenset({"allow_matching", "status"})


@receiver(post_save, sender=Case)
def _case_saved(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    # A new case has no persons yet; a changed one is re-checked only when its consent or status may have
    # changed (a saved title or a re-sharing does not re-read every person of the case).
    if raw or created:
        return
    if update_fields is not None and not CASE_MATCHING_FIELDS & set(update_fields):
        return
    queue_case_check(instance.pk)


def _sharing_changed(instance) -> bool:
    """The row was read and is now narrowed to its institution, or no longer is (``ProtectedModel`` keeps
    the pair it was read with until the save returns): the only change a notice copies
    (``actions.parents_allow_country``)."""
    from enlace.sharing.policy import Distribution

    stored = getattr(instance, "_stored_sharing", None)
    return stored is not None and (stored[0] == Distribution.INSTITUTION) != (
        instance.distribution == Distribution.INSTITUTION)


@receiver(post_save, sender=Entity)
def _entity_sharing_saved(sender, instance, raw=False, created=False, **kwargs):
    # In the re-sharing's own transaction, not after commit: a notice is never wider than its person
    # for a moment (the policy reads the notice's copy, ``HitNotice.sharing_parent``).
    # Any entity: a document or phone hit names the entity that holds the number (``own_person``).
    if not raw and not created and _sharing_changed(instance):
        from .actions import do_follow_parent_sharing

        do_follow_parent_sharing(person=instance)


@receiver(post_save, sender=Case)
def _case_sharing_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created and _sharing_changed(instance):
        from .actions import do_follow_parent_sharing

        do_follow_parent_sharing(case=instance)
