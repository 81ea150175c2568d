from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlace.accounts.models import User
from enlace.core.models import Country, Institution
from enlace.core.widgets import LocalDateField, SearchableSelect, with_empty_choice

from . import choices
from .models import Contact, unpack


# One answer whether the username does not exist or belongs to another country: neither the page
# nor the API tells which usernames exist.
NO_SUCH_ACCOUNT = _("No hay ninguna cuenta activa de su país con ese nombre de usuario.")


def member_countries(user):
    """Member countries, for the search and routing choices."""
    return Country.objects.restrict(user, "list").filter(kind=Country.Kind.MEMBER).order_by("name_es")


def linkable_account(user, username: str):
    """The active account ``username`` of ``user``'s own country (entries link only such accounts), or ``None``."""
    if not username or user.institution_id is None:
        return None
    return User.objects.filter(username=username, is_active=True,
                               institution__country=user.institution.country_id).select_related(
        "institution__country").first()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ContactForm(forms.Form):
    """Propose or edit a contact; the action validates again (shared with the API and the import)."""

    institution = forms.ModelChoiceField(label=_("Institución"), queryset=Institution.objects.none())
    first_name = forms.CharField(label=_("Nombre"), max_length=100)
    last_name = forms.CharField(label=_("Apellidos"), max_length=100)
    position = forms.CharField(label=_("Cargo"), max_length=200)
    unit = forms.CharField(label=_("Unidad o dependencia"), max_length=200, required=False)
    reports_to = forms.ModelChoiceField(label=_("Depende de (organigrama)"), queryset=Contact.objects.none(),
                                        required=False)
    scope = forms.ChoiceField(label=_("Delitos"), choices=choices.SCOPES, initial="both")
    areas = forms.MultipleChoiceField(label=_("Áreas"), choices=choices.AREAS, widget=forms.CheckboxSelectMultiple)
    functions = forms.MultipleChoiceField(label=_("Funciones"), choices=choices.FUNCTIONS, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    languages = forms.MultipleChoiceField(label=_("Idiomas"), choices=choices.LANGUAGES,
                                          widget=forms.CheckboxSelectMultiple, initial=["es"])
    email = forms.CharField(label=_("Correo institucional"), max_length=200,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Teléfono institucional"), max_length=40,
                            help_text=_("Con prefijo internacional, por ejemplo +504 2222 3333."),
                            widget=forms.TextInput(attrs={"type": "tel"}))
    mobile = forms.CharField(label=_("Teléfono móvil"), max_length=40, required=False,
                             widget=forms.TextInput(attrs={"type": "tel"}))
    timezone = forms.CharField(label=_("Zona horaria"), max_length=64, required=False,
                               help_text=_("Si la deja vacía se usa la del país, por ejemplo America/Tegucigalpa."))
    hours_start = forms.TimeField(label=_("Inicio de jornada"), initial=datetime.time(8, 0), widget=TimeInput())
    hours_end = forms.TimeField(label=_("Fin de jornada"), initial=datetime.time(16, 0), widget=TimeInput())
    working_days = forms.MultipleChoiceField(label=_("Días laborables"), choices=choices.WEEKDAYS,
                                             initial=["0", "1", "2", "3", "4"], widget=forms.CheckboxSelectMultiple)
    username = forms.CharField(label=_("Cuenta en Enlace (usuario)"), max_length=150, required=False,
                               help_text=_("Vincula el contacto con la cuenta de la persona para la mensajería segura."))

    def __init__(self, user, *args, instance: Contact | None = None, **kwargs):
        self.user = user
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "institution": instance.owner_institution_id, "first_name": instance.first_name,
                "last_name": instance.last_name, "position": instance.position, "unit": instance.unit,
                "reports_to": instance.reports_to_id, "scope": instance.scope, "areas": instance.area_list,
                "functions": instance.function_list, "languages": instance.language_list, "email": instance.email,
                "phone": instance.phone, "mobile": instance.mobile, "timezone": instance.timezone,
                "hours_start": instance.hours_start, "hours_end": instance.hours_end,
                "working_days": unpack(instance.working_days),
                "username": instance.user.username if instance.user else "",
            }
        super().__init__(*args, **kwargs)
        # Each party proposes entries of its own institutions (the ST too: its own party).
        country = user.institution.country_id if user.institution_id else None
        insts = Institution.objects.restrict(user, "list").filter(country=country)
        contacts = Contact.objects.restrict(user, "list").exclude(status__in=["revoked", "expired"]).filter(
            owner_institution__country=country)
        if instance is not None:
            insts = insts.filter(country=instance.owner_institution.country)
            contacts = contacts.filter(owner_institution__country=instance.owner_institution.country).exclude(
                pk=instance.pk)
        self.fields["institution"].queryset = insts.select_related("country")
        self.fields["reports_to"].queryset = contacts.select_related("owner_institution__country")
        if instance is not None:
            self.fields["institution"].help_text = _("Un contacto no cambia de país.")

    def clean_username(self):
        name = self.cleaned_data.get("username", "").strip()
        if not name:
            return None
        u = linkable_account(self.user, name)
        if u is None:
            raise forms.ValidationError(NO_SUCH_ACCOUNT)
        return u

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["user"] = data.pop("username", None)
        return data


