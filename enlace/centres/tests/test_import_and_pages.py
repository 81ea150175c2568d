"""Figures import (all or nothing, line/column errors, changed layout), constant queries on every list
page and API list, pages in the menu of the centre manager, demo data and standards."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enlace.centres import actions, importing
from enlace.centres.models import FigureSet, Standard
from enlace.core.exports import xlsx_bytes
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from .helpers import centre, entry, manager

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(rows, header=None):
    data = xlsx_bytes([("Cifras", header or importing.COLUMNS, rows)])
    return SimpleUploadedFile("cifras.xlsx", data, content_type=XLSX)


def test_the_template_imports_and_a_bad_file_imports_nothing_with_line_and_column_errors():
    user = manager("HND")
    client = f.verified_client(user)
    tpl = client.get("/centros/cifras/plantilla.xlsx")
    assert tpl.status_code == 200
    from openpyxl import load_workbook

    assert [c.value for c in next(load_workbook(io.BytesIO(tpl.content)).worksheets[0].iter_rows())] == importing.COLUMNS
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    good = [("Albergue Belén", day, 80, "GTM", "M", "adult", "", 14), ("Albergue Belén", day, 80, "SLV", "F", "child",
                                                                        "refugee", 3)]
    r = client.post("/centros/cifras/importar/", {"file": upload(good), "distribution": "network"})
    assert r.status_code == 302
    fs = FigureSet.objects.restrict(user, "list").get()
    assert fs.total == 17 and fs.source == "import" and fs.distribution == Distribution.NETWORK
    bad = [("Albergue Sur", day, 50, "XXQ", "M", "adult", "", 4), ("", "2999-01-01", 50, "GTM", "Z", "old",
                                                                   "nada", 0)]
    r = client.post("/centros/cifras/importar/", {"file": upload(bad), "distribution": "network"})
    page = r.content.decode()
    assert r.status_code == 400
    for text in ("línea 2, columna «nationality»", "línea 3, columna «centre»", "línea 3, columna «date»",
                 "línea 3, columna «sex»", "línea 3, columna «age_band»", "línea 3, columna «vulnerability»",
                 "línea 3, columna «count»"):
        assert text in page, text
    r = client.post("/centros/cifras/importar/", {"file": upload(good, header=["centro", *importing.COLUMNS[1:]]),
                                                  "distribution": "network"})
    assert r.status_code == 400 and "La plantilla cambió" in r.content.decode()
    assert FigureSet.objects.restrict(user, "list").count() == 1
    en = f.verified_client(user)
    en.cookies["django_language"] = "en"
    r = en.post("/centros/cifras/importar/", {"file": upload(bad), "distribution": "network"},
                HTTP_ACCEPT_LANGUAGE="en")
    assert "line 2, column “nationality”" in r.content.decode()


def test_bad_filters_and_dates_are_400_with_a_message():
    user = manager("GTM")
    client = f.verified_client(user)
    assert client.get("/centros/estancias/?centre=abc").status_code == 400
    assert client.get("/centros/ocupacion/?date=2024-13-45").status_code == 400
    assert "Fecha no válida" in client.get("/centros/ocupacion/?date=ayer").content.decode()
    r = f.token_client(user).get("/api/v1/centros/ocupacion/?date=ayer")
    assert r.status_code == 400 and "date" in r.json()["error"]["fields"]
    r = f.token_client(user).get("/api/v1/centros/estancias/?centre=1.5")
    assert r.status_code == 400


def test_list_pages_and_api_lists_run_a_constant_number_of_queries():
    user = manager("GTM")
    c = centre(user)
    client, api = f.verified_client(user), f.token_client(user)
    day = timezone.localdate()

    def more_stays(n):
        for _ in range(n):
            entry(user, c)

    def more_centres(n):
        for _ in range(n):
            centre(user)

    def more_figures(n):
        actions.do_import_figures(user, [{"centre": f"C{i}-{FigureSet.objects.restrict(user, 'count').count()}",
                                          "date": day, "capacity": 10, "nationality": "HND", "sex": "M",
                                          "age_band": "adult", "vulnerability": "", "count": 12} for i in range(n)])

    def more_notes(n):
        for i in range(n):
            actions.do_add_practice_note(user, title=f"Nota {i}", topic="conflict", body="x")

    more_stays(1), more_figures(1), more_notes(1)
    for url, add in [("/centros/estancias/", more_stays), ("/api/v1/centros/estancias/", more_stays),
                     ("/centros/estancias/exportar/", more_stays), ("/centros/", more_centres),
                     ("/centros/exportar/", more_centres), ("/api/v1/centros/centros/", more_centres),
                     ("/centros/cifras/", more_figures), ("/api/v1/centros/cifras/", more_figures),
                     (f"/centros/ocupacion/?date={day.isoformat()}", more_figures),
                     (f"/api/v1/centros/ocupacion/?date={day.isoformat()}", more_figures),
                     (f"/centros/ocupacion/xlsx/?date={day.isoformat()}", more_figures),
                     ("/centros/buenas-practicas/", more_notes)]:
        assert_constant_queries(api if "/api/" in url else client, url, add, more=3)

    def more_levels(n):
        for i in range(n):
            actions.do_set_crisis_level(user, centre(user), level=2, reason=f"r{i}")

    more_levels(1)
    assert_constant_queries(api, "/api/v1/centros/niveles/", more_levels, more=3)


def test_the_centre_manager_has_the_pages_in_the_menu_and_the_home_cards():
    user = manager("GTM")
    home = f.verified_client(user).get("/").content.decode()
    for text in ("Centros", "Estancias", "Ocupación regional"):
        assert text in home
    analyst = f.user("GTM", "analyst")
    page = f.verified_client(analyst).get("/").content.decode()
    assert "/centros/estancias/" not in page


def test_demo_loads_two_centres_in_two_countries_and_is_idempotent():
    from enlace.centres.demo import load_centres_demo
    from enlace.core.demo import load_core_demo

    load_core_demo()
    assert load_centres_demo() == 2
    assert load_centres_demo() == 0
    from enlace.accounts.models import User

    gtm = User.objects.get(username="centros.gtm")
    st = f.user("CRM", "st")
    names = {c.owner_institution.country.code for c in
             __import__("enlace.centres.models", fromlist=["Centre"]).Centre.objects.restrict(st, "list")}
    assert names == {"GTM", "MEX"}
    html = f.verified_client(gtm).get("/centros/ocupacion/").content.decode()
    assert "Guatemala" in html and "México" in html


def test_standards_are_maintained_by_the_st_only():
    st = f.user("CRM", "st")
    client = f.verified_client(st)
    r = client.post("/centros/estandares/", {"code": "atd-guardianship", "area": "alternatives",
                                             "text_es": "Tutela para la niñez no acompañada",
                                             "text_en": "Guardianship for unaccompanied children"})
    assert r.status_code == 302
    assert Standard.objects.restrict(st).filter(code="atd-guardianship").exists()
    user = manager("GTM")
    assert f.verified_client(user).post("/centros/estandares/", {"code": "x", "area": "alternatives",
                                                                 "text_es": "x", "text_en": "x"}).status_code == 404
    c = centre(user)
    ids = list(Standard.objects.restrict(st).filter(area="alternatives").values_list("pk", flat=True))
    assert client.post(f"/centros/{c.pk}/estandares/", {"standard": ids}).status_code == 302
