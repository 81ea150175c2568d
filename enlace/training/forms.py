from django import forms
from django.utils.translation import gettext_lazy as _

from enlace.core.widgets import LocalDateField, LocalDateTimeField
from enlace.practices.forms import SHARE_CHOICES, ProposeForm  # noqa: F401  (same anonymised form)
from enlace.sharing.policy import Distribution

from .models import Course, Event, TrainingRequest


class RequestForm(forms.Form):
    distribution = forms.ChoiceField(label=_("¿Quién puede verlo?"), choices=SHARE_CHOICES, initial=Distribution.NETWORK)
    topic = forms.CharField(label=_("Tema"), max_length=200)
    kind = forms.ChoiceField(label=_("Tipo"), choices=TrainingRequest._meta.get_field("kind").choices)
    audience = forms.CharField(label=_("Público destinatario"), max_length=300)
    preferred_from = LocalDateField(label=_("Desde"), required=False)
    preferred_to = LocalDateField(label=_("Hasta"), required=False)
    details = forms.CharField(label=_("Detalles"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ResponseForm(forms.Form):
    text = forms.CharField(label=_("Respuesta"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Estado"), choices=TrainingRequest.Status.choices)
    note = forms.CharField(label=_("Nota de seguimiento"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=200)
    modules = forms.CharField(label=_("Módulos"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    trainers = forms.CharField(label=_("Equipo de formadores"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    audience = forms.CharField(label=_("Público destinatario"), max_length=300, required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Título del manual o guía"), max_length=200)
    file = forms.FileField(label=_("Archivo (PDF, documento de oficina o texto; máximo 10 MB)"))


class EventForm(forms.Form):
    distribution = forms.ChoiceField(label=_("¿Quién puede verlo?"), choices=SHARE_CHOICES, initial=Distribution.INSTITUTION)
    title = forms.CharField(label=_("Título"), max_length=200)
    scope = forms.ChoiceField(label=_("Ámbito"), choices=Event.Scope.choices)
    course = forms.ModelChoiceField(label=_("Curso"), queryset=Course.objects.all(), required=False)
    starts_at = LocalDateTimeField(label=_("Inicio"))
    ends_at = LocalDateTimeField(label=_("Fin"))
    place = forms.CharField(label=_("Lugar"), max_length=200)
    description = forms.CharField(label=_("Descripción"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    capacity = forms.IntegerField(label=_("Plazas"), min_value=1, max_value=10000, initial=30)
    materials_url = forms.URLField(label=_("Materiales (enlace)"), max_length=500, required=False, assume_scheme="https")
