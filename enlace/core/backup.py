"""``enlace backup`` / ``enlace restore``: the database, the encrypted files and the key reference.

A backup is one ``.tar.gz``:

- ``manifest.json`` — format, Enlace version, the migrations applied (the schema the data fits),
  database vendor, row counts, SHA-256 of every other member, and the *reference* of the file
  key (where it comes from and its fingerprint), never the key itself: the key is kept apart
  (``ENLACE_FILE_KEY`` or ``var/file_key``), so a stolen backup holds only ciphertext;
- ``data.json`` — every app's rows (Django ``dumpdata`` with natural foreign keys: portable between
  SQLite and PostgreSQL; content types and permissions are rebuilt by ``migrate`` and matched by name);
- ``files/…`` — the uploaded files exactly as stored (encrypted with the file key).

Restore checks everything before it touches anything: the archive's checksums, the version (the
backup's migrations must be those of this code), the key (its fingerprint must be the one in use),
an up-to-date and empty audit trail in the target database (a restore never overwrites a trail).
Then the rows are replaced in one transaction, the audit chain is verified inside it (a broken chain
rolls everything back), and only after the commit the files directory is swapped in (the previous
one is kept beside it).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

FORMAT = "enlace-backup/1"
# Rebuilt by ``migrate`` (matched by natural key) or transient: not in the backup.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "jobs.workerheartbeat"]
CHUNK = 2000
KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


class BackupRefused(Exception):
    """A restore (or backup) that must not go ahead; the message says why, in Spanish and English."""


def enlace_version() -> str:
    try:
        return metadata.version("enlace")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "0"


def key_reference() -> dict:
    """Where the file key comes from and its fingerprint (a hash of a hash: tells keys apart, reveals nothing)."""
    env = os.environ.get("ENLACE_FILE_KEY")
    path = Path(settings.VAR_DIR) / "file_key"
    # Read as ``core.uploads`` reads it, but never generated here: a restore must not create a key.
    key = env.encode() if env else (path.read_bytes().strip() if path.exists() else b"")
    fingerprint = hashlib.sha256(b"enlace-file-key-reference:" + hashlib.sha256(key).digest()).hexdigest()[:32]
    return {"source": "ENLACE_FILE_KEY" if env else "var/file_key", "fingerprint": fingerprint if key else ""}


def migration_state(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The migrations this code has (all of them must be applied for a backup or a restore)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.nodes)


def pending_migrations(using: str = DEFAULT_DB_ALIAS) -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


class PreciseJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; the audit hashes cover microseconds."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def _models():
    """Every concrete model whose rows the backup holds, parents before children (as dumpdata orders them)."""
    excluded_apps = {e for e in EXCLUDED if "." not in e}
    excluded_models = {e for e in EXCLUDED if "." in e}
    app_list = {}
    for config in apps.get_app_configs():
        if config.label in excluded_apps or config.models_module is None:
            continue
        models = [m for m in config.get_models() if m._meta.managed and not m._meta.proxy
                  and m._meta.label_lower not in excluded_models]
        if models:
            app_list[config] = models
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def _dump(target: Path, using: str) -> dict[str, int]:
    """All rows as one JSON array (natural foreign keys, full datetime precision); returns counts per model."""
    counts: dict[str, int] = {}
    serializer = serializers.get_serializer("json")()
    # Protected models through the policy's system door: one audited ``system_read`` per personal-data model,
    # written *before* the snapshot below, so the copied trail already holds them.
    from enlace.sharing.models import ProtectedModel

    sources = []
    for model in _models():
        if issubclass(model, ProtectedModel):
            rows = model.objects.unrestricted(reason="enlace backup")
        else:  # reference data, the audit trail, sessions of the machinery: not behind the policy
            rows = model._meta.base_manager.all()
        sources.append((model, rows))
    # One read transaction: rows that refer to each other are copied at the same instant.
    with transaction.atomic(using=using), open(target, "w", encoding="utf-8") as fh:
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:  # one snapshot for every query of the dump
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        fh.write("[")
        first = True
        for model, rows in sources:
            rows = rows.using(using).order_by(model._meta.pk.name)
            n = rows.count()
            if not n:
                continue
            counts[model._meta.label_lower] = n
            pk = model._meta.pk.name
            last = None
            while True:  # in pages by primary key: memory stays flat at any volume
                page = list((rows if last is None else rows.filter(**{f"{pk}__gt": last}))[:CHUNK])
                if not page:
                    break
                last = getattr(page[-1], pk)
                buffer = io.StringIO()
                serializer.serialize(page, stream=buffer, use_natural_foreign_keys=True, cls=PreciseJSONEncoder)
                body = buffer.getvalue().strip()[1:-1].strip()  # the array's items, without its brackets
                if body:
                    fh.write(("" if first else ",\n") + body)
                    first = False
        fh.write("]\n")
    return counts


def make_backup(target: Path, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write a backup to ``target`` (a .tar.gz); returns the manifest."""
    if pending_migrations(using):
        raise BackupRefused("La base de datos tiene migraciones pendientes: ejecute «enlace migrate» antes de la "
                            "copia. / The database has unapplied migrations: run `enlace migrate` first.")
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="enlace-backup-") as tmp:
        data = Path(tmp) / "data.json"
        counts = _dump(data, using)
        files = {}
        root = media_root()
        if root.exists():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                files[path.relative_to(root).as_posix()] = _sha256(path)
        manifest = {
            "format": FORMAT, "enlace_version": enlace_version(), "created_at": timezone.now().isoformat(),
            "database_vendor": connections[using].vendor, "migrations": migration_state(using),
            "file_key": key_reference(), "counts": counts, "data_sha256": _sha256(data), "files": files,
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
            tar.add(data, arcname="data.json")
            for rel in files:
                tar.add(root / rel, arcname=f"files/{rel}")
        os.chmod(partial, 0o600)
        partial.replace(target)  # a backup is there whole or not at all
    return manifest


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, ValueError, AttributeError) as exc:
        raise BackupRefused("El archivo no es una copia de seguridad de Enlace (falta el manifiesto). / "
                            "Not an Enlace backup (no manifest).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"Formato de copia desconocido ({str(manifest.get('format'))[:40]!s}). / "
                            "Unknown backup format." if isinstance(manifest, dict) else
                            "Manifiesto dañado. / Damaged manifest.")
    return manifest


