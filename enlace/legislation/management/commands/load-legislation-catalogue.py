from django.core.management.base import BaseCommand

from enlace.legislation.actions import do_load_catalogue


class Command(BaseCommand):
    help = "Load the catalogue of Protocol requirements and indicators (legislation/data/catalogue.json). Idempotent."

    def handle(self, *args, **options):
        s = do_load_catalogue()
        self.stdout.write(f"Catálogo de legislación: {s['requirements']} requisitos, {s['indicators']} indicadores "
                          f"({s['created']} nuevos, {s['updated']} actualizados).")
