"""No cell below 11 reaches another country (3.6): a property test over random figures, through the
dashboard page, its XLSX and PDF exports and the API; the owner country still sees everything."""

from __future__ import annotations

import io
import re

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from enlace.centres import actions, figures
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

SMALL = 11
cell = st.tuples(st.sampled_from(["HTI", "VEN", "CUB", "HND", "NIC"]), st.sampled_from(["F", "M", "X"]),
                 st.sampled_from(["adult", "child", "unaccompanied"]), st.sampled_from(["", "refugee", "over_65"]),
                 st.integers(min_value=1, max_value=40))
figure_sets = st.lists(st.tuples(st.sampled_from(["Centro Norte", "Centro Sur", "Centro Este"]), cell),
                       min_size=1, max_size=25)


def _numbers_for(country_code: str, lines) -> list[int]:
    out = []
    for line in lines:
        if line and line[0] == country_code:
            out.append(int(line[-1]))
    return out


def _page_rows(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=figure_sets)
def test_no_cell_below_11_reaches_another_country(data):
    day = timezone.localdate()
    with transaction.atomic():
        hnd = f.user("HND", "centre_manager")
        viewer = f.user("GTM", "analyst")
        rows = [{"centre": name, "date": day, "capacity": 100, "nationality": n, "sex": s, "age_band": b,
                 "vulnerability": v, "count": c} for name, (n, s, b, v, c) in data]
        actions.do_import_figures(hnd, rows, distribution=Distribution.NETWORK)
        truth = figures.merge([[[r["nationality"], r["sex"], r["age_band"], r["vulnerability"], r["count"]]
                                for r in rows]])
        published_total = sum(n for n in truth.values() if n >= SMALL)

        client = f.verified_client(viewer)
        # API
        api = f.token_client(viewer).get(f"/api/v1/centros/ocupacion/?date={day.isoformat()}").json()
        block = next(b for b in api["countries"] if b["country"] == "HND")
        assert not block["own"] and block["capacity"] is None and block["centres"] == []
        assert all(c["count"] >= SMALL for c in block["cells"])
        assert block["total"] == published_total and (block["total"] == 0 or block["total"] >= SMALL)
        for series in api["charts"].values():
            assert all(n == 0 or n >= SMALL for _k, n in series)
        # Page
        html = client.get(f"/centros/ocupacion/?date={day.isoformat()}").content.decode()
        page_cells = [r for r in _page_rows(html, "cells") if r and r[0] == "HND"]
        assert all(int(r[-1]) >= SMALL for r in page_cells)
        totals = [r for r in _page_rows(html, "country-totals") if r and r[0].startswith("Honduras")]
        assert totals and int(totals[0][1]) == published_total
        # XLSX
        wb = load_workbook(io.BytesIO(client.get(f"/centros/ocupacion/xlsx/?date={day.isoformat()}").content))
        cells = [list(r) for r in wb["Celdas"].iter_rows(min_row=2, values_only=True)]
        assert all(n >= SMALL for n in _numbers_for("HND", cells))
        tot = [list(r) for r in wb["Totales"].iter_rows(min_row=2, values_only=True) if r[0] == "HND"]
        assert tot[0][2] == published_total
        # PDF: every table line about Honduras ends in a published number
        pdf = client.get(f"/centros/ocupacion/pdf/?date={day.isoformat()}").content
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        for line in text.splitlines():
            if line.startswith("HND "):
                assert int(line.split()[-1]) >= SMALL or int(line.split()[-1]) == published_total, line
        # The owner country sees its own figures whole.
        own = f.token_client(hnd).get(f"/api/v1/centros/ocupacion/?date={day.isoformat()}").json()
        mine = next(b for b in own["countries"] if b["country"] == "HND")
        assert mine["own"] and mine["total"] == sum(truth.values())
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_foreign_figure_sets_in_lists_and_api_carry_no_numbers():
    day = timezone.localdate()
    hnd = f.user("HND", "centre_manager")
    actions.do_import_figures(hnd, [{"centre": "Centro Pequeño", "date": day, "capacity": 10, "nationality": "HTI",
                                     "sex": "F", "age_band": "child", "vulnerability": "", "count": 3}],
                              distribution=Distribution.NETWORK)
    viewer = f.user("GTM", "centre_manager")
    row = f.token_client(viewer).get("/api/v1/centros/cifras/").json()["results"][0]
    assert row["centre_name"] == "Centro Pequeño" and row["cells"] is None and row["total"] is None
    html = f.verified_client(viewer).get("/centros/cifras/").content.decode()
    assert "Centro Pequeño" in html and ">3<" not in html
