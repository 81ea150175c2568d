from django import forms
from django.utils.translation import gettext_lazy as _

from enlace.core.widgets import LocalDateField
from enlace.knowledge.models import PlanAction, Recommendation, Theme
from enlace.sharing.policy import Distribution

from .models import CaseBrief, ProtectionTool

SHARE_CHOICES = [c for c in Distribution.CHOICES if c[0] in (Distribution.INSTITUTION, Distribution.COUNTRY,
                                                              Distribution.NETWORK)]


class _Shared(forms.Form):
    distribution = forms.ChoiceField(label=_("¿Quién puede verlo?"), choices=SHARE_CHOICES, initial=Distribution.INSTITUTION)


class PracticeForm(_Shared):
    title = forms.CharField(label=_("Título"), max_length=200)
    theme = forms.ModelChoiceField(label=_("Tema"), queryset=Theme.objects.all(), required=False)
    plan_actions = forms.ModelMultipleChoiceField(label=_("Acciones del plan"), required=False,
                                                  queryset=PlanAction.objects.filter(withdrawn=False).select_related("axis"))
    recommendations = forms.ModelMultipleChoiceField(label=_("Recomendaciones de la ONU"), required=False,
                                                     queryset=Recommendation.objects.filter(withdrawn=False, parent__isnull=True))
    summary = forms.CharField(label=_("Resumen"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(label=_("Descripción"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 6}))
    contacts = forms.CharField(label=_("Contactos"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("Personas de contacto: datos personales, nunca se publican."))


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("Comentario"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    endorse = forms.BooleanField(label=_("Mi país respalda esta práctica"), required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Archivo (PDF, imagen, documento de oficina o texto; máximo 5 MB)"))


class ProposeForm(forms.Form):
    """The anonymised version for the portal, written by the owner."""

    title_es = forms.CharField(label=_("Título público (español)"), max_length=200)
    title_en = forms.CharField(label=_("Título público (inglés)"), max_length=200, required=False)
    summary_es = forms.CharField(label=_("Resumen público (español)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    summary_en = forms.CharField(label=_("Resumen público (inglés)"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class ToolForm(_Shared):
    title = forms.CharField(label=_("Título"), max_length=200)
    kind = forms.ChoiceField(label=_("Tipo"), choices=ProtectionTool.Kind.choices)
    level = forms.ChoiceField(label=_("Nivel"), choices=ProtectionTool.Level.choices)
    description = forms.CharField(label=_("Descripción"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    url = forms.URLField(label=_("Enlace"), max_length=500, required=False, assume_scheme="https")
    legislation = forms.CharField(label=_("Legislación relacionada"), max_length=300, required=False)


class CaseForm(_Shared):
    title = forms.CharField(label=_("Título"), max_length=200)
    court = forms.CharField(label=_("Tribunal"), max_length=200)
    decided_on = LocalDateField(label=_("Fecha de la sentencia"))
    offence = forms.ChoiceField(label=_("Delito"), choices=CaseBrief.Offence.choices)
    articles = forms.CharField(label=_("Artículos de los Protocolos aplicados"), max_length=200, required=False)
    outcome = forms.CharField(label=_("Resultado"), max_length=300)
    summary = forms.CharField(label=_("Resumen"), max_length=6000, widget=forms.Textarea(attrs={"rows": 4}))
    judgement_url = forms.URLField(label=_("Enlace a la sentencia"), max_length=500, required=False, assume_scheme="https")
    persons_named = forms.CharField(label=_("Personas mencionadas"), max_length=2000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("Datos personales: vacíe este campo antes de proponer la publicación."))
