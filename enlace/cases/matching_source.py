"""Input of the hit/no-hit engine: the persons whose owner allows matching.

This runs as the system, not as an official: the engine compares every allowed record with the other
countries' records, and a result is only ever disclosed as a hit (that a match exists, how strong, whom
to ask). It is the one read of case entities that is not filtered by a user's audience, on purpose,
through the named escape hatch (``unrestricted``, audited as a system read of personal data); nothing
it yields is shown to anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from enlace.sharing.policy import Distribution

from .models import Case, Entity, Link


def _persons(reason: str):
    """Persons with their case (owner country) and the documents they hold: two system reads."""
    held = (Link.objects.unrestricted(reason=reason)
            .filter(kind=Link.Kind.HOLDS_DOCUMENT, target__isnull=False)
            .select_related("target").order_by("pk"))
    return (Entity.objects.unrestricted(reason=reason)
            .filter(schema=Entity.Schema.PERSON)
            .select_related("case__owner_institution__country", "owner_institution")
            .prefetch_related(Prefetch("links_out", queryset=held, to_attr="held_document_links")))


def matchable_queryset(exclude_country: str | None = None):
    qs = (_persons("matching: the persons whose owner allows hit/no-hit matching (index and batch)")
          .filter(allow_matching=True, case__allow_matching=True)
          .exclude(case__status=Case.Status.WITHDRAWN)
          # Children's records stay out until their owner widened them through the reviewed action.
          .exclude(child_protection=True, distribution=Distribution.INSTITUTION)
          .order_by("pk"))
    if exclude_country:
        qs = qs.exclude(case__owner_institution__country__code=exclude_country)
    return qs


def match_record(person: Entity) -> dict:
    """The person in the engine's format, with the first document it holds (prefetched by ``_persons``)."""
    return person.to_match_record([link.target for link in getattr(person, "held_document_links", [])])


def matchable_persons(exclude_country: str | None = None) -> Iterator[dict]:
    """Match records (engine format) of every person whose case allows matching, optionally not of one country."""
    # ``iterator(chunk_size=...)`` keeps the prefetch per chunk: two queries per 2 000 persons.
    for person in matchable_queryset(exclude_country).iterator(chunk_size=2000):
        yield match_record(person)


def persons_by_pk(pks: Iterable[int], *, reason: str) -> dict[int, Entity]:
    """Persons (matchable or not) by primary key, for the online check of one saved person."""
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return {}
    return {p.pk: p for p in _persons(reason).filter(pk__in=pks)}


def person_pks_of_case(case_pk: int) -> list[int]:
    """The persons of a case, for re-checking them after the case's matching consent or status changed."""
    return list(Entity.objects.unrestricted(reason="matching: re-check the persons of a changed case")
                .filter(case_id=case_pk, schema=Entity.Schema.PERSON).values_list("pk", flat=True))


def is_matchable(entity: Entity) -> bool:
    return (entity.schema == Entity.Schema.PERSON and entity.allow_matching and entity.case.allow_matching
            and entity.case.status != Case.Status.WITHDRAWN
            and not (entity.child_protection and entity.distribution == Distribution.INSTITUTION))
