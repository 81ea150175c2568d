"""One filterset per exchange list, used by the page and by the API alike (the inbox used to be
filtered twice, and the two had diverged)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import choices
from .models import Message, MlaDraft, Thread

BOXES = [("received", _("Recibidos")), ("sent", _("Enviados")), ("drafts", _("Borradores"))]


class ThreadFilter(django_filters.FilterSet):
    """The inbox: box (received / sent / drafts), status, kind, priority and free text.

    The text matches the subject, the body, the case reference and the messages of the thread that
    the user may read (``Message.objects.restrict``: a hidden reply never makes a thread match).
    """

    q = django_filters.CharFilter(label=_("Buscar"), method="by_text", max_length=200)
    box = django_filters.ChoiceFilter(label=_("Bandeja"), choices=BOXES, method="by_box", empty_label=_("Todos"))
    status = django_filters.ChoiceFilter(label=_("Estado"), choices=Thread.Status.choices, empty_label=_("Todos"))
    kind = django_filters.ChoiceFilter(label=_("Tipo"), choices=choices.KINDS, empty_label=_("Todos"))
    priority = django_filters.ChoiceFilter(label=_("Prioridad"), choices=choices.PRIORITIES, empty_label=_("Todas"))

    class Meta:
        model = Thread
        fields = ["q", "box", "status", "kind", "priority"]

    def _user(self):
        return self.request.user

    def by_box(self, qs, name, value):
        institution = self._user().institution
        if value == "received":
            return qs.exclude(owner_institution__country=institution.country_id).exclude(status=Thread.Status.DRAFT)
        if value == "sent":
            return qs.filter(owner_institution=institution).exclude(status=Thread.Status.DRAFT)
        if value == "drafts":
            return qs.filter(owner_institution=institution, status=Thread.Status.DRAFT)
        return qs

    def by_text(self, qs, name, value):
        for word in value.split():
            visible_messages = Message.objects.restrict(self._user(), "search").filter(
                body__icontains=word).values("thread")
            qs = qs.filter(Q(subject__icontains=word) | Q(body__icontains=word) | Q(case_reference__icontains=word)
                           | Q(pk__in=visible_messages))
        return qs


class MlaDraftFilter(django_filters.FilterSet):
    """Joint MLA drafts: free text over the title and the formal reference, and the formal status."""

    q = django_filters.CharFilter(label=_("Buscar"), method="by_text", max_length=200)
    formal_status = django_filters.ChoiceFilter(label=_("Estado de la solicitud formal"),
                                                choices=MlaDraft.FormalStatus.choices, empty_label=_("Todos"))

    class Meta:
        model = MlaDraft
        fields = ["q", "formal_status"]

    def by_text(self, qs, name, value):
        for word in value.split():
            qs = qs.filter(Q(title__icontains=word) | Q(formal_reference__icontains=word))
        return qs
