"""The one filterset of each hit/no-hit list, used by the page and the API alike.

No narrowing beside the policy's (the former ``within_reach``, "my country's institutions or beyond
the owner's country"): since the notice carries its person's and case's audience, the policy's own
condition is on the notice row and the planner walks the list-order index (a page 200 deep: 68 ms;
with the narrowing it read every notice of the institution and sorted them: 328 ms, issue 17)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import HitNotice, ReleasedRecord


class HitNoticeFilter(django_filters.FilterSet):
    """Hits by state of the review and of the release request (``?status=``, ``?release=``)."""

    status = django_filters.ChoiceFilter(label=_("Estado"), choices=HitNotice.Status.choices)
    release = django_filters.ChoiceFilter(label=_("Solicitud de datos"), choices=HitNotice.Release.choices[1:])

    class Meta:
        model = HitNotice
        fields = ["status", "release"]


class ReleasedRecordFilter(django_filters.FilterSet):
    """Released records of one pair (``?pair_key=``)."""

    pair_key = django_filters.CharFilter(label=_("Par"), max_length=140)

    class Meta:
        model = ReleasedRecord
        fields = ["pair_key"]
