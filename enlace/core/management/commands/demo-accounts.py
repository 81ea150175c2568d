from django.core.management.base import BaseCommand

from enlace.core.demo import demo_accounts


class Command(BaseCommand):
    help = "Print the demo accounts with their password, TOTP secret and the code valid right now."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", help="usernames to show (default: all)")

    def handle(self, *args, **options):
        rows = demo_accounts()
        if options["only"]:
            rows = [r for r in rows if r[0] in set(options["only"])]
        header = ("usuario/username", "contraseña/password", "secreto TOTP/TOTP secret", "código/code", "funciones/roles", "país")
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        line = "  ".join("{:<%d}" % w for w in widths)
        self.stdout.write(line.format(*header))
        for row in rows:
            self.stdout.write(line.format(*row))
        self.stdout.write("\nEl código TOTP cambia cada 30 s: vuelva a ejecutar `enlace demo-accounts` o use el secreto en su app.")
