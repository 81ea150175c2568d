"""The online check: a new or changed person is compared with the other countries' records.

The candidates come from the deployment's one matching index, kept in indexed database tables
(:mod:`.index`): every process reads and writes the same index, a save in one process is seen by
a check in any other at once, and no process builds anything on first use. ``enlace match-all``
still reconciles every pair on a schedule (batch linkage) and rebuilds the index from the cases.
"""

from __future__ import annotations

from enlace.cases.matching_source import is_matchable, match_record, persons_by_pk
from enlace.cases.models import entity_pk_from_record_id, match_record_id

from .actions import do_close_uncertain_pair, do_record_hit, do_save_uncertain_pair, do_withdraw_hits
from .band import MAX_BAND_PAIRS, band_low


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
    # One question to the index down to the uncertain band: hits at or above the threshold, and the
    # strongest band pairs for this institution's reviewers (band.py says why the band starts there).
    results = index.match(record, threshold=band_low(index.threshold))
    hits = [r for r in results if r[1] >= index.threshold]
    band = sorted((r for r in results if r[1] < index.threshold), key=lambda r: -r[1])[:MAX_BAND_PAIRS]
    others = persons_by_pk([entity_pk_from_record_id(other_id) for other_id, _p, _e in hits + band],
                           reason="matching: candidates of the online check") if results else {}
    created, in_band = [], set()
    for other_id, probability, explanation in hits + band:
        other = others.get(entity_pk_from_record_id(other_id))
        if other is None or not is_matchable(other):
            index.remove(other_id)
            continue
        other_record = match_record(other)
        if other_record["source_country"] == record["source_country"]:
            continue
        if probability >= index.threshold:
            created += do_record_hit(person, record, other, other_record, probability, explanation)
        else:
            pair, _new = do_save_uncertain_pair(person, record, other_record, probability, explanation)
            if pair is not None:
                in_band.add(pair.pk)
    _close_pairs_left_behind(record_id, in_band)
    return created


def _close_pairs_left_behind(record_id: str, kept: set) -> None:
    """Open uncertain pairs of this record that its new check no longer puts in the band are withdrawn."""
    from django.db.models import Q

    from .models import UncertainPair

    stale = (UncertainPair.objects.unrestricted(reason="matching: uncertain pairs of a re-checked record")
             .filter(Q(own_record_id=record_id) | Q(other_record_id=record_id), status=UncertainPair.Status.OPEN)
             .exclude(pk__in=kept))
    for pair in stale:
        do_close_uncertain_pair(pair, status=UncertainPair.Status.WITHDRAWN, reason="left the uncertain band")
