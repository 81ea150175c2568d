import django_filters
from django.utils.translation import gettext_lazy as _

from enlace.core.widgets import LocalDateField

from .models import AuditEvent


class LocalDateFilter(django_filters.DateFilter):
    """A date typed in the page's order (dd/mm/aaaa on Spanish pages); ISO still accepted (links, bookmarks)."""

    field_class = LocalDateField


class AuditEventFilter(django_filters.FilterSet):
    actor_username = django_filters.CharFilter(label=_("Usuario"), lookup_expr="icontains")
    country_code = django_filters.CharFilter(label=_("País"), lookup_expr="iexact")
    kind = django_filters.ChoiceFilter(label=_("Tipo"), choices=AuditEvent.Kind.choices)
    object_type = django_filters.CharFilter(label=_("Tipo de objeto"), lookup_expr="icontains")
    object_id = django_filters.CharFilter(label=_("Identificador"))
    personal_data = django_filters.BooleanFilter(label=_("Datos personales"))
    since = LocalDateFilter(field_name="at", lookup_expr="date__gte", label=_("Desde"))
    until = LocalDateFilter(field_name="at", lookup_expr="date__lte", label=_("Hasta"))

    class Meta:
        model = AuditEvent
        fields = ["actor_username", "country_code", "kind", "object_type", "object_id", "personal_data", "since", "until"]
