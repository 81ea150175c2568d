from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enlace.core.backup import BackupRefused, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup made by `enlace backup` into a migrated database with no audit trail yet. Refuses "
            "(touching nothing) a backup of another version, made with another file key, or damaged.")

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No existe la copia {path}. / No such backup file.")
        try:
            summary = restore_backup(path)
        except BackupRefused as exc:
            raise CommandError(f"No se restauró nada / nothing restored: {exc}") from None
        self.stdout.write(self.style.SUCCESS(
            f"Restaurado / restored: {summary['rows']} filas/rows, {summary['files']} archivos/files; bitácora íntegra "
            f"/ audit chain intact ({summary['events']} eventos/events)."))
        if summary["kept"]:
            self.stdout.write(f"Archivos anteriores conservados en / previous files kept in {summary['kept']}")
