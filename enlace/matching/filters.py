"""The one filterset of each hit/no-hit list, used by the page and the API alike."""

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
