"""The online check: a new or changed person is compared with the other countries' records.

The candidates come from the deployment's one matching index, kept in indexed database tables
(:mod:`.index`): every process reads and writes the same index, a save in one process is seen by
a check in any other at once, and no process builds anything on first use. ``enlace match-all``
still reconciles every pair on a schedule (batch linkage) and rebuilds the index from the cases.
"""

from __future__ import annotations

from enlace.cases.matching_source import is_matchable, match_record, persons_by_pk
from enlace.cases.models import entity_pk_from_record_id, match_record_id

from .actions import do_record_hit, do_withdraw_hits


def get_index():
    """The shared index (a thin handle: nothing is loaded or cached per process but the model)."""
    from .index import DatabaseIndex

    return DatabaseIndex()


def reset_index() -> None:
    """Nothing to forget: the index lives in the database (kept for callers of the in-memory era)."""


def check_person(pk: int) -> list:
    """Run the online check for one person (after its transaction committed). Returns new notices.

    Runs as the system: the person and its candidates are read with the escape hatch (audited), and
    nothing read here is shown to anyone but as a hit.
    """
    person = persons_by_pk([pk], reason="matching: online check of a saved person").get(pk)
    record_id = match_record_id(pk)
    index = get_index()
    if person is None or not is_matchable(person):
        index.remove(record_id)
        do_withdraw_hits(record_id, reason="no longer matchable")
        return []
    record = match_record(person)
    index.add(record)
    results = index.match(record)
    others = persons_by_pk([entity_pk_from_record_id(other_id) for other_id, _p, _e in results],
                           reason="matching: candidates of the online check") if results else {}
    created = []
    for other_id, probability, explanation in results:
        other = others.get(entity_pk_from_record_id(other_id))
        if other is None or not is_matchable(other):
            index.remove(other_id)
            continue
        other_record = match_record(other)
        if other_record["source_country"] == record["source_country"]:
            continue
        created += do_record_hit(person, record, other, other_record, probability, explanation)
    return created
