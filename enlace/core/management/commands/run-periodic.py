from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = ("Run the periodic tasks the apps declare (reminders, expiries, overdue detection). "
            "Schedule it every few minutes (cron or a systemd timer); each task is idempotent.")

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            for dotted in getattr(config, "periodic_tasks", []):
                result = import_string(dotted)()
                self.stdout.write(f"{dotted}: {result}")
