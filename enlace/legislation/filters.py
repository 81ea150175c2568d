"""The filtersets of the legislation lists: one per list, used by its page and by its API list."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from .models import Answer, Indicator, Instrument, Protocol, Provision, Requirement, Round, Submission

# Ids beyond this are refused as invalid filter values (a database integer would overflow: a 500).
MAX_ID = 2**31 - 1


def id_filter(field_name):
    return django_filters.NumberFilter(field_name=field_name, min_value=1, max_value=MAX_ID)


class InstrumentFilter(django_filters.FilterSet):
    """``/legislacion/instrumentos/`` and ``/api/v1/legislacion/instrumentos/``."""

    q = django_filters.CharFilter(method="by_text", max_length=200)
    country = django_filters.CharFilter(field_name="owner_institution__country__code", lookup_expr="iexact",
                                        max_length=5)
    kind = django_filters.ChoiceFilter(choices=Instrument.Kind.choices)
    in_force = django_filters.BooleanFilter()

    class Meta:
        model = Instrument
        fields = ["q", "country", "kind", "in_force"]

    def by_text(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(title__icontains=value) | Q(number__icontains=value)) if value else qs


class ProvisionFilter(django_filters.FilterSet):
    """``/legislacion/disposiciones/`` and ``/api/v1/legislacion/disposiciones/``."""

    q = django_filters.CharFilter(method="by_text", max_length=200)
    requirement = django_filters.CharFilter(method="by_requirement", max_length=30)
    instrument = id_filter("instrument_id")
    country = django_filters.CharFilter(field_name="owner_institution__country__code", lookup_expr="iexact",
                                        max_length=5)

    class Meta:
        model = Provision
        fields = ["q", "requirement", "instrument", "country"]

    def by_text(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(article__icontains=value) | Q(text__icontains=value) | Q(instrument__title__icontains=value))

    def by_requirement(self, qs, name, value):
        # A subquery, not a join: a provision implementing several requirements is listed once.
        return qs.filter(pk__in=Provision.requirements.through.objects.filter(
            requirement__code=value).values("provision_id"))


class SubmissionFilter(django_filters.FilterSet):
    """``/legislacion/cuestionarios/`` and ``/api/v1/legislacion/cuestionarios/``."""

    round = id_filter("round_id")
    status = django_filters.ChoiceFilter(choices=Submission.Status.choices)
    country = django_filters.CharFilter(field_name="country__code", lookup_expr="iexact", max_length=5)

    class Meta:
        model = Submission
        fields = ["round", "status", "country"]


class AnswerFilter(django_filters.FilterSet):
    """``/api/v1/legislacion/respuestas/`` (pages show answers inside their questionnaire or the matrix)."""

    submission = id_filter("submission_id")
    status = django_filters.ChoiceFilter(choices=Answer.Status.choices)
    indicator = django_filters.CharFilter(field_name="indicator__code", max_length=40)
    country = django_filters.CharFilter(field_name="submission__country__code", lookup_expr="iexact", max_length=5)

    class Meta:
        model = Answer
        fields = ["submission", "status", "indicator", "country"]


class RequirementFilter(django_filters.FilterSet):
    """``/legislacion/catalogo/`` and ``/api/v1/legislacion/requisitos/``."""

    protocol = django_filters.ChoiceFilter(choices=Protocol.choices)
    code = django_filters.CharFilter(max_length=30)

    class Meta:
        model = Requirement
        fields = ["protocol", "code"]


class IndicatorFilter(django_filters.FilterSet):
    """``/api/v1/legislacion/indicadores/``."""

    kind = django_filters.ChoiceFilter(choices=Indicator.Kind.choices)
    code = django_filters.CharFilter(max_length=40)
    requirement = django_filters.CharFilter(field_name="requirement__code", max_length=30)

    class Meta:
        model = Indicator
        fields = ["kind", "code", "requirement"]


class RoundFilter(django_filters.FilterSet):
    """``/legislacion/rondas/`` and ``/api/v1/legislacion/rondas/``."""

    status = django_filters.ChoiceFilter(choices=Round.Status.choices)

    class Meta:
        model = Round
        fields = ["status"]


def filtered(filterset_class, params, queryset):
    """The page's rows: invalid values (an unknown kind, say) filter nothing, as the form shows them."""
    filterset = filterset_class(params, queryset=queryset)
    return filterset.qs if filterset.is_valid() else queryset
