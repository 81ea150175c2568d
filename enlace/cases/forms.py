from django import forms
from django.utils.translation import gettext_lazy as _

from enlace.core.widgets import LocalDateField
from enlace.sharing.models import SharingGroup
from enlace.sharing.policy import Distribution

from .models import Case, Entity, Link, ModusOperandiTag, RouteLeg
from .validation import CellError, clean_country, clean_date, clean_phones

SHARE_CHOICES = [c for c in Distribution.CHOICES if c[0] != Distribution.PUBLIC]


class CaseForm(forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(queryset=ModusOperandiTag.objects.none(), required=False, to_field_name="code",
                                          widget=forms.CheckboxSelectMultiple, label=_("Modus operandi"))

    class Meta:
        model = Case
        fields = ["title", "case_type", "status", "summary", "opened_on", "closed_on", "facts_from", "facts_to",
                  "tags", "source_grade", "info_grade", "allow_matching"]
        # Dates typed in the page's order (dd/mm/aaaa in Spanish), not the browser's own date picker.
        field_classes = {"opened_on": LocalDateField, "closed_on": LocalDateField, "facts_from": LocalDateField,
                         "facts_to": LocalDateField}
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = ModusOperandiTag.objects.restrict(user, "view")

    def clean(self):
        data = super().clean()
        for a, b in (("opened_on", "closed_on"), ("facts_from", "facts_to")):
            if data.get(a) and data.get(b) and data[b] < data[a]:
                self.add_error(b, _("Esta fecha no puede ser anterior a la inicial."))
        return data


class SharingForm(forms.Form):
    distribution = forms.ChoiceField(label=_("Distribución"), choices=SHARE_CHOICES)
    sharing_group = forms.ModelChoiceField(label=_("Grupo de intercambio"), queryset=SharingGroup.objects.none(),
                                           required=False)
    handling_intelligence_only = forms.BooleanField(label=_("Solo para uso de inteligencia"), required=False)
    handling_no_judicial_use = forms.BooleanField(
        label=_("No usar en procesos judiciales sin consentimiento del propietario"), required=False)
    handling_no_onward_sharing = forms.BooleanField(label=_("No transmitir a terceros sin consentimiento"),
                                                    required=False)
    handling_other = forms.CharField(label=_("Otras restricciones"), max_length=500, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.institution_id:
            self.fields["sharing_group"].queryset = SharingGroup.objects.filter(owner_institution=user.institution_id)

    def clean(self):
        data = super().clean()
        if data.get("distribution") == Distribution.GROUP and not data.get("sharing_group"):
            self.add_error("sharing_group", _("Elija el grupo de países con el que se comparte."))
        return data


class EntityForm(forms.ModelForm):
    phones_text = forms.CharField(label=_("Teléfonos"), required=False, max_length=400,
                                  help_text=_("Separe varios números con punto y coma."))

    class Meta:
        model = Entity
        fields = ["schema", "role", "given_names", "surname_1", "surname_2", "sex", "dob", "nationality", "name",
                  "doc_type", "doc_number", "doc_country", "allow_matching"]
        field_classes = {"dob": LocalDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("— elija la función (obligatoria para personas) —"))] + list(
            Entity.Role.choices)
        if self.instance.pk:
            self.fields["schema"].disabled = True
            self.fields["role"].disabled = True
            self.fields["role"].help_text = _("La función se cambia con «Revisar función».")
            self.fields["phones_text"].initial = "; ".join(self.instance.phones or [])

    def _country(self, name):
        try:
            return clean_country(self.cleaned_data.get(name, ""))
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_nationality(self):
        return self._country("nationality")

    def clean_doc_country(self):
        return self._country("doc_country")

    def clean_dob(self):
        try:
            return clean_date(self.cleaned_data.get("dob"))
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_phones_text(self):
        try:
            return clean_phones(self.cleaned_data.get("phones_text", ""))
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if data.get("schema") == Entity.Schema.PERSON and not self.instance.pk and not data.get("role"):
            self.add_error("role", _("Indique la función de la persona en el caso (nunca se asume «sospechosa»)."))
        return data


class RoleReviewForm(forms.Form):
    role = forms.ChoiceField(label=_("Función en el caso"), choices=Entity.Role.choices)


class ChildWideningForm(forms.Form):
    distribution = forms.ChoiceField(label=_("Nueva distribución"), choices=SHARE_CHOICES)
    sharing_group = forms.ModelChoiceField(label=_("Grupo de intercambio"), queryset=SharingGroup.objects.none(),
                                           required=False)
    justification = forms.CharField(label=_("Justificación"), widget=forms.Textarea(attrs={"rows": 3}),
                                    max_length=1000)
    confirmed = forms.BooleanField(label=_("Revisé el interés superior de la niña, niño o adolescente"),
                                   required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.institution_id:
            self.fields["sharing_group"].queryset = SharingGroup.objects.filter(owner_institution=user.institution_id)


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo de vínculo"), choices=Link.Kind.choices)
    source = forms.ModelChoiceField(label=_("Origen"), queryset=Entity.objects.none())
    target = forms.ModelChoiceField(label=_("Destino"), queryset=Entity.objects.none(), required=False)
    value = forms.CharField(label=_("Teléfono"), required=False, max_length=40,
                            help_text=_("Solo para «Usa el teléfono»."))

    def __init__(self, *args, entities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entities is not None:
            self.fields["source"].queryset = entities
            self.fields["target"].queryset = entities


class RouteLegForm(forms.ModelForm):
    class Meta:
        model = RouteLeg
        fields = ["order", "from_place", "from_country", "from_lat", "from_lon", "to_place", "to_country", "to_lat",
                  "to_lon", "means", "departed_on", "arrived_on", "notes"]
        field_classes = {"departed_on": LocalDateField, "arrived_on": LocalDateField}

    def clean_from_country(self):
        try:
            return clean_country(self.cleaned_data.get("from_country", ""))
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_to_country(self):
        try:
            return clean_country(self.cleaned_data.get("to_country", ""))
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from None


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Archivo (CSV, XLSX o JSON de FollowTheMoney)"),
                           help_text=_("Máximo 10 MB y 10 000 filas. CSV en UTF-8 (con o sin BOM)."),
                           error_messages={"empty": _("El archivo está vacío. No se importó nada."),
                                           "required": _("Elija un archivo.")})