def check_restorable(manifest: dict, using: str = DEFAULT_DB_ALIAS) -> None:
    """Every reason to refuse, before anything is touched."""
    ours = set(migration_state(using))
    theirs = set(manifest.get("migrations") or [])
    if ours != theirs or manifest.get("enlace_version") != enlace_version():
        only_backup = sorted(theirs - ours)[:5]
        only_code = sorted(ours - theirs)[:5]
        raise BackupRefused(
            "La copia es de otra versión de Enlace "
            f"(copia {manifest.get('enlace_version')}, instalada {enlace_version()}; migraciones solo en la copia: "
            f"{only_backup or '—'}; solo en esta versión: {only_code or '—'}). Restáurela con la versión que la creó. "
            "/ The backup was made by another version of Enlace: restore it with the version that made it.")
    if (manifest.get("file_key") or {}).get("fingerprint") != key_reference()["fingerprint"]:
        raise BackupRefused(
            "La clave de archivos configurada no es la de la copia: los archivos no se podrían leer. Configure la "
            f"clave correcta (ENLACE_FILE_KEY o var/file_key; huella esperada {manifest['file_key'].get('fingerprint', '?')[:12]}…). "
            "/ Wrong file key: configure the key the backup was made with.")
    if pending_migrations(using):
        raise BackupRefused("La base de datos de destino tiene migraciones pendientes: ejecute «enlace migrate». / "
                            "Run `enlace migrate` on the target database first.")
    from enlace.audit.models import AuditEvent

    if AuditEvent.objects.using(using).exists():
        raise BackupRefused("La base de datos de destino ya tiene una bitácora de auditoría: una restauración nunca la "
                            "sobrescribe. Restaure en una base de datos nueva (enlace migrate). / The target database "
                            "already holds an audit trail: restore into a new, migrated database.")


def _extract_checked(tar: tarfile.TarFile, manifest: dict, into: Path) -> Path:
    """Extract data and files to ``into``, checking every checksum; returns the path of data.json."""
    expected = {"data.json": manifest.get("data_sha256")}
    expected.update({f"files/{rel}": digest for rel, digest in (manifest.get("files") or {}).items()})
    seen = set()
    for member in tar.getmembers():
        if member.name == "manifest.json":
            continue
        if member.name not in expected or not member.isfile():
            raise BackupRefused(f"La copia contiene un elemento inesperado ({member.name[:80]}). / Unexpected member.")
        target = into / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        with tar.extractfile(member) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        if _sha256(target) != expected[member.name]:
            raise BackupRefused(f"La copia está dañada ({member.name[:80]} no coincide con su suma). / "
                                "The backup is damaged (checksum mismatch).")
        seen.add(member.name)
    missing = set(expected) - seen
    if missing:
        raise BackupRefused(f"La copia está incompleta (faltan {len(missing)} elementos). / The backup is incomplete.")
    return into / "data.json"


def _flush_data_tables(using: str) -> None:
    conn = connections[using]
    from enlace.audit.models import AuditEvent

    # The audit table is append-only (a trigger refuses even TRUNCATE) and was checked empty above.
    kept = KEPT_TABLES | {AuditEvent._meta.db_table}
    tables = [t for t in conn.introspection.django_table_names(only_existing=True, include_views=False)
              if t not in kept]
    from django.core.management.color import no_style

    statements = conn.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=False)
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def restore_backup(source: Path, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Restore ``source`` into the (migrated, empty-trail) database and the files directory; returns a summary."""
    from enlace.audit.log import verify_chain

    source = Path(source)
    try:
        tar = tarfile.open(source, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupRefused(f"No se pudo abrir la copia {source.name}: {type(exc).__name__}. / Cannot open the "
                            "backup.") from exc
    root = media_root()
    with tar, tempfile.TemporaryDirectory(prefix=".enlace-restore-", dir=root.parent) as tmp:
        manifest = read_manifest(tar)
        check_restorable(manifest, using)
        data = _extract_checked(tar, manifest, Path(tmp))
        with transaction.atomic(using=using):
            _flush_data_tables(using)
            call_command("loaddata", str(data), database=using, verbosity=0)
            ok, count, bad_seq, reason = verify_chain()
            if not ok:
                raise BackupRefused(f"La bitácora restaurada no es íntegra (evento #{bad_seq}: {reason}); no se "
                                    "restauró nada. / The restored audit chain is broken; nothing was restored.")
        # The database is committed: swap the files in (the previous directory is kept beside it).
        staged = Path(tmp) / "files"
        staged.mkdir(exist_ok=True)
        kept = None
        if root.exists() and any(root.iterdir()):
            kept = root.with_name(f"{root.name}.before-restore-{timezone.now():%Y%m%d%H%M%S}")
            root.rename(kept)
        elif root.exists():
            root.rmdir()
        shutil.move(str(staged), str(root))
    return {"events": count, "rows": sum(manifest["counts"].values()), "files": len(manifest["files"]),
            "kept": str(kept) if kept else ""}
