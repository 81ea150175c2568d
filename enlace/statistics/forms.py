"""Forms of the statistics pages (validation of what a person typed; the actions decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from enlace.core.widgets import LocalDateField

from .models import DatabaseEntry, Dimension, Period


class DatabaseEntryForm(forms.ModelForm):
    class Meta:
        model = DatabaseEntry
        fields = ["name", "holder", "content", "coverage", "legal_basis", "frequency", "access_rules", "completeness",
                  "timeliness_days", "duplicates_pct", "formats", "has_api", "feeds_enlace"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3}), "access_rules": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        for k in ("completeness", "duplicates_pct"):
            if data.get(k) is not None and data[k] > 100:
                self.add_error(k, _("Debe estar entre 0 y 100."))
        return data


class IndicatorForm(forms.Form):
    name_es = forms.CharField(label=_("Nombre (español)"), max_length=200)
    name_en = forms.CharField(label=_("Nombre (inglés)"), max_length=200)
    definition_es = forms.CharField(label=_("Definición (español)"), widget=forms.Textarea(attrs={"rows": 3}),
                                    required=False)
    definition_en = forms.CharField(label=_("Definición (inglés)"), widget=forms.Textarea(attrs={"rows": 3}),
                                    required=False)
    dimensions = forms.MultipleChoiceField(label=_("Desagregaciones"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(label=_("Activo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimensions"].choices = [(d.code, d.name) for d in Dimension.objects.all()]


class PeriodForm(forms.Form):
    code = forms.CharField(label=_("Código"), max_length=12)
    starts_on = LocalDateField(label=_("Inicio"))
    ends_on = LocalDateField(label=_("Fin"))
    deadline = LocalDateField(label=_("Fecha límite de envío"), required=False)


class UploadForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Período"), queryset=Period.objects.none())
    file = forms.FileField(label=_("Plantilla XLSX completada"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.all()


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Motivo de la corrección"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)
