from django.core.management.base import BaseCommand

from enlace.core.reference import load_reference


class Command(BaseCommand):
    help = "Load the reference data (countries, observer bodies, roles). Idempotent."

    def handle(self, *args, **options):
        result = load_reference()
        self.stdout.write(f"Referencia: {result['countries']} países/organismos, {result['institutions']} instituciones, "
                          f"{len(result['roles'])} funciones (roles).")
