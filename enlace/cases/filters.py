"""The one filterset of each cases list, used by the page and the API alike.

Querysets come in already restricted by the policy; a filter only narrows them. Text search is
written once here (``q``), with ``Q`` objects over one queryset: OR-ing restricted querysets
repeated the whole policy once per searched field.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Case, Entity, ImportBatch, Link, RouteLeg
from .search import EntitySearchText, fold

MAX_QUERY = 200
MAX_WORDS = 6


def _words(value: str) -> list[str]:
    return (value or "").strip()[:MAX_QUERY].split()[:MAX_WORDS]


class CaseFilter(django_filters.FilterSet):
    """Cases by text (reference, title, summary), type and state."""

    q = django_filters.CharFilter(label=_("Buscar"), method="by_text", max_length=MAX_QUERY)
    case_type = django_filters.ChoiceFilter(label=_("Tipo"), choices=Case.Type.choices)
    status = django_filters.ChoiceFilter(label=_("Estado"), choices=Case.Status.choices)

    class Meta:
        model = Case
        fields = ["q", "case_type", "status"]

    def by_text(self, qs, name, value):
        for word in _words(value):
            qs = qs.filter(Q(reference__icontains=word) | Q(title__icontains=word) | Q(summary__icontains=word))
        return qs


class IdFilter(django_filters.NumberFilter):
    """A whole-number id (``1.5`` or ``abc`` is a 400, not silently something else)."""

    field_class = forms.IntegerField


class _CaseChildFilter(django_filters.FilterSet):
    """``?case=<id>``: the children of one case (those the user may see)."""

    case = IdFilter(label=_("Caso"), field_name="case_id", min_value=1, max_value=2**62)


class EntityFilter(_CaseChildFilter):
    """Entities by text (every word in a name, a document number or a phone), type and role."""

    q = django_filters.CharFilter(label=_("Buscar"), method="by_text", max_length=MAX_QUERY)
    schema = django_filters.ChoiceFilter(label=_("Tipo de entidad"), choices=Entity.Schema.choices)
    role = django_filters.ChoiceFilter(label=_("Función en el caso"), choices=Entity.Role.choices)

    class Meta:
        model = Entity
        fields = ["q", "case", "schema", "role"]

    def by_text(self, qs, name, value):
        # Every word against one folded text of the six columns (``search.py``): one trigram index on
        # PostgreSQL instead of an OR over six (issue 17); accents and case do not matter.
        words = _words(value)
        if not words:
            return qs
        qs = qs.alias(search_text=EntitySearchText())
        for word in words:
            qs = qs.filter(search_text__contains=fold(word))
        return qs


class LinkFilter(_CaseChildFilter):
    kind = django_filters.ChoiceFilter(label=_("Tipo de vínculo"), choices=Link.Kind.choices)

    class Meta:
        model = Link
        fields = ["case", "kind"]


class RouteLegFilter(_CaseChildFilter):
    means = django_filters.ChoiceFilter(label=_("Medio de transporte"), choices=RouteLeg.Means.choices)

    class Meta:
        model = RouteLeg
        fields = ["case", "means"]


class ImportBatchFilter(_CaseChildFilter):
    status = django_filters.ChoiceFilter(label=_("Estado"), choices=ImportBatch.Status.choices)

    class Meta:
        model = ImportBatch
        fields = ["case", "status"]
