"""Same person? (3.5, fn 16) — the matching engine answers, this module only picks the candidates.

At entry a stay is compared with the country's own earlier stays. The candidates are read with one
indexed query (same document, same date of birth or same first surname, as the system), then scored
with the engine's normaliser and trained model (``OnlineIndex``): no second matcher here.
"""

from __future__ import annotations

from django.db.models import Q

from enlace.matching.engine.normalize import normalise_values

MAX_CANDIDATES = 2000


def _doc_key(stay) -> str | None:
    # The engine's document normaliser (type class + number, check digits where known).
    f = normalise_values(None, stay.owner_institution.country.code, None, None, None, None, None,
                         stay.nationality, stay.doc_type, stay.doc_number, None)
    return getattr(f, "doc", None) or None


def candidates(stay, stays_qs):
    """Earlier stays of the same country that could be the same person (blocking in SQL)."""
    q = Q()
    if stay.doc_number:
        q |= Q(doc_number__iexact=stay.doc_number)
    dob = stay.verified_dob or stay.dob
    if dob:
        q |= Q(dob=dob) | Q(verified_dob=dob)
    for s in {stay.surname_1, stay.verified_surname_1} - {""}:
        q |= Q(surname_1__iexact=s) | Q(verified_surname_1__iexact=s)
    if not q:
        return []
    return list(stays_qs.filter(q).exclude(pk=stay.pk).filter(owner_institution__country=stay.owner_institution.country_id)
                .select_related("owner_institution__country", "centre").order_by("-entry_date")[:MAX_CANDIDATES])


def check(stay, earlier) -> tuple[str, list[dict]]:
    """``(identity_status, matches)`` for ``stay`` against ``earlier`` stays (already read).

    * ``returning``: the engine says an earlier, closed stay is the same person;
    * ``reused``: the same identity document appears on a stay that is still open elsewhere, or on an
      earlier stay the engine says is a *different* person: an identity used by two people;
    * ``new``: nothing found.
    """
    from enlace.matching.engine.online import OnlineIndex

    if not earlier:
        return "new", []
    by_id = {f"stay-{s.pk}": s for s in earlier}
    index = OnlineIndex((s.to_match_record() for s in earlier), cross_country_only=False)
    scored = {rid: (p, expl) for rid, p, expl in index.match(stay.to_match_record())}
    matches, status = [], "new"
    doc = _doc_key(stay)
    for rid, s in by_id.items():
        same_doc = doc is not None and _doc_key(s) == doc
        hit = scored.get(rid)
        if hit is None and not same_doc:
            continue
        reused = same_doc and (hit is None or s.exit_date is None)
        if reused:
            status = "reused"
        elif hit is not None and status != "reused":
            status = "returning"
        # Ids and scores only: the matched stay may be narrower than this one (another institution),
        # so its content (centre, dates) is looked up through the policy when shown, never copied here.
        matches.append({"stay": s.pk, "open": s.exit_date is None, "probability": round(hit[0], 4) if hit else None,
                        "agreed": sorted(hit[1]) if hit else [], "same_document": same_doc, "reused": reused})
    matches.sort(key=lambda m: (-(m["probability"] or 0), m["stay"]))
    return status, matches[:20]


# --- other countries (hit/no-hit) ------------------------------------------------------------------

def query_record_id(stay) -> str:
    """The asking side's record id of a stay checked abroad (its hit notices name it, never the person)."""
    return f"centres.stay.{stay.pk}"


def abroad_candidates(stay) -> list[tuple[object, float, dict]]:
    """Other countries' matchable persons the engine says are this stay's person: ``(entity, p, fields)``.

    The stay is only a query of the deployment's one matching index (``matching.services.get_index``,
    the same index, blocking and scoring as a person's online check); it is never added to it, so no
    other country can find a stay. Candidates are read as the system (``persons_by_pk``) and kept only
    while their owner allows matching (``is_matchable``); ``fields`` are the agreeing fields both sides
    hold, so neither side's notice speaks of a field it does not have.
    """
    from enlace.cases.matching_source import is_matchable, match_record, persons_by_pk
    from enlace.cases.models import entity_pk_from_record_id
    from enlace.matching.actions import MATCH_FIELDS
    from enlace.matching.services import get_index

    record = stay.to_match_record()
    results = get_index().match(record)  # cross-country only: the own country is the SQL check above
    if not results:
        return []
    persons = persons_by_pk([entity_pk_from_record_id(rid) for rid, _p, _e in results],
                            reason="centres: candidates of a stay checked in other countries")
    out = []
    for rid, probability, explanation in results:
        person = persons.get(entity_pk_from_record_id(rid))
        if person is None or not is_matchable(person):
            continue
        other = match_record(person)
        if other["source_country"] == record["source_country"]:
            continue
        fields = {k: v for k, v in explanation.items() if k in MATCH_FIELDS and record.get(k) and other.get(k)}
        out.append((person, float(probability), fields))
    return out
