"""``enlace backup`` / ``enlace restore`` (issue 17): backup → wipe → restore → the audit chain verifies and a
sample of records, files and audit events is identical; a backup of another version, with another key or
damaged is refused with a clear message and nothing is touched."""

import io
import json
import shutil
import tarfile

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from enlace.audit import triggers
from enlace.audit.models import AuditEvent
from enlace.cases.models import Case, Entity, ImportBatch
from enlace.cases import actions
from enlace.cases.tests.helpers import make_case
from enlace.core.uploads import read_decrypted
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def build_data():
    owner = f.user("GTM", "focal_point")
    case = make_case(owner)
    # An organisation, not a person: the test needs rows, not the matching engine's checks.
    actions.do_add_entity(owner, case, schema="Organization", name="Transportes del Sur")
    client = f.verified_client(owner)
    client.post(f"/casos/{case.pk}/importar/", {"file": SimpleUploadedFile(
        "lista.csv", "nombres;primer_apellido\nAna;Cux\n".encode())})
    return owner, case


def snapshot():
    # Events first: the system reads below are audited themselves.
    events = list(AuditEvent.objects.order_by("seq").values("seq", "kind", "hash", "prev_hash", "object_id", "at"))
    cases = list(Case.objects.unrestricted(reason="test").order_by("pk").values())
    entities = list(Entity.objects.unrestricted(reason="test").order_by("pk").values())
    files = {b.stored_path: read_decrypted(b.stored_path)
             for b in ImportBatch.objects.unrestricted(reason="test").order_by("pk")}
    return {"cases": cases, "entities": entities, "events": events, "files": files}


def table_count(table):
    """Counted in SQL: a system read through the ORM would itself be audited."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
        return cursor.fetchone()[0]


def wipe(media):
    triggers.remove(connection)
    call_command("flush", interactive=False, verbosity=0)
    triggers.install(connection)
    shutil.rmtree(media)


def test_backup_wipe_restore_verify(media, tmp_path):
    build_data()
    archive = tmp_path / "copia.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    before = snapshot()
    assert before["files"] and before["entities"] and len(before["events"]) > 3
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "data.json" in names and any(n.startswith("files/enc/") for n in names)
    # The key reference, never the key.
    assert read_key() not in json.dumps(manifest) and set(manifest["file_key"]) == {"source", "fingerprint"}

    with pytest.raises(CommandError, match="ya tiene una bitácora"):  # never over an existing trail
        call_command("restore", str(archive))

    wipe(media)
    assert table_count("cases_case") == table_count("audit_auditevent") == 0 and not media.exists()
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "bitácora íntegra" in out.getvalue()
    call_command("audit", "verify", stdout=io.StringIO())
    assert snapshot() == before


def read_key():
    from enlace.core.uploads import _key

    return _key().decode()


def rewrite(archive, target, change):
    """A copy of the archive with its manifest changed by ``change(manifest)``."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_restore_refuses_another_version_a_wrong_key_or_a_damaged_copy(media, tmp_path, monkeypatch):
    build_data()
    archive = tmp_path / "copia.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    wipe(media)
    media.mkdir()
    (media / "keep.txt").write_text("untouched")
    counts = (table_count("cases_case"), table_count("audit_auditevent"))

    older = tmp_path / "older.tar.gz"
    rewrite(archive, older, lambda m: m.update(migrations=m["migrations"][:-1]))
    with pytest.raises(CommandError, match="otra versión de Enlace"):
        call_command("restore", str(older))

    damaged = tmp_path / "damaged.tar.gz"
    rewrite(archive, damaged, lambda m: m.update(data_sha256="0" * 64))
    with pytest.raises(CommandError, match="dañada"):
        call_command("restore", str(damaged))

    monkeypatch.setenv("ENLACE_FILE_KEY", Fernet.generate_key().decode())
    with pytest.raises(CommandError, match="clave de archivos"):
        call_command("restore", str(archive))
    monkeypatch.delenv("ENLACE_FILE_KEY")

    (tmp_path / "not-a-backup.tar.gz").write_bytes(b"hola")
    with pytest.raises(CommandError, match="No se pudo abrir"):
        call_command("restore", str(tmp_path / "not-a-backup.tar.gz"))

    # Nothing was touched by any refusal.
    assert (table_count("cases_case"), table_count("audit_auditevent")) == counts
    assert [p.name for p in media.iterdir()] == ["keep.txt"]
