from django import forms
from django.utils.translation import gettext_lazy as _

from enlace.core.widgets import LocalDateTimeField

from enlace.knowledge.models import Theme

from .actions import EDITOR_KINDS
from .models import PortalEntry


class EntryForm(forms.Form):
    """An editor's draft. Dates are typed as local date and time (the reader's zone is shown on the portal)."""

    kind = forms.ChoiceField(label=_("Tipo"), choices=[(k.value, k.label) for k in PortalEntry.Kind if k in EDITOR_KINDS])
    title_es = forms.CharField(label=_("Título (español)"), max_length=200)
    title_en = forms.CharField(label=_("Título (inglés)"), max_length=200, required=False)
    summary_es = forms.CharField(label=_("Resumen (español)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    summary_en = forms.CharField(label=_("Resumen (inglés)"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    body_es = forms.CharField(label=_("Texto (español)"), max_length=20000, required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))
    body_en = forms.CharField(label=_("Texto (inglés)"), max_length=20000, required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))
    link = forms.URLField(label=_("Enlace"), required=False, max_length=500, assume_scheme="https")
    theme = forms.ModelChoiceField(label=_("Tema"), queryset=Theme.objects.all(), required=False)
    starts_at = LocalDateTimeField(label=_("Inicio (eventos)"), required=False)
    ends_at = LocalDateTimeField(label=_("Fin (eventos)"), required=False)
    place = forms.CharField(label=_("Lugar (eventos)"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == PortalEntry.Kind.EVENT and not data.get("starts_at"):
            self.add_error("starts_at", _("Un evento necesita fecha y hora de inicio."))
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("El fin no puede ser anterior al inicio."))
        return data
