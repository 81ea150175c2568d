import time

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from enlace.audit.log import log_event
from enlace.core import timefmt

from . import actions
from .forms import LoginForm, OTPCodeForm, TimeZoneForm, TokenForm
from .middleware import AUTH_AT, LAST_SEEN


def _next_url(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = False

    def form_valid(self, form):
        response = super().form_valid(form)
        now = time.time()
        self.request.session[AUTH_AT] = now
        self.request.session[LAST_SEEN] = now
        return response

    def get_success_url(self):
        nxt = _next_url(self.request)
        return f"{reverse('accounts:mfa_verify')}?next={nxt}"


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    """Axes lock-out answer: the (username, address) pair is paused, the account is not."""
    username = (credentials or {}).get("username", "") if isinstance(credentials, dict) else ""
    log_event("locked_out", username=str(username)[:150])
    form = LoginForm(request, data=None)
    return render(request, "accounts/login.html", {
        "form": form,
        "locked": True,
    }, status=429)


def logout_view(request):
    if request.method == "POST":
        logout(request)
        messages.info(request, _("Sesión cerrada."))
        return redirect("accounts:login")
    return render(request, "accounts/logout_confirm.html")


def mfa_verify(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if request.user.is_verified():
        return redirect(_next_url(request))
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    if not devices:
        return redirect("accounts:mfa_enroll")
    form = OTPCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            code = form.cleaned_data["code"]
            throttled = not any(d.verify_is_allowed()[0] for d in devices)
            for device in devices:
                allowed, _info = device.verify_is_allowed()
                if allowed and device.verify_token(code):
                    otp_login(request, device)
                    # A new session id once fully authenticated: an id planted or seen before the second
                    # factor must not become a verified session (session fixation).
                    request.session.cycle_key()
                    log_event("mfa_ok", user=request.user, detail={"device": device.pk})
                    return redirect(_next_url(request))
            form.add_error("code", _("Demasiados intentos. Espere unos segundos antes de volver a intentarlo.")
                           if throttled else _("Código incorrecto o ya utilizado. Espere el siguiente código e inténtelo de nuevo."))
        log_event("mfa_failed", user=request.user)
        status = 400
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)}, status=status)


def _qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1b2a41", light="#ffffff")


def _b32_secret(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


def mfa_enroll(request):
    """First-login enrolment (no confirmed device yet) or adding a device from a verified session."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    has_confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if has_confirmed and not user.is_verified():
        return redirect("accounts:mfa_verify")
    if request.method == "POST" and request.POST.get("start"):
        # A new secret is a write: only on POST (the page offers the button; GET never writes).
        actions.do_start_totp_enrolment(user)
        return redirect("accounts:mfa_enroll")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        return render(request, "accounts/mfa_start.html")
    form = OTPCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            actions.do_confirm_totp_device(user, device)
            if not user.is_verified():
                otp_login(request, device)
                request.session.cycle_key()  # verified now: new session id (see mfa_verify)
            messages.success(request, _("Su aplicación de autenticación quedó registrada."))
            return redirect("accounts:security")
        if form.is_valid():
            form.add_error("code", _("El código no coincide. Verifique la hora de su teléfono e inténtelo de nuevo."))
        status = 400
    return render(request, "accounts/mfa_enroll.html", {
        "form": form, "qr_svg": _qr_svg(device), "secret": _b32_secret(device)}, status=status)


def security(request, tz_form=None, status=200):
    user = request.user
    return render(request, "accounts/security.html", {
        "devices": TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
        "tokens": AuthToken.objects.filter(user=user).order_by("-created"),
        "token_form": TokenForm(),
        "new_token": request.session.pop("enlace_new_token", None),
        "tz_form": tz_form or TimeZoneForm(initial={"time_zone": user.time_zone}),
        "zone_choices": timefmt.zone_choices(),
    }, status=status)


@require_POST
def time_zone_set(request):
    """A bad name is refused with a message, the typed text kept in the box and the old zone unchanged."""
    form = TimeZoneForm(request.POST)
    if not form.is_valid():
        return security(request, tz_form=form, status=400)
    actions.do_set_time_zone(request.user, form.cleaned_data["time_zone"])
    messages.success(request, _("Zona horaria actualizada: %(zone)s.") % {"zone": form.cleaned_data["time_zone"]})
    return redirect("accounts:security")


@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Elija una vigencia válida para el token."))
        return redirect("accounts:security")
    _instance, token = actions.do_create_api_token(request.user, days=form.cleaned_data["days"])
    # Shown once: kept in the session only until the next page view pops it.
    request.session["enlace_new_token"] = token
    return redirect("accounts:security")


@require_POST
def token_revoke(request, token_key):
    if actions.do_revoke_api_token(request.user, token_key):
        messages.success(request, _("El token fue revocado."))
    else:
        messages.error(request, _("No se encontró ese token."))
    return redirect("accounts:security")


@require_POST
def device_remove(request, pk):
    device = get_object_or_404(TOTPDevice, user=request.user, confirmed=True, pk=pk)
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).count() < 2:
        messages.error(request, _("No puede eliminar su único dispositivo: registre otro primero."))
        return redirect("accounts:security")
    actions.do_remove_totp_device(request.user, device)
    messages.success(request, _("Dispositivo eliminado."))
    return redirect("accounts:security")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:security")
    extra_context = {"title": _("Cambiar contraseña")}

    def form_valid(self, form):
        response = super().form_valid(form)
        log_event("password", user=self.request.user, obj=self.request.user, detail={"changed": True})
        messages.success(self.request, _("Contraseña actualizada."))
        return response


login_required  # noqa: B018  (kept imported for apps that decorate views explicitly)


# --- the country's accounts (issue 17 cleanup: deactivation outside Django's admin) ----------------------

def _country_admin(request):
    if not request.user.has_perm("accounts.deactivate_user") or not request.user.institution_id:
        raise Http404


@login_required
def user_list(request):
    """The accounts of the administrator's country, with «Desactivar cuenta» on each active one."""
    from django.core.paginator import Paginator

    from .models import User

    _country_admin(request)
    users = (User.objects.filter(institution__country_id=request.user.institution.country_id)
             .select_related("institution").prefetch_related("groups").order_by("-is_active", "username"))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    from .roles import role_label

    rows = [(u, ", ".join(role_label(g.name) for g in u.groups.all()) or "—") for u in page]
    return render(request, "accounts/user_list.html", {"page": page, "rows": rows})


@require_POST
@login_required
def user_deactivate(request, pk):
    from django.core.exceptions import ValidationError

    from .models import User

    _country_admin(request)
    user = User.objects.filter(pk=pk).select_related("institution").first()
    if user is None:
        raise Http404
    try:
        counts = actions.do_deactivate_account(request.user, user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Cuenta de %(user)s desactivada: %(sessions)s sesiones y %(tokens)s tokens "
                                    "terminados.") % {"user": user.username, "sessions": counts["sessions_ended"],
                                                      "tokens": counts["tokens_deleted"]})
    return redirect("accounts:user_list")
