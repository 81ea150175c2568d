from django import forms
from django.utils.translation import gettext_lazy as _

from enlace.core.widgets import LocalDateField
from enlace.sharing.policy import Distribution

from .models import DocumentReport, NumberEntry

DISTRIBUTIONS = [
    (Distribution.NETWORK, _("Todos los países de la red")),
    (Distribution.COUNTRY, _("Solo mi país")),
    (Distribution.INSTITUTION, _("Solo mi institución")),
]


class QueryForm(forms.Form):
    kind = forms.ChoiceField(label=_("¿Qué consulta?"), choices=NumberEntry.Kind.choices, widget=forms.RadioSelect,
                             initial=NumberEntry.Kind.DOCUMENT)
    number = forms.CharField(label=_("Número"), max_length=60,
                             help_text=_("Un solo número. Espacios, guiones y puntos se ignoran; un teléfono sin "
                                         "prefijo se lee como de su país."))


class ReportForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Tipo de documento"), choices=DocumentReport.DocType.choices)
    number = forms.CharField(label=_("Número del documento"), max_length=60)
    issuing_country = forms.CharField(label=_("País emisor"), max_length=60,
                                      help_text=_("Código ISO 3166-1 alfa-3, p. ej. GTM."))
    status = forms.ChoiceField(label=_("Situación"), choices=DocumentReport.Status.choices)
    reported_on = LocalDateField(label=_("Fecha del reporte"))
    note = forms.CharField(label=_("Nota"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    distribution = forms.ChoiceField(label=_("Quién lo ve"), choices=DISTRIBUTIONS, initial=Distribution.NETWORK,
                                     required=False,
                                     help_text=_("Cualquier país recibe un «hit» al consultar el número; "
                                                 "esto decide quién ve la ficha."))

    def clean_distribution(self):
        return self.cleaned_data.get("distribution") or Distribution.NETWORK
