"""The online check: a new or changed person is compared with the other countries' records.

The engine's ``OnlineIndex`` lives in memory, one per server process, built on first use from
``cases.matching_source.matchable_persons()`` and updated by every check in this process. A
deployment with several processes also runs ``enlace match-all`` on a schedule, which rebuilds
from the database and reconciles every pair (batch linkage), so a record saved in one process is
matched in all within one cycle.
"""

from __future__ import annotations

import threading

from enlace.cases.matching_source import is_matchable, match_record, matchable_persons, persons_by_pk
from enlace.cases.models import entity_pk_from_record_id, match_record_id

from .actions import do_record_hit, do_withdraw_hits

_lock = threading.RLock()
_index = None


def get_index():
    global _index
    with _lock:
        if _index is None:
            from .engine.online import OnlineIndex

            _index = OnlineIndex(list(matchable_persons()))
        return _index


def reset_index() -> None:
    """Forget the in-memory index (tests, and after a bulk reconciliation)."""
    global _index
    with _lock:
        _index = None


def check_person(pk: int) -> list:
    """Run the online check for one person (after its transaction committed). Returns new notices.

    Runs as the system: the person and its candidates are read with the escape hatch (audited), and
    nothing read here is shown to anyone but as a hit.
    """
    person = persons_by_pk([pk], reason="matching: online check of a saved person").get(pk)
    record_id = match_record_id(pk)
    with _lock:
        index = get_index()
        index.remove(record_id)
        if person is None or not is_matchable(person):
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
            with _lock:
                index.remove(other_id)
            continue
        other_record = match_record(other)
        if other_record["source_country"] == record["source_country"]:
            continue
        created += do_record_hit(person, record, other, other_record, probability, explanation)
    return created
