"""Forms of the agreement register (parsing only: the actions validate)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enlace.core.models import Country
from enlace.core.widgets import LocalDateField, SearchableSelectMultiple

from . import choices
from .models import Agreement


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=200)
    kind = forms.ChoiceField(label=_("Tipo"), choices=Agreement.Kind.choices)
    parties = forms.MultipleChoiceField(label=_("Partes"), choices=(), widget=SearchableSelectMultiple)
    starts_on = LocalDateField(label=_("Vigente desde"))
    ends_on = LocalDateField(label=_("Vigente hasta"), required=False)
    purposes = forms.MultipleChoiceField(label=_("Fines permitidos"), choices=choices.PURPOSES,
                                         widget=forms.CheckboxSelectMultiple)
    data_categories = forms.MultipleChoiceField(label=_("Categorías de datos"), choices=choices.DATA_CATEGORIES,
                                                required=False, widget=forms.CheckboxSelectMultiple)
    response_days = forms.IntegerField(label=_("Plazo de respuesta acordado (días)"), initial=15)
    limit_intelligence_only = forms.BooleanField(label=_("Uso solo para inteligencia"), required=False)
    limit_no_judicial_use = forms.BooleanField(label=_("Sin uso judicial sin consentimiento"), required=False,
                                               initial=True)
    text = forms.CharField(label=_("Texto"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = [(c.code, c.name) for c in Country.objects.restrict(user, "view")]
