"""The one filterset of each centres list, used by the page and the API alike (querysets arrive
already restricted by the policy; a filter only narrows them)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import choices
from .models import Centre, CrisisLevel, FigureSet, PracticeNote, Stay

MAX_QUERY = 200


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _words(value):
    return (value or "").strip()[:MAX_QUERY].split()[:6]


class CentreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Buscar"), method="by_text", max_length=MAX_QUERY)
    centre_type = django_filters.ChoiceFilter(label=_("Tipo"), choices=choices.CENTRE_TYPES)
    country = django_filters.CharFilter(label=_("País"), field_name="owner_institution__country__code",
                                        max_length=3)
    crisis_level = django_filters.TypedChoiceFilter(label=_("Nivel de crisis"), choices=choices.CRISIS_LEVELS,
                                                    coerce=int)

    class Meta:
        model = Centre
        fields = ["q", "centre_type", "country", "crisis_level"]

    def by_text(self, qs, name, value):
        for w in _words(value):
            qs = qs.filter(Q(name__icontains=w) | Q(place__icontains=w))
        return qs


class StayFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Buscar"), method="by_text", max_length=MAX_QUERY)
    centre = IdFilter(label=_("Centro"), field_name="centre_id", min_value=1, max_value=2**62)
    open = django_filters.BooleanFilter(label=_("Solo abiertas"), field_name="exit_date", lookup_expr="isnull")
    age_band = django_filters.ChoiceFilter(label=_("Grupo de edad"), choices=choices.AGE_BANDS)
    identity_status = django_filters.ChoiceFilter(label=_("¿Misma persona?"), choices=Stay.Identity.choices)
    profile = django_filters.ChoiceFilter(label=_("Identificado en el procedimiento"), choices=choices.PROFILES[1:])
    entered_from = django_filters.DateFilter(label=_("Ingreso desde"), field_name="entry_date", lookup_expr="gte")
    entered_to = django_filters.DateFilter(label=_("Ingreso hasta"), field_name="entry_date", lookup_expr="lte")

    class Meta:
        model = Stay
        fields = ["q", "centre", "open", "age_band", "identity_status", "profile", "entered_from", "entered_to"]

    def by_text(self, qs, name, value):
        for w in _words(value):
            qs = qs.filter(Q(given_names__icontains=w) | Q(surname_1__icontains=w) | Q(surname_2__icontains=w) |
                           Q(doc_number__icontains=w) | Q(nationality__iexact=w))
        return qs


class FigureSetFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(label=_("Fecha"))
    source = django_filters.ChoiceFilter(label=_("Origen"), choices=FigureSet.Source.choices)
    country = django_filters.CharFilter(label=_("País"), field_name="owner_institution__country__code", max_length=3)

    class Meta:
        model = FigureSet
        fields = ["date", "source", "country"]


class CrisisLevelFilter(django_filters.FilterSet):
    centre = IdFilter(label=_("Centro"), field_name="centre_id", min_value=1, max_value=2**62)
    level = django_filters.TypedChoiceFilter(label=_("Nivel"), choices=choices.CRISIS_LEVELS, coerce=int)

    class Meta:
        model = CrisisLevel
        fields = ["centre", "level"]


class PracticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Buscar"), method="by_text", max_length=MAX_QUERY)

    class Meta:
        model = PracticeNote
        fields = ["q", "topic"]

    def by_text(self, qs, name, value):
        for w in _words(value):
            qs = qs.filter(Q(title__icontains=w) | Q(body__icontains=w))
        return qs
