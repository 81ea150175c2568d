"""Forms of the centres pages: they parse input; the actions decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from enlace.core.widgets import LocalDateField, SearchableSelectMultiple
from enlace.sharing.policy import Distribution

from . import choices
from .models import Centre, PracticeNote

NO_PUBLIC = [c for c in Distribution.CHOICES if c[0] not in (Distribution.PUBLIC, Distribution.GROUP)]


class CentreForm(forms.Form):
    name = forms.CharField(label=_("Nombre"), max_length=200)
    centre_type = forms.ChoiceField(label=_("Tipo de centro"), choices=choices.CENTRE_TYPES)
    place = forms.CharField(label=_("Lugar"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitud"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitud"), required=False, min_value=-180, max_value=180)
    capacity_men = forms.IntegerField(label=_("Plazas para hombres"), min_value=0, max_value=100000, initial=0)
    capacity_women = forms.IntegerField(label=_("Plazas para mujeres"), min_value=0, max_value=100000, initial=0)
    capacity_families = forms.IntegerField(label=_("Plazas para familias"), min_value=0, max_value=100000, initial=0)
    capacity_children = forms.IntegerField(label=_("Plazas para niñez no acompañada"), min_value=0, max_value=100000,
                                           initial=0)
    services = forms.MultipleChoiceField(label=_("Servicios"), choices=choices.SERVICES, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    coordinators = forms.ModelMultipleChoiceField(label=_("Coordinación (contactos del directorio)"), queryset=None,
                                                  required=False, widget=SearchableSelectMultiple)
    distribution = forms.ChoiceField(label=_("Quién ve el centro"), choices=NO_PUBLIC, initial=Distribution.NETWORK)
    t2_occupancy = forms.IntegerField(label=_("Nivel 2: ocupación (%)"), min_value=0, max_value=1000, initial=80)
    t2_incidents = forms.IntegerField(label=_("Nivel 2: incidentes en 7 días"), min_value=0, max_value=1000, initial=3)
    t3_occupancy = forms.IntegerField(label=_("Nivel 3: ocupación (%)"), min_value=0, max_value=1000, initial=100)
    t3_incidents = forms.IntegerField(label=_("Nivel 3: incidentes en 7 días"), min_value=0, max_value=1000, initial=6)
    t4_occupancy = forms.IntegerField(label=_("Nivel 4: ocupación (%)"), min_value=0, max_value=1000, initial=120)
    t4_incidents = forms.IntegerField(label=_("Nivel 4: incidentes en 7 días"), min_value=0, max_value=1000,
                                      initial=10)
    plan_2 = forms.CharField(label=_("Plan del nivel 2: a quién se avisa y qué se hace"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    plan_3 = forms.CharField(label=_("Plan del nivel 3: a quién se avisa y qué se hace"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    plan_4 = forms.CharField(label=_("Plan del nivel 4: a quién se avisa y qué se hace"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        from enlace.directory.policy import authorised_contacts_for

        self.fields["coordinators"].queryset = authorised_contacts_for(user).select_related(
            "owner_institution__country") if user is not None else self.fields["coordinators"].queryset
        if editing:
            del self.fields["distribution"]

    def to_action(self) -> dict:
        d = dict(self.cleaned_data)
        d["thresholds"] = {lv: {"occupancy": d.pop(f"t{lv}_occupancy"), "incidents": d.pop(f"t{lv}_incidents")}
                           for lv in ("2", "3", "4")}
        d["escalation_plan"] = {lv: {"who": "", "what": d.pop(f"plan_{lv}", "")} for lv in ("2", "3", "4")}
        return d

    @staticmethod
    def initial_from(centre) -> dict:
        t = centre.thresholds_or_default()
        init = {f: getattr(centre, f) for f in ("name", "centre_type", "place", "lat", "lon", "capacity_men",
                                                 "capacity_women", "capacity_families", "capacity_children")}
        init["services"] = centre.service_codes()
        init["coordinators"] = list(Centre.coordinators.through.objects.filter(centre_id=centre.pk).values_list(
            "contact_id", flat=True))
        for lv in ("2", "3", "4"):
            init[f"t{lv}_occupancy"] = t[lv]["occupancy"]
            init[f"t{lv}_incidents"] = t[lv]["incidents"]
            init[f"plan_{lv}"] = (centre.escalation_plan.get(lv) or {}).get("what", "")
        return init


class StayForm(forms.Form):
    entry_date = LocalDateField(label=_("Fecha de ingreso"))
    entry_mode = forms.ChoiceField(label=_("Forma de llegada"), choices=choices.ENTRY_MODES)
    entry_place = forms.CharField(label=_("Lugar de ingreso"), max_length=200, required=False)
    given_names = forms.CharField(label=_("Nombres (declarados)"), max_length=200, required=False)
    surname_1 = forms.CharField(label=_("Primer apellido (declarado)"), max_length=200, required=False)
    surname_2 = forms.CharField(label=_("Segundo apellido (declarado)"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sexo"), choices=choices.SEXES)
    dob = LocalDateField(label=_("Fecha de nacimiento (declarada)"), required=False)
    nationality = forms.CharField(label=_("Nacionalidad (ISO alfa-3)"), max_length=10)
    doc_type = forms.CharField(label=_("Tipo de documento"), max_length=60, required=False)
    doc_number = forms.CharField(label=_("Número de documento"), max_length=100, required=False)
    biometric_refs = forms.CharField(label=_("Referencias biométricas (identificadores, separados por comas)"),
                                     max_length=700, required=False,
                                     help_text=_("Solo el identificador del registro en el sistema biométrico nacional."))
    age_band = forms.ChoiceField(label=_("Grupo de edad"), choices=choices.AGE_BANDS)
    vulnerabilities = forms.MultipleChoiceField(label=_("Condiciones de vulnerabilidad"),
                                                choices=choices.VULNERABILITIES, required=False,
                                                widget=forms.CheckboxSelectMultiple)
    profile = forms.ChoiceField(label=_("Identificado en el procedimiento (3.6.a)"), choices=choices.PROFILES,
                                required=False)
    care_decision = forms.MultipleChoiceField(label=_("Atención decidida en la recepción"),
                                              choices=choices.CARE_DECISIONS, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    referrals = forms.MultipleChoiceField(label=_("Derivaciones"), choices=choices.REFERRALS, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    care_notes = forms.CharField(label=_("Notas de recepción"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 max_length=5000)
    allow_matching = forms.BooleanField(
        label=_("Permitir coincidencias con otros países (hit/no-hit)"), required=False,
        help_text=_("Al registrar el ingreso, la identidad y el documento se consultan en los registros de otros "
                    "países: solo se sabe si hay coincidencia y a quién preguntar. Nunca para personas menores de edad."))

    def to_action(self) -> dict:
        d = dict(self.cleaned_data)
        d["biometric_refs"] = [r for r in (d.get("biometric_refs") or "").split(",") if r.strip()]
        return d


class IdentityForm(forms.Form):
    identity_verified = forms.BooleanField(label=_("Identidad verificada"), required=False)
    verified_given_names = forms.CharField(label=_("Nombres (verificados)"), max_length=200, required=False)
    verified_surname_1 = forms.CharField(label=_("Primer apellido (verificado)"), max_length=200, required=False)
    verified_surname_2 = forms.CharField(label=_("Segundo apellido (verificado)"), max_length=200, required=False)
    verified_dob = LocalDateField(label=_("Fecha de nacimiento (verificada)"), required=False)
    verified_how = forms.CharField(label=_("Cómo se verificó"), max_length=300, required=False)
    doc_type = forms.CharField(label=_("Tipo de documento visto"), max_length=60, required=False)
    doc_number = forms.CharField(label=_("Número del documento visto"), max_length=100, required=False)
    biometric_refs = forms.CharField(label=_("Referencias biométricas (identificadores, separados por comas)"),
                                     max_length=700, required=False)
    allow_matching = forms.BooleanField(label=_("Permitir coincidencias con otros países (hit/no-hit)"), required=False)

    def to_action(self, stay) -> dict:
        d = dict(self.cleaned_data)
        d["biometric_refs"] = [r for r in (d.get("biometric_refs") or "").split(",") if r.strip()]
        if d.get("doc_number"):
            d["documents_seen"] = [*stay.documents_seen, {"type": d.get("doc_type"), "number": d["doc_number"],
                                                          "country": stay.nationality}]
        return d


class ExitForm(forms.Form):
    exit_date = LocalDateField(label=_("Fecha de salida"))
    exit_reason = forms.ChoiceField(label=_("Motivo de salida"), choices=choices.EXIT_REASONS)
    destination = forms.CharField(label=_("Destino"), max_length=200, required=False)


class TransferForm(forms.Form):
    to_centre = forms.ModelChoiceField(label=_("Centro de destino"), queryset=None)
    date = LocalDateField(label=_("Fecha del traslado"))

    def __init__(self, *args, centres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_centre"].queryset = centres


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("Derivación"), choices=choices.REFERRALS)
    date = LocalDateField(label=_("Fecha"), required=False)
    note = forms.CharField(label=_("Nota"), max_length=500, required=False)


class BelongingForm(forms.Form):
    item = forms.CharField(label=_("Artículo"), max_length=120)
    description = forms.CharField(label=_("Descripción"), max_length=500, required=False)
    value = forms.DecimalField(label=_("Valor"), required=False, min_value=0, max_digits=12, decimal_places=2)
    currency = forms.CharField(label=_("Moneda (ISO)"), max_length=3, required=False)
    bag_number = forms.CharField(label=_("Número de bolsa sellada"), max_length=40, required=False)
    photo = forms.ImageField(label=_("Foto (opcional)"), required=False)


class CorrectionForm(BelongingForm):
    reason = forms.CharField(label=_("Motivo de la corrección"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["photo"]


class CrisisForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Nuevo nivel"), choices=choices.CRISIS_LEVELS, coerce=int)
    reason = forms.CharField(label=_("Motivo"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class IncidentForm(forms.Form):
    occurred_on = LocalDateField(label=_("Fecha"))
    kind = forms.ChoiceField(label=_("Tipo"), choices=choices.INCIDENT_KINDS)
    severity = forms.TypedChoiceField(label=_("Gravedad"), choices=[(1, "1"), (2, "2"), (3, "3")], coerce=int)
    persons_involved = forms.IntegerField(label=_("Personas involucradas"), min_value=0, max_value=100000, initial=0)
    description = forms.CharField(label=_("Descripción"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    measures = forms.CharField(label=_("Medidas adoptadas"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
                               required=False)


class CareForm(forms.Form):
    given_on = LocalDateField(label=_("Fecha"))
    kind = forms.ChoiceField(label=_("Tipo de atención"), choices=choices.CARE_KINDS)
    notes = forms.CharField(label=_("Notas (confidenciales)"), widget=forms.Textarea(attrs={"rows": 3}),
                            max_length=10000)


class PracticeForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=200)
    topic = forms.ChoiceField(label=_("Tema"), choices=PracticeNote._meta.get_field("topic").choices)
    body = forms.CharField(label=_("Texto"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    distribution = forms.ChoiceField(label=_("Quién la ve"), choices=NO_PUBLIC, initial=Distribution.NETWORK)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Plantilla XLSX completada"))
    distribution = forms.ChoiceField(label=_("Quién ve las cifras"), choices=NO_PUBLIC, initial=Distribution.NETWORK,
                                     help_text=_("Otros países solo ven totales agregados; las celdas con menos de 11 "
                                                 "personas se suprimen."))
