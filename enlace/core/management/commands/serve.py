import os

import uvicorn
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Enlace over ASGI (uvicorn). Static assets are served by the application itself."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args, **options):
        self.stdout.write(f"Enlace en http://{options['host']}:{options['port']}/  (Ctrl+C para detener)")
        from enlace.core.server import NoDelayHTTPProtocol  # TCP_NODELAY with any number of workers (issue 17)
        from enlace.jobs import warmup

        # No cold start (jobs/warmup.py): spawned workers warm up in JobsConfig.ready; a single one, here.
        os.environ[warmup.ENV] = "1"
        if options["workers"] == 1:
            warmup.warm_up()

        uvicorn.run("enlace.asgi:application", host=options["host"], port=options["port"],
                    workers=options["workers"], proxy_headers=False, log_level="info", http=NoDelayHTTPProtocol,
                    access_log=False)  # one JSON line per request comes from enlace.core.jsonlog
