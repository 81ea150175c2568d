"""The one filterset of the directory list: the page (``/directorio/``) and the API use the same."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from . import choices
from .models import Contact


class ContactFilter(django_filters.FilterSet):
    """Text, country, institution, area, function, language and status, as in the search form."""

    q = django_filters.CharFilter(method="by_text")
    country = django_filters.CharFilter(field_name="owner_institution__country__code", lookup_expr="iexact")
    institution = django_filters.CharFilter(method="by_institution")
    area = django_filters.ChoiceFilter(choices=choices.AREAS, method="by_code")
    function = django_filters.ChoiceFilter(choices=choices.FUNCTIONS, method="by_code")
    language = django_filters.ChoiceFilter(choices=choices.LANGUAGES, method="by_code")
    status = django_filters.ChoiceFilter(choices=Contact.Status.choices)

    class Meta:
        model = Contact
        fields = ["q", "country", "institution", "area", "function", "language", "status"]

    def by_institution(self, qs, name, value):
        return qs.filter(Q(owner_institution__name__icontains=value) | Q(owner_institution__acronym__icontains=value))

    def by_code(self, qs, name, value):
        field = {"area": "areas", "function": "functions", "language": "languages"}[name]
        return qs.filter(**{f"{field}__contains": f",{value},"})

    def by_text(self, qs, name, value):
        # Every word must match somewhere (name, position, e-mail, unit or institution).
        for word in value.split()[:10]:
            qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(position__icontains=word)
                           | Q(email__icontains=word) | Q(unit__icontains=word)
                           | Q(owner_institution__name__icontains=word)
                           | Q(owner_institution__acronym__icontains=word))
        return qs


SEARCH_KEYS = ("q", "country", "institution", "area", "function", "language", "status")
