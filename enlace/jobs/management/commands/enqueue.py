from django.core.management.base import BaseCommand

from enlace.jobs import tasks


class Command(BaseCommand):
    help = ("Queue background work for `enlace worker`: `periodic` (every periodic function the apps declare, one "
            "task each; schedule it with the systemd timer) or `match-all` (batch matching reconciliation).")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["periodic", "match-all"])

    def handle(self, *args, **options):
        if options["what"] == "periodic":
            n = tasks.queue_periodic()
            self.stdout.write(f"{n} tareas periódicas en cola / periodic tasks queued")
        else:
            tasks.queue_match_all()
            self.stdout.write("Conciliación de coincidencias en cola / match-all queued")
