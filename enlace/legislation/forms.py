from django import forms
from django.utils.translation import gettext_lazy as _

from enlace.core.models import Country
from enlace.core.widgets import LocalDateField
from enlace.sharing.policy import Distribution

from .models import Instrument, Protocol, Requirement

DISTRIBUTION_CHOICES = [c for c in Distribution.CHOICES if c[0] in (Distribution.INSTITUTION, Distribution.COUNTRY,
                                                                     Distribution.NETWORK)]


class InstrumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo de instrumento"), choices=Instrument.Kind.choices)
    title = forms.CharField(label=_("Título"), max_length=300)
    number = forms.CharField(label=_("Número"), max_length=60, required=False,
                             help_text=_("Por ejemplo «Decreto 95-98»."))
    enacted_on = LocalDateField(label=_("Fecha"), required=False)
    official_url = forms.URLField(label=_("Enlace oficial"), required=False, max_length=500, assume_scheme="https",
                                  help_text=_("Dirección de la publicación oficial (gaceta o diario oficial)."))
    in_force = forms.BooleanField(label=_("Vigente"), required=False, initial=True)
    distribution = forms.ChoiceField(label=_("¿Quién puede verlo?"), choices=DISTRIBUTION_CHOICES,
                                     initial=Distribution.NETWORK)


class InstrumentEditForm(InstrumentForm):
    distribution = None


class ProvisionForm(forms.Form):
    article = forms.CharField(label=_("Cita (artículo)"), max_length=120, required=False,
                              help_text=_("Por ejemplo «art. 318» o «art. 5, inciso 2». Obligatoria."))
    text = forms.CharField(label=_("Texto de la disposición"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    in_force_since = LocalDateField(label=_("Vigente desde"), required=False)
    requirements = forms.ModelMultipleChoiceField(
        label=_("Requisitos de los Protocolos que implementa"), required=False,
        queryset=Requirement.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirements"].queryset = Requirement.objects.restrict(user, "view")
        self.fields["requirements"].label_from_instance = lambda r: r.label

    def clean_article(self):
        value = self.cleaned_data.get("article", "").strip()
        if not value:
            raise forms.ValidationError(_(
                "Indique la cita de la disposición (por ejemplo «art. 318»): una disposición sin cita no puede "
                "aparecer en la matriz."))
        return value


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Título de la ronda"), max_length=200)
    deadline = LocalDateField(label=_("Fecha límite"))
    countries = forms.ModelMultipleChoiceField(label=_("Países participantes"), queryset=Country.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    instructions = forms.CharField(label=_("Instrucciones"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].queryset = Country.objects.restrict(user, "view").filter(kind=Country.Kind.MEMBER)


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("Observaciones para el país"), widget=forms.Textarea(attrs={"rows": 3}))


class MatrixFilterForm(forms.Form):
    protocol = forms.ChoiceField(label=_("Protocolo"), required=False,
                                 choices=[("", _("Ambos protocolos")), *Protocol.choices])
    requirement = forms.ChoiceField(label=_("Artículo"), required=False)
    indicator = forms.ChoiceField(label=_("Indicador"), required=False)
    round = forms.ChoiceField(label=_("Ronda"), required=False)

    def __init__(self, *args, requirements=(), indicators=(), rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [("", _("Todos los artículos"))] + [
            (r.code, f"{r.protocol} art. {r.article}") for r in requirements]
        self.fields["indicator"].choices = [("", _("Todos los indicadores"))] + [
            (i.code, f"{i.code} — {i.question}"[:110]) for i in indicators]
        self.fields["round"].choices = [("", _("Último cuestionario validado de cada país"))] + [
            (str(r.pk), r.title) for r in rounds]
