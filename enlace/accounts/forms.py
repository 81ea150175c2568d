from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Usuario"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Contraseña"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("Usuario o contraseña incorrectos. Recuerde que la contraseña distingue mayúsculas y minúsculas."),
        "inactive": _("Esta cuenta no está activa. Comuníquese con su Cancillería o con la Secretaría Técnica."),
    }


class OTPCodeForm(forms.Form):
    code = forms.CharField(label=_("Código de verificación"), min_length=6, max_length=8,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True, "pattern": "[0-9]*"}),
                           help_text=_("Los 6 dígitos que muestra su aplicación de autenticación."))

    def clean_code(self):
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("El código solo contiene números."))
        return code


class TokenForm(forms.Form):
    days = forms.TypedChoiceField(label=_("Vigencia"), coerce=int, initial=30, choices=[
        (7, _("7 días")), (30, _("30 días")), (90, _("90 días"))])


class TimeZoneForm(forms.Form):
    """The zone an official reads times in: typed, with the IANA names offered as they type (a datalist)."""

    time_zone = forms.CharField(
        label=_("Zona horaria"), max_length=64,
        widget=forms.TextInput(attrs={"list": "zonas-horarias", "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Escriba para buscar, por ejemplo «America/Guatemala» o «Santo_Domingo». Todas las fechas y "
                    "horas de las páginas, los PDF y las exportaciones se mostrarán en esta zona."))

    def clean_time_zone(self):
        from enlace.core import timefmt

        typed = self.cleaned_data["time_zone"].strip().replace(" ", "_")
        # Forgive the case ("america/guatemala"), never the name: a guessed zone would shift every time shown.
        by_lower = {z.lower(): z for z in timefmt.available_zones()}
        name = by_lower.get(typed.lower())
        if name is None:
            raise forms.ValidationError(
                _("«%(name)s» no es una zona horaria conocida. Elija una de la lista, por ejemplo "
                  "America/Guatemala; su zona horaria no cambió."), params={"name": typed})
        return name
