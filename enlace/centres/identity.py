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
