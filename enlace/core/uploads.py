"""Uploaded files: type checked by content, size-limited before being read, encrypted at rest.

``validate_upload`` looks at the declared size first (refusing before reading the body) and at
the file's magic bytes (not its name or declared type). ``store_encrypted`` writes Fernet
ciphertext (AES-128-CBC + HMAC-SHA256) under ``MEDIA_ROOT`` (outside the web root); files are
read back only with ``read_decrypted`` from a view that has already passed the sharing policy.

Spreadsheet imports read with limits applied *while reading* (``check_archive``, ``xlsx_rows``,
``capped_rows``): a 280 KiB XLSX can unpack to millions of rows, so the uncompressed size is
checked from the ZIP directory before anything is decompressed, and rows are counted as they are
read, stopping at the first one past the limit — never counted in full first.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import uuid
import zipfile
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

# What an uploaded spreadsheet may unpack to: about 2 KB of XML per allowed row (15 text cells of
# ~100 characters), at least 8 MB, never more than MAX_UNCOMPRESSED_BYTES. The 2-million-row XLSX
# of issue 16 is ~100 MB from 280 KiB. Parsing XML runs at ~12 MB/s on a busy server, and openpyxl
# parses the shared strings in full when it opens a workbook, so this budget is also a time budget.
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
XML_BYTES_PER_ROW = 2 * 1024
MIN_UNCOMPRESSED_BYTES = 8 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 1000
# openpyxl looks for a sheet's <dimension> element, which writers put in the first bytes.
_DIMENSION_HEAD_BYTES = 64 * 1024


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


# --- limits while reading spreadsheets --------------------------------------------------------------

def _max_uncompressed() -> int:
    return getattr(settings, "ENLACE_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES)


def damaged_spreadsheet() -> ValidationError:
    return ValidationError(_("La hoja de cálculo está dañada o no es un archivo XLSX válido. No se importó nada."),
                           code="damaged")


def too_many_rows(max_rows: int) -> ValidationError:
    return ValidationError(_("El archivo tiene más de %(max)s filas, el máximo por importación. Divídalo en varios "
                             "archivos. No se importó nada.") % {"max": max_rows}, code="too_many_rows")


def check_archive(data: bytes, *, max_uncompressed: int | None = None) -> None:
    """Refuse a ZIP container (XLSX) whose members would unpack beyond ``max_uncompressed`` bytes,
    from the sizes its central directory declares — nothing is decompressed. ``zipfile`` never
    returns more than a member's declared size (a lying header fails its CRC instead), so the
    declared sizes are a real bound on what openpyxl can read afterwards."""
    limit = max_uncompressed or _max_uncompressed()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise damaged_spreadsheet() from None
    total = sum(m.file_size for m in members)
    if len(members) > MAX_ARCHIVE_MEMBERS or total > limit:
        mib = 1024 * 1024
        raise ValidationError(_("La hoja de cálculo ocupa %(mb)s MB al descomprimirla; el máximo es %(max)s MB. "
                                "Divídala en varios archivos o quite hojas e imágenes que no se importan. No se "
                                "importó nada.") % {"mb": -(-total // mib), "max": -(-limit // mib)},
                              code="too_large_uncompressed")


def _row_cap(max_rows: int) -> int:
    # Blank rows are skipped by the importers but still cost a read: allow a generous number of them.
    return 2 * max_rows + 100


def capped_rows(rows, max_rows: int):
    """Yield from ``rows`` and stop with ``too_many_rows`` at the first row past the cap (blank rows count)."""
    cap = _row_cap(max_rows)
    for number, row in enumerate(rows, start=1):
        if number > cap:
            raise too_many_rows(max_rows)
        yield row


def _head_sized_read_only_worksheets():
    """Make openpyxl's read-only sheets look for ``<dimension>`` in the sheet's first bytes only.

    When the element is absent, openpyxl 3.1 parses the *whole* sheet while opening the workbook
    (its parser meets the end of ``<sheetData>`` only at the end), before a single row can be
    counted: 5 s for 64 MB here. Writers put the element at the top; without it openpyxl already
    iterates the rows it finds, which is what the importers need."""
    import re

    from openpyxl.reader import excel
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    if getattr(excel.ReadOnlyWorksheet, "enlace_head_sized", False):
        return
    dimension = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)"')

    class HeadSizedReadOnlyWorksheet(ReadOnlyWorksheet):
        enlace_head_sized = True

        def _get_size(self):
            with self._get_source() as source:
                match = dimension.search(source.read(_DIMENSION_HEAD_BYTES))
            if match:
                self._min_column, self._min_row, self._max_column, self._max_row = range_boundaries(
                    match.group(1).decode().upper())

    excel.ReadOnlyWorksheet = HeadSizedReadOnlyWorksheet


def xlsx_budget(max_rows: int) -> int:
    return min(max(max_rows * XML_BYTES_PER_ROW, MIN_UNCOMPRESSED_BYTES), _max_uncompressed())


def xlsx_rows(data: bytes, *, max_rows: int):
    """The first sheet's rows as tuples of values, read lazily (openpyxl read-only mode) after
    ``check_archive`` with a budget proportional to ``max_rows``; stops at the row cap, and a sheet
    damaged anywhere is a ``ValidationError``."""
    check_archive(data, max_uncompressed=xlsx_budget(max_rows))
    from openpyxl import load_workbook

    _head_sized_read_only_worksheets()

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file  # noqa: BLE001
        raise damaged_spreadsheet() from None
    try:
        if not workbook.worksheets:
            raise damaged_spreadsheet()
        yield from capped_rows(workbook.worksheets[0].iter_rows(values_only=True), max_rows)
    except ValidationError:
        raise
    except Exception:  # a broken sheet XML or member surfaces only when that row is reached  # noqa: BLE001
        raise damaged_spreadsheet() from None
    finally:
        workbook.close()


def encrypted_file_response(request, *, stored_path: str, filename: str, mime: str, fallback_name: str):
    """The download of a stored (encrypted) file, for a record the caller already read through the policy:
    a safe attachment name, no type sniffing, and a translated 410 page when the file is gone or damaged."""
    from django.http import HttpResponse
    from django.shortcuts import render

    try:
        data = read_decrypted(stored_path)
    except ValidationError as exc:
        return render(request, "core/error.html", {"title": _("Archivo no disponible"), "message": exc.messages[0]},
                      status=410)
    response = HttpResponse(data, content_type=mime)
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "._- ") or fallback_name
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
