from django.core.management.base import BaseCommand

from enlace.matching.reconcile import reconcile_all


class Command(BaseCommand):
    help = ("Compare every matchable person with the other countries' records (batch) and record the hits. "
            "Schedule it (e.g. nightly) when several server processes run; idempotent.")

    def handle(self, *args, **options):
        stats = reconcile_all()
        self.stdout.write(f"Coincidencias: {stats['pairs']} pares, {stats['new_notices']} avisos nuevos.")
