from django import forms
from django.utils.translation import gettext_lazy as _

from .models import HitNotice


class JudgementForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Resultado de la revisión"), widget=forms.RadioSelect, choices=[
        (HitNotice.Status.SAME, _("Es la misma persona")),
        (HitNotice.Status.NOT_SAME, _("No es la misma persona")),
        (HitNotice.Status.UNSURE, _("No se puede determinar")),
    ])
    note = forms.CharField(label=_("Nota"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReleaseRequestForm(forms.Form):
    purpose = forms.CharField(label=_("Finalidad"), min_length=10, max_length=300,
                              help_text=_("Para qué necesita los datos (queda en la auditoría y la ve el otro país)."),
                              widget=forms.Textarea(attrs={"rows": 2}))
