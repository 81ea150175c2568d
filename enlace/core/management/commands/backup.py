from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enlace.core.backup import BackupRefused, make_backup


class Command(BaseCommand):
    help = ("Back up the database (all apps, portable JSON), the encrypted uploaded files and the reference of the "
            "file key (never the key itself) into one .tar.gz.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="archivo de destino, p. ej. /var/backups/enlace-2026-12-03.tar.gz")

    def handle(self, *args, **options):
        try:
            manifest = make_backup(Path(options["path"]))
        except BackupRefused as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Copia creada / backup written: {options['path']} ({rows} filas/rows, {len(manifest['files'])} "
            f"archivos/files, clave/key {manifest['file_key']['fingerprint'][:12]}…)"))