class ValidityForm(forms.Form):
    # Typed in the page's order (dd/mm/aaaa on Spanish pages); a date in the other order is refused, not swapped.
    valid_from = LocalDateField(label=_("Vigente desde"), required=False)
    valid_until = LocalDateField(label=_("Vigente hasta"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = today + datetime.timedelta(days=730)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    departure = forms.BooleanField(label=_("La persona dejó el cargo (baja)"), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("nombre, cargo, correo…")}))
    country = forms.ChoiceField(label=_("País"), required=False)
    institution = forms.CharField(label=_("Institución"), required=False)
    area = forms.ChoiceField(label=_("Área"), required=False, choices=[("", "—"), *choices.AREAS])
    function = forms.ChoiceField(label=_("Función"), required=False, choices=[("", "—"), *choices.FUNCTIONS])
    language = forms.ChoiceField(label=_("Idioma"), required=False, choices=[("", "—"), *choices.LANGUAGES])
    status = forms.ChoiceField(label=_("Estado"), required=False, choices=[("", "—"), *Contact.Status.choices])

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—")] + [(c.code, c.name) for c in member_countries(user)]


class RoutingForm(forms.Form):
    country = forms.ChoiceField(label=_("País"), widget=SearchableSelect)
    need = forms.ChoiceField(label=_("Necesidad"), choices=choices.NEEDS)
    urgency = forms.ChoiceField(label=_("Urgencia"), choices=choices.URGENCY, initial="normal")
    caller_tz = forms.CharField(label=_("Su zona horaria"), max_length=64, required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nothing preselected: the first country of the list (Belice) used to be chosen for the official.
        self.fields["country"].choices = with_empty_choice([(c.code, c.name) for c in member_countries(user)])
        if user.institution_id:
            self.fields["caller_tz"].initial = user.institution.country.timezone

    def clean_caller_tz(self):
        from django.core.exceptions import ValidationError

        from .validation import validate_timezone

        value = self.cleaned_data.get("caller_tz") or ""
        if not value:
            return ""
        try:
            return validate_timezone(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from None


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Hoja de cálculo (XLSX o CSV)"))


class ConsentForm(forms.Form):
    public_email = forms.CharField(label=_("Correo institucional genérico (opcional)"), max_length=200, required=False)
    public_phone = forms.CharField(label=_("Teléfono de la institución (opcional)"), max_length=40, required=False)
    consent = forms.BooleanField(label=_("Doy mi consentimiento para figurar en el portal público con estos datos "
                                         "institucionales (sin mi nombre ni mis datos personales)."))
