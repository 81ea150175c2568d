from django.core.management.base import BaseCommand, CommandError

from enlace.accounts.actions import do_create_api_token
from enlace.accounts.models import User


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (for operators and tests). The token is shown only once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No existe un usuario activo «{options['username']}» / no active user with that name.")
        if not 1 <= options["days"] <= 365:
            raise CommandError("--days debe estar entre 1 y 365 / must be between 1 and 365.")
        from enlace.audit import context as audit_context

        audit_context.set_channel("cli")
        _instance, token = do_create_api_token(user, days=options["days"])
        self.stdout.write(token)
