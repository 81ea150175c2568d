"""Several processes, one truth (issue 17): two ``enlace serve`` processes and one ``enlace worker`` on one
PostgreSQL. A client connected to server B sees what server A and the worker did: an exchange message sent
through A arrives on B's live stream; an import queued through A is run by the worker, its progress is read
through B, and the hit the imported person produces is listed through B.

PostgreSQL only (``ENLACE_TEST_DB=postgresql``): with SQLite the deployment is one process by design.
"""

import asyncio
import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection

from enlace.accounts.actions import do_create_api_token
from enlace.cases import actions as cases
from enlace.exchange import liveserver
from enlace.exchange.tests.helpers import focal
from enlace.testing import factories as f

ROOT = Path(__file__).resolve().parents[3]
CSV = ("nombres;primer_apellido;segundo_apellido;sexo;fecha_nacimiento;nacionalidad;funcion;tipo_documento;"
       "numero_documento\n"
       "Jose Luis;Hernandez;;M;1988-03-07;GTM;sospechoso;Pasaporte;G 1234 5678\n"
       "Marta;Ajú;Cux;F;1996-09-07;GTM;testigo;;\n").encode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args, env):
    return subprocess.Popen([sys.executable, "-m", "enlace.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_serving(*ports):
    deadline = time.monotonic() + 60
    for port in ports:
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/salud/", timeout=2).status_code in (200, 503):
                    break
            except httpx.HTTPError:
                time.sleep(0.2)


def csrf_post(client, url, data, files=None):
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return client.post(url, data={**data, "csrfmiddlewaretoken": token}, files=files,
                       headers={"Referer": url})


@pytest.mark.skipif(os.environ.get("ENLACE_TEST_DB") != "postgresql", reason="several processes need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_servers_and_a_worker_share_one_truth():
    assert connection.vendor == "postgresql"
    gtm, mex, pan = focal("GTM"), focal("MEX"), focal("PAN")
    case_g = cases.do_set_case_matching(gtm, cases.do_create_case(gtm, title="Red", case_type="smuggling"), allow=True)
    person = cases.do_add_entity(gtm, case_g, schema="Person", role="suspect", given_names="José Luis",
                                 surname_1="Hernández", surname_2="Pérez", dob=dt.date(1988, 3, 7), nationality="GTM",
                                 sex="M")
    doc = cases.do_add_entity(gtm, case_g, schema="Passport", doc_number="G12345678", doc_type="passport",
                              doc_country="GTM")
    cases.do_add_link(gtm, case_g, kind="holds_document", source=person, target=doc)
    case_m = cases.do_set_case_matching(mex, cases.do_create_case(mex, title="Tapachula", case_type="smuggling"),
                                        allow=True)
    token_pan = do_create_api_token(pan, days=1)[1]
    token_gtm = do_create_api_token(gtm, days=1)[1]
    cookies = {u.username: f.verified_client(u).cookies["sessionid"].value for u in (gtm, mex)}

    env = {**os.environ, "DATABASE_URL": liveserver.database_url_for_current_test_db(),
           "DJANGO_SETTINGS_MODULE": "enlace.settings.base", "PYTHONUNBUFFERED": "1"}
    env.pop("ENLACE_TEST_DB", None)
    port_a, port_b = free_port(), free_port()
    # All three start at once (each needs seconds to import Django).
    procs = [start(["serve", "--port", str(port_a)], env), start(["serve", "--port", str(port_b)], env),
             start(["worker", "--queue-name", "*", "--no-reload", "--interval", "0.2", "--no-startup-delay"], env)]
    wait_until_serving(port_a, port_b)
    a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    try:
        # 1. Exchange: sent through A by Panamá, announced on Guatemala's stream on B.
        events = []

        async def exchange():
            ready = asyncio.Event()

            async def listen():
                async with httpx.AsyncClient(timeout=httpx.Timeout(10, read=8)) as client:
                    async with client.stream("GET", f"{b}/intercambio/eventos/",
                                             cookies={"sessionid": cookies[gtm.username]}) as r:
                        assert r.status_code == 200
                        ready.set()
                        try:
                            async for line in r.aiter_lines():
                                if line.startswith("data:") and '"thread"' in line:
                                    events.append(line)
                                    return
                        except httpx.ReadTimeout:
                            return

            listener = asyncio.create_task(listen())
            await asyncio.wait_for(ready.wait(), 10)
            await asyncio.sleep(0.3)
            async with httpx.AsyncClient(timeout=10) as client:
                r = await client.post(f"{a}/api/v1/exchange/threads/", headers={"Authorization": f"Token {token_pan}"},
                                      json={"kind": "alert", "subject": "Paso", "body": "B", "priority": "urgent",
                                            "recipient_countries": ["GTM"]})
                assert r.status_code == 201, r.text
            await asyncio.wait_for(listener, 10)
            return r.json()["id"]

        thread_id = asyncio.run(exchange())
        assert events and f'"thread": {thread_id}' in events[0]

        # 2. Import through A (Mexico's page), run by the worker, progress read through B.
        with httpx.Client(base_url=a, cookies={"sessionid": cookies[mex.username]}, timeout=20) as on_a:
            r = csrf_post(on_a, f"/casos/{case_m.pk}/importar/", {}, files={"file": ("lista.csv", CSV, "text/csv")})
            assert r.status_code == 302, r.text[-500:]
            batch_url = r.headers["location"]
            batch_id = int(re.search(r"/importaciones/(\d+)/", batch_url).group(1))
            page = on_a.get(batch_url).text
            mapping = {}  # what the page proposes (the guessed mapping), as a browser would send it back
            for target, options in re.findall(r'<select id="map_(\w+)"[^>]*>(.*?)</select>', page, re.S):
                chosen = re.search(r'<option value="([^"]*)" selected', options)
                mapping[target] = chosen.group(1) if chosen else ""
            r = csrf_post(on_a, batch_url, {f"map_{k}": v for k, v in mapping.items()})
            assert r.status_code == 302
        seen = []
        with httpx.Client(base_url=b, cookies={"sessionid": cookies[mex.username]}, timeout=10) as on_b:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                r = on_b.get(f"/casos/importaciones/{batch_id}/progreso/", headers={"HX-Request": "true"})
                seen.append(r.text)
                if r.headers.get("HX-Refresh") == "true":
                    break
                time.sleep(0.2)
            assert r.headers.get("HX-Refresh") == "true", seen[-3:]
            result = on_b.get(f"/casos/importaciones/{batch_id}/").text
            assert 'id="import-done"' in result, re.findall(r'<div class="message[^>]*>.*?</div>', result, re.S)[:2]
            assert any("Importación en cola" in text or "Procesadas" in text for text in seen[:-1]) or len(seen) == 1

        # 3. The imported person was checked in the worker; Guatemala sees the hit through B.
        with httpx.Client(base_url=b, headers={"Authorization": f"Token {token_gtm}"}, timeout=10) as api_b:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                hits = api_b.get("/api/v1/hits/").json()["results"]
                if hits:
                    break
                time.sleep(0.3)
            assert hits and hits[0]["own_case"] == case_g.reference and hits[0]["other_country"] in ("MEX", mex.institution.country_id), hits
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
