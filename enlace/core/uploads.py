"""Uploaded files: type checked by content, size-limited before being read, encrypted at rest.

``validate_upload`` looks at the declared size first (refusing before reading the body) and at
the file's magic bytes (not its name or declared type). ``store_encrypted`` writes Fernet
ciphertext (AES-128-CBC + HMAC-SHA256) under ``MEDIA_ROOT`` (outside the web root); files are
read back only with ``read_decrypted`` from a view that has already passed the sharing policy.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import uuid
from pathlib import Path

import filetype
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# kind -> (MIME types accepted by content sniffing, label)
KINDS = {
    "pdf": {"application/pdf"},
    "image": {"image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff"},
    "office": {"application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"},
    "text": {"text/plain", "text/csv"},
}
DEFAULT_KINDS = ("pdf", "image", "office", "text")


def _key() -> bytes:
    env = os.environ.get("ENLACE_FILE_KEY")
    if env:
        return env.encode()
    path = Path(settings.VAR_DIR) / "file_key"
    if not path.exists():
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_bytes().strip()


def sniff(head: bytes) -> str | None:
    """MIME type from content. Plain UTF-8 text without NUL bytes counts as text/plain."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            return None
    return "text/plain"


def validate_upload(upload, *, kinds=DEFAULT_KINDS, max_bytes: int | None = None) -> str:
    """Return the sniffed MIME type or raise a translated ``ValidationError``."""
    max_bytes = max_bytes or getattr(settings, "ENLACE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(_("El archivo supera el tamaño máximo de %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)},
                              code="too_large")
    if not upload.size:
        raise ValidationError(_("El archivo está vacío."), code="empty")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    mime = sniff(head)
    allowed = set().union(*(KINDS[k] for k in kinds))
    if mime not in allowed:
        raise ValidationError(_("Tipo de archivo no permitido. Se aceptan: %(kinds)s.") % {"kinds": ", ".join(kinds)},
                              code="forbidden_type")
    return mime


def store_encrypted(upload) -> tuple[str, str, int]:
    """Encrypt and store; returns (relative path, sha256 of the plaintext, size)."""
    data = b"".join(upload.chunks())
    digest = hashlib.sha256(data).hexdigest()
    rel = Path("enc") / uuid.uuid4().hex[:2] / f"{uuid.uuid4().hex}{secrets.token_hex(4)}.bin"
    path = Path(settings.MEDIA_ROOT) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(Fernet(_key()).encrypt(data))
    path.chmod(0o600)
    return str(rel), digest, len(data)


def read_decrypted(rel: str) -> bytes:
    path = Path(settings.MEDIA_ROOT) / rel
    try:
        return Fernet(_key()).decrypt(path.read_bytes())
    except (InvalidToken, FileNotFoundError) as exc:
        raise ValidationError(_("El archivo no se pudo leer.")) from exc


def delete_stored(rel: str) -> None:
    (Path(settings.MEDIA_ROOT) / rel).unlink(missing_ok=True)
