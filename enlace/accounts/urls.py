from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "accounts"

urlpatterns = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("salir/", views.logout_view, name="logout"),
    path("verificar/", views.mfa_verify, name="mfa_verify"),
    path("mfa/alta/", views.mfa_enroll, name="mfa_enroll"),
    path("seguridad/", views.security, name="security"),
    path("seguridad/zona-horaria/", views.time_zone_set, name="time_zone"),
    path("seguridad/contrasena/", views.PasswordChangeView.as_view(), name="password_change"),
    path("seguridad/tokens/nuevo/", views.token_create, name="token_create"),
    path("seguridad/tokens/<str:token_key>/revocar/", views.token_revoke, name="token_revoke"),
    path("seguridad/dispositivos/<int:pk>/eliminar/", views.device_remove, name="device_remove"),
    path("cuentas/", views.user_list, name="user_list"),
    path("cuentas/<int:pk>/desactivar/", views.user_deactivate, name="user_deactivate"),
    path("contrasena/restablecer/", auth_views.PasswordResetView.as_view(
        template_name="accounts/form_page.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
        extra_context={"title": _("Restablecer contraseña")}), name="password_reset"),
    path("contrasena/restablecer/enviado/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/message_page.html", extra_context={"kind": "reset_sent"}), name="password_reset_done"),
    path("contrasena/restablecer/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/form_page.html", success_url=reverse_lazy("accounts:password_reset_complete"),
        extra_context={"title": _("Elegir una nueva contraseña")}), name="password_reset_confirm"),
    path("contrasena/restablecer/listo/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/message_page.html", extra_context={"kind": "reset_done"}), name="password_reset_complete"),
]
