"""Input of the hit/no-hit engine: the persons whose owner allows matching.

This runs as the system, not as an official: the engine compares every allowed record with the other
countries' records, and a result is only ever disclosed as a hit (that a match exists, how strong, whom
to ask). It is the one read of case entities that is not filtered by a user's audience, on purpose;
nothing it yields is shown to anyone.
"""

from __future__ import annotations

from collections.abc import Iterator

from enlace.sharing.policy import Distribution

from .models import Case, Entity


def matchable_queryset(exclude_country: str | None = None):
    qs = (Entity._default_manager
          .filter(schema=Entity.Schema.PERSON, allow_matching=True, case__allow_matching=True)
          .exclude(case__status=Case.Status.WITHDRAWN)
          # Children's records stay out until their owner widened them through the reviewed action.
          .exclude(child_protection=True, distribution=Distribution.INSTITUTION)
          .select_related("case__owner_institution__country")
          .prefetch_related("links_out__target")
          .order_by("pk"))
    if exclude_country:
        qs = qs.exclude(case__owner_institution__country__code=exclude_country)
    return qs


def matchable_persons(exclude_country: str | None = None) -> Iterator[dict]:
    """Match records (engine format) of every person whose case allows matching, optionally not of one country."""
    for person in matchable_queryset(exclude_country).iterator(chunk_size=2000):
        yield person.to_match_record()


def is_matchable(entity: Entity) -> bool:
    return (entity.schema == Entity.Schema.PERSON and entity.allow_matching and entity.case.allow_matching
            and entity.case.status != Case.Status.WITHDRAWN
            and not (entity.child_protection and entity.distribution == Distribution.INSTITUTION))
