from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from enlace.core.widgets import LocalDateField
from enlace.sharing.policy import Distribution

from .models import Group, ImplementationReport, ReportingRound, Theme

SHARE_CHOICES = [
    (Distribution.COUNTRY, _("Mantener en mi país (nacional)")),
    (Distribution.NETWORK, _("Compartir con la red (todos los países miembros y la Secretaría Técnica)")),
]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("p. ej. entrega vigilada")}))
    grupo = forms.ChoiceField(label=_("Fuente"), required=False, choices=[
        ("", _("Todas")), ("plan", _("Plan de Trabajo 2019–2025")), *Group.choices])
    reunion = forms.IntegerField(label=_("Reunión"), required=False, min_value=1, max_value=20)
    anio = forms.IntegerField(label=_("Año"), required=False, min_value=2000, max_value=2100)
    tema = forms.ChoiceField(label=_("Tema"), required=False)
    eje = forms.IntegerField(label=_("Eje del plan"), required=False, min_value=1, max_value=9)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tema"].choices = [("", _("Todos"))] + [(t.code, t.name) for t in Theme.objects.all()]


class ReportForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Ronda de reporte"), queryset=ReportingRound.objects.none(),
                                   empty_label=None)
    target = forms.CharField(label=_("Acción del plan o recomendación"), max_length=30,
                             help_text=_("Clave de la acción (p. ej. 1.4) o de la recomendación (p. ej. TIM-II-24)."))
    status = forms.ChoiceField(label=_("Estado de implementación"), choices=ImplementationReport.Status.choices)
    narrative = forms.CharField(label=_("Descripción de lo realizado"), required=False,
                                widget=forms.Textarea(attrs={"rows": 6}))
    responsible_institution = forms.CharField(label=_("Institución responsable"), required=False, max_length=200)
    next_steps = forms.CharField(label=_("Próximos pasos"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    distribution = forms.ChoiceField(label=_("¿Quién puede verlo?"), choices=SHARE_CHOICES, initial=Distribution.COUNTRY,
                                     widget=forms.RadioSelect)
    evidence_file = forms.FileField(label=_("Evidencia: archivo"), required=False,
                                    help_text=_("PDF, imagen, documento de Office o texto; máximo %(mb)s MB.") % {
                                        "mb": getattr(settings, "ENLACE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024) // (1024 * 1024)})
    evidence_url = forms.URLField(label=_("Evidencia: enlace"), required=False, max_length=500, assume_scheme="https")
    evidence_title = forms.CharField(label=_("Título de la evidencia"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = ReportingRound.objects.order_by("-opens_on")


class ValidationForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decisión"), choices=[("approve", _("Validar")), ("return", _("Devolver para corrección"))],
                                 widget=forms.RadioSelect, initial="approve")
    note = forms.CharField(label=_("Observaciones"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=200)
    period = forms.CharField(label=_("Periodo"), max_length=40, help_text=_("p. ej. 2025 o 2025-S1"))
    opens_on = LocalDateField(label=_("Apertura"))
    deadline = LocalDateField(label=_("Fecha límite"))
