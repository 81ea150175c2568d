"""Submissions through pages, template and API; give-to-get; bad input; corrections."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from enlace.core.exports import xlsx_bytes
from enlace.statistics import actions, importing
from enlace.statistics.models import Submission
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from .helpers import locked, period, values

pytestmark = pytest.mark.django_db


def _upload(client, p, content, name="datos.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/estadisticas/envios/cargar/", {"period": p.pk, "file": SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})


def _filled_template(client, edits):
    wb = load_workbook(io.BytesIO(client.get("/estadisticas/envios/plantilla/").content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    out = []
    for row in rows[1:]:
        key = tuple(v or "" for v in row[:3])
        out.append((*row[:4], edits.get(key)))
    return rows[0], out


def test_template_round_trip_and_all_or_nothing():
    p = period()
    analyst = f.user("GTM", "analyst")
    client = f.verified_client(analyst)
    header, rows = _filled_template(client, values(100, (60, 30, 10)))
    r = _upload(client, p, xlsx_bytes([("Datos", header, rows)]))
    assert r.status_code == 302
    sub = Submission.objects.restrict(analyst, "view").get()
    assert actions.cell_values(sub)[("TIM-MIG", "sex", "F")] == 60
    # A negative count and a breakdown that does not add up: nothing changes, line and column named.
    header, rows = _filled_template(client, {**values(100, (60, 30, 5)), ("TIM-SMUG", "", ""): -3})
    r = _upload(client, p, xlsx_bytes([("Datos", header, rows)]))
    body = r.content.decode()
    assert r.status_code == 400 and "negativo" in body and "suma 95" in body and "columna E" in body
    assert actions.cell_values(Submission.objects.restrict(analyst, "view").get())[("TIM-MIG", "sex", "X")] == 10
    # A changed layout is refused as a whole.
    r = _upload(client, p, xlsx_bytes([("Datos", ["indicador", "valor"], [("TIM-MIG", 5)])]))
    assert r.status_code == 400 and "La plantilla cambió" in r.content.decode()


def test_locked_period_refuses_new_figures_until_a_correction():
    p = period()
    analyst = f.user("GTM", "analyst")
    sub = locked("GTM", p, analyst=analyst)
    client = f.verified_client(analyst)
    r = client.post(f"/estadisticas/envios/formulario/{p.pk}/TIM/", {"TIM-MIG||": "5"})
    assert r.status_code == 400 and "corrección" in r.content.decode()
    r = client.post(f"/estadisticas/envios/{sub.pk}/corregir/", {"reason": "Registro tardío de Petén"})
    new = Submission.objects.restrict(analyst, "view").get(version=2)
    assert r.status_code == 302 and new.status == "draft" and new.reason
    r = client.post(f"/estadisticas/envios/formulario/{p.pk}/TIM/", {"TIM-MIG||": "120", "TIM-MIG|sex|F": "70",
                                                                     "TIM-MIG|sex|M": "40", "TIM-MIG|sex|X": "10"})
    assert r.status_code == 302
    assert actions.cell_values(Submission.objects.restrict(analyst, "view").get(version=2))[("TIM-MIG", "", "")] == 120
    assert Submission.objects.restrict(analyst, "view").get(version=1).is_current


def test_give_to_get_and_suppression_in_pages_and_api():
    p = period()
    locked("HND", p, values(100, (85, 9, 6)))
    slv = f.user("SLV", "analyst")
    gtm = f.user("GTM", "analyst")
    # El Salvador has not given: it sees nothing of Honduras.
    body = f.verified_client(slv).get(f"/estadisticas/?period={p.code}").content.decode()
    assert 'id="give-to-get"' in body and ">HND<" not in body
    assert f.token_client(slv).get(f"/api/v1/estadisticas/regional/?period={p.code}").json()["countries"] == []
    locked("GTM", p, values(200, (100, 50, 50)))
    data = f.token_client(gtm).get(f"/api/v1/estadisticas/regional/?period={p.code}").json()
    assert data["totals"]["TIM-MIG"] == {"GTM": 200, "HND": 100}
    # Honduras: M 9 and X 6 hidden (together 15 ≥ 11, so F 85 may stay); Guatemala whole.
    assert data["breakdown"]["TIM-MIG"]["sex"] == {"F": 185, "M": 50, "X": 50}
    hnd = Submission.objects.restrict(gtm, "view").get(country__code="HND")
    cells = f.token_client(gtm).get(f"/api/v1/estadisticas/envios/{hnd.pk}/").json()["cells"]
    assert sorted(c["value"] for c in cells) == [85, 100]


def test_api_push_all_or_nothing_and_bad_period():
    p = period()
    analyst = f.user("MEX", "analyst")
    api = f.token_client(analyst)
    body = {"period": p.code, "cells": [{"indicator": "TIM-MIG", "value": 30},
                                        {"indicator": "TIM-MIG", "dimension": "sex", "category": "F", "value": 40}]}
    r = api.post("/api/v1/estadisticas/envios/", body, format="json")
    assert r.status_code == 400 and r.json()["error"]["status"] == 400
    assert not Submission.objects.restrict(analyst, "view").exists()
    body["cells"][1]["value"] = 20
    assert api.post("/api/v1/estadisticas/envios/", body, format="json").status_code == 201
    r = api.post("/api/v1/estadisticas/envios/", {"period": "1900", "cells": []}, format="json")
    assert r.status_code == 400


def test_lists_run_constant_queries():
    p = period()
    st = f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))
    client = f.verified_client(st)
    codes = iter(["GTM", "HND", "MEX", "PAN", "CRI", "NIC", "BLZ", "DOM", "SLV", "USA", "CAN"])

    def add(n):
        for _i in range(min(n, 3)):
            locked(next(codes), p)

    add(2)
    assert_constant_queries(client, "/estadisticas/envios/", add, more=3)
    assert_constant_queries(client, f"/estadisticas/?period={p.code}", add, more=3)
    assert_constant_queries(client, "/api/v1/estadisticas/envios/", add, more=3, slack=0)


def test_hostile_input_gets_translated_messages_not_500():
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = period()
    analyst = f.user("GTM", "analyst")
    api = f.token_client(analyst)
    for body in ({"period": p.code, "cells": "x"}, {"period": p.code, "cells": [{"indicator": "TIM-MIG", "value": "a"}]},
                 {"period": p.code, "cells": [{"indicator": "TIM-MIG", "value": 10 ** 30}]},
                 {"period": p.code, "cells": [{"indicator": "NOPE", "value": 1}]}, {"period": "\x00", "cells": []}):
        r = api.post("/api/v1/estadisticas/envios/", body, format="json")
        assert r.status_code == 400 and r.json()["error"]["status"] == 400, (body, r.status_code)
    assert api.get("/api/v1/estadisticas/regional/?period=%00").status_code == 400
    client = f.verified_client(analyst)
    r = client.post("/estadisticas/envios/cargar/", {"period": p.pk, "file": SimpleUploadedFile("a.xlsx", b"not a zip")})
    assert r.status_code == 400
    r = client.post(f"/estadisticas/envios/formulario/{p.pk}/TIM/", {"TIM-MIG||": "doce"})
    assert r.status_code == 400 and "no es un número entero" in r.content.decode()
    assert client.post("/estadisticas/informes/", {"period": "\x00"}).status_code == 302
    assert not Submission.objects.restrict(analyst, "view").exists()
