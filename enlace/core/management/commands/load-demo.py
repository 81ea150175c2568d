from django.core.management import call_command
from django.core.management.base import BaseCommand

from enlace.core.demo import load_core_demo, run_demo_loaders


class Command(BaseCommand):
    help = "Load the demo data set (idempotent): officials of every member country, then each app's demo data."

    def handle(self, *args, **options):
        call_command("load-reference", stdout=self.stdout)
        created = load_core_demo()
        self.stdout.write(f"Demo: {created} usuarios nuevos.")
        run_demo_loaders(self.stdout)
