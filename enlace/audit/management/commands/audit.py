from django.core.management.base import BaseCommand, CommandError

from enlace.audit.log import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `enlace audit verify` exits 0 when the hash chain is intact."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args, **options):
        ok, count, bad_seq, reason = verify_chain()
        if ok:
            self.stdout.write(self.style.SUCCESS(f"OK: cadena íntegra, {count} eventos / chain intact, {count} events"))
            return
        raise CommandError(f"ALTERADO / TAMPERED: primer evento alterado #{bad_seq} ({reason}); "
                           f"first altered event #{bad_seq}")
