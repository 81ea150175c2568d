import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    actor_username = django_filters.CharFilter(label=_("Usuario"), lookup_expr="icontains")
    country_code = django_filters.CharFilter(label=_("País"), lookup_expr="iexact")
    kind = django_filters.ChoiceFilter(label=_("Tipo"), choices=AuditEvent.Kind.choices)
    object_type = django_filters.CharFilter(label=_("Tipo de objeto"), lookup_expr="icontains")
    object_id = django_filters.CharFilter(label=_("Identificador"))
    personal_data = django_filters.BooleanFilter(label=_("Datos personales"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("Desde"),
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("Hasta"),
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEvent
        fields = ["actor_username", "country_code", "kind", "object_type", "object_id", "personal_data", "since", "until"]
