from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from enlace.matching.reconcile import reconcile_all


class Command(BaseCommand):
    help = ("Compare every matchable person with the other countries' records (batch) and record the hits. "
            "Schedule it (e.g. nightly) when several server processes run; idempotent.")

    def handle(self, *args, **options):
        stats = reconcile_all()
        pairs = ngettext("%(n)s par", "%(n)s pares", stats["pairs"]) % {"n": stats["pairs"]}
        notices = ngettext("%(n)s aviso nuevo", "%(n)s avisos nuevos", stats["new_notices"]) % {
            "n": stats["new_notices"]}
        self.stdout.write(f"Coincidencias: {pairs}, {notices}.")
