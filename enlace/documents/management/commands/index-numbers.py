"""``enlace index-numbers``: rebuild the number index of the case entities (after an upgrade or a restore).

Register entries are indexed when they are added; case entities after every change. This command
re-reads every person and document of the cases (as the system, audited) in chunks and rewrites
their rows through ``do_index_entities``.
"""

from django.core.management.base import BaseCommand

from enlace.audit import context as audit_context


class Command(BaseCommand):
    help = "Rebuild the document/phone number index of the case entities."

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=2000)

    def handle(self, *args, chunk=2000, **options):
        from enlace.cases.models import Entity

        from ...actions import do_index_entities

        audit_context.set_channel("cli")
        pks = list(Entity.objects.unrestricted(reason="documents: rebuild the number index")
                   .filter(schema__in=["Person", "Passport", "Identification"]).order_by("pk")
                   .values_list("pk", flat=True))
        rows = 0
        for i in range(0, len(pks), max(1, chunk)):
            rows += do_index_entities(pks[i:i + chunk], reason="index-numbers command")
        self.stdout.write(f"entities: {len(pks)}, numbers indexed: {rows}")
