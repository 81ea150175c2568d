"""No cold start (issue 17): a server worker process (``ENLACE_WARM_UP=1``, set by ``enlace serve``)
has the matching engine loaded when Django is ready; any other process (tests, commands) does not pay."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = ("import django, json, sys; django.setup(); "
         "from enlace.matching.engine import model; "
         "print(json.dumps({'index': 'enlace.matching.index' in sys.modules, 'models': len(model._CACHE)}))")


def _fresh_process(**env) -> dict:
    environ = {k: v for k, v in os.environ.items() if k != "ENLACE_WARM_UP"}
    environ.update(DJANGO_SETTINGS_MODULE="enlace.settings.base", **env)
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=environ,
                         cwd=str(settings.BASE_DIR), check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_server_workers_load_the_matching_model_at_start_and_other_processes_do_not():
    assert _fresh_process(ENLACE_WARM_UP="1") == {"index": True, "models": 1}
    assert _fresh_process() == {"index": False, "models": 0}
