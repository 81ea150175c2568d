"""Append-only, hash-chained audit trail.

Each event stores the SHA-256 of its canonical content plus the previous event's hash, so
altering, inserting or deleting an event breaks the chain at that point (``enlace audit verify``).
``seq`` is assigned under a lock on the single ``ChainHead`` row, so concurrent writers cannot
fork the chain and database sequence gaps (rolled-back transactions) are not mistaken for
deletions. Database triggers refuse UPDATE and DELETE (see migration 0002).
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditEvent(models.Model):
    """One appended, hash-chained entry of the audit trail: who did what to which record, no content."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Inicio de sesión")
        LOGIN_FAILED = "login_failed", _("Inicio de sesión fallido")
        LOCKED_OUT = "locked_out", _("Bloqueo por intentos fallidos")
        MFA_OK = "mfa_ok", _("Segundo factor verificado")
        MFA_FAILED = "mfa_failed", _("Segundo factor fallido")
        LOGOUT = "logout", _("Cierre de sesión")
        SESSION_EXPIRED = "session_expired", _("Sesión expirada")
        READ = "read", _("Lectura")
        LIST = "list", _("Consulta de lista")
        SEARCH = "search", _("Búsqueda")
        WRITE = "write", _("Escritura")
        EXPORT = "export", _("Exportación")
        SHARING = "sharing", _("Cambio de distribución")
        PERMISSION = "permission", _("Cambio de permisos")
        TOKEN = "token", _("Token de API")
        TOKEN_FAILED = "token_failed", _("Token de API rechazado")
        DEVICE = "device", _("Dispositivo de doble factor")
        PASSWORD = "password", _("Contraseña")
        BAD_REQUEST = "bad_request", _("Solicitud rechazada")
        BREAK_GLASS = "break_glass", _("Acceso de emergencia (superusuario)")
        IMPORT = "import", _("Importación")
        SYSTEM_READ = "system_read", _("Lectura del sistema")

    class Channel(models.TextChoices):
        UI = "ui", _("Interfaz web")
        API = "api", _("API (sesión)")
        TOKEN = "token", _("API (token)")
        CLI = "cli", _("Línea de comandos")
        SYSTEM = "system", _("Sistema")

    seq = models.PositiveBigIntegerField(_("número"), unique=True)
    at = models.DateTimeField(_("fecha y hora (UTC)"), db_index=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                              db_constraint=False, related_name="+", verbose_name=_("usuario"))
    actor_username = models.CharField(_("nombre de usuario"), max_length=150, blank=True, db_index=True)
    institution_id = models.BigIntegerField(null=True, blank=True)
    country_code = models.CharField(_("país"), max_length=5, blank=True, db_index=True)
    object_type = models.CharField(_("tipo de objeto"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("identificador"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("objeto"), max_length=200, blank=True)
    personal_data = models.BooleanField(_("datos personales"), default=False)
    purpose = models.CharField(_("finalidad"), max_length=300, blank=True)
    address = models.GenericIPAddressField(_("dirección"), null=True, blank=True)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, default=Channel.SYSTEM)
    request_id = models.CharField(max_length=36, blank=True)
    before = models.JSONField(_("antes"), null=True, blank=True)
    after = models.JSONField(_("después"), null=True, blank=True)
    detail = models.JSONField(_("detalle"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("evento de auditoría")
        verbose_name_plural = _("eventos de auditoría")
        permissions = [("export_auditevent", "Can export audit events")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.actor_username}"

    def canonical(self) -> bytes:
        data = {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "kind": self.kind,
            "actor": self.actor_id,
            "actor_username": self.actor_username,
            "institution_id": self.institution_id,
            "country_code": self.country_code,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "personal_data": self.personal_data,
            "purpose": self.purpose,
            "address": self.address,
            "channel": self.channel,
            "request_id": self.request_id,
            "before": self.before,
            "after": self.after,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")


class ChainHead(models.Model):
    """Single row holding the last sequence number and hash; locked while appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)
