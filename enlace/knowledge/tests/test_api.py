"""The API: recommendations and plan actions by key, filtered lists, implementation reports via actions."""

import uuid

import pytest
from rest_framework.test import APIClient

from enlace.core.models import Institution
from enlace.knowledge.models import ImplementationReport
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return f.token_client(f.user("PAN", "analyst"))


def test_recommendation_by_citation_key(api):
    r = api.get("/api/v1/recommendations/TIM-II-8/")
    assert r.status_code == 200
    d = r.json()
    assert {"key", "group", "meeting", "number", "text", "items", "themes", "actions"} <= set(d)
    assert d["key"] == "TIM-II-8" and d["group"] == "tim" and d["number"] == 8
    assert d["meeting"]["roman"] == "II" and d["meeting"]["year"] == 2013
    assert [i["key"] for i in d["items"]] == [f"TIM-II-8-{c}" for c in "abcde"]
    assert d["themes"] and all({"code", "name", "status"} <= set(t) for t in d["themes"])
    sub = api.get("/api/v1/recommendations/tdp-i-12-d/").json()
    assert sub["key"] == "TDP-I-12-d" and sub["parent"] == "TDP-I-12"
    assert api.get("/api/v1/recommendations/TIM-IX-1/").json()["error"]["status"] == 404


def test_plan_action_by_key(api):
    r = api.get("/api/v1/plan/actions/1.13/")
    assert r.status_code == 200
    d = r.json()
    assert d["key"] == "1.13" and d["axis"]["number"] == 1
    assert d["footnotes"][0]["number"] == 10
    assert "2018-2.3" in d["draft_predecessors"]
    assert api.get("/api/v1/plan/actions/9.99/").status_code == 404


def test_lists_with_the_search_filters(api):
    d = api.get("/api/v1/recommendations/", {"group": "tim", "meeting": 5}).json()
    keys = [r["key"] for r in d["results"]]
    assert d["count"] == 25 and all(k.startswith("TIM-V-") for k in keys)
    d = api.get("/api/v1/recommendations/", {"q": "entregas vigiladas"}).json()
    assert d["results"][0]["key"] == "TIM-II-15"
    d = api.get("/api/v1/plan/actions/", {"axis": 3}).json()
    assert [a["key"] for a in d["results"]] == [f"3.{n}" for n in range(1, 10)]
    d = api.get("/api/v1/plan/actions/", {"q": "directorio de contactos"}).json()
    assert d["results"][0]["key"] == "1.4"
    assert api.get("/api/v1/recommendations/", {"year": "x", "meeting": "y"}).status_code == 200
    assert APIClient().get("/api/v1/recommendations/").status_code == 401


def test_reports_through_the_api(open_round):
    focal = f.user("HND", "focal_point")
    cancilleria = f.user("HND", "cancilleria", inst=f.institution("HND", Institution.Type.FOREIGN_MINISTRY))
    api = f.token_client(focal)
    r = api.post("/api/v1/implementation-reports/", {"round": open_round.pk, "action": "9.99",
                                                     "status": "implemented"}, format="json")
    assert r.status_code == 400
    assert "no existe" in str(r.json()["error"]["fields"]["action"])
    r = api.post("/api/v1/implementation-reports/", {
        "round": open_round.pk, "action": "1.4", "status": "implemented", "narrative": "Directorio API",
        "share": "country"}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["target"] == "1.4" and r.json()["state"] == "draft"
    assert api.patch(f"/api/v1/implementation-reports/{pk}/", {"next_steps": "Seguir"}, format="json").status_code == 200
    assert api.post(f"/api/v1/implementation-reports/{pk}/submit/").json()["state"] == "submitted"
    mex = f.token_client(f.user("MEX", "focal_point"))
    assert mex.get(f"/api/v1/implementation-reports/{pk}/").status_code == 404
    gtm_c = f.token_client(f.user("GTM", "cancilleria", inst=f.institution("GTM", Institution.Type.FOREIGN_MINISTRY)))
    assert gtm_c.post(f"/api/v1/implementation-reports/{pk}/validate/").status_code == 404
    r = f.token_client(cancilleria).post(f"/api/v1/implementation-reports/{pk}/validate/", {"decision": "approve"},
                                         format="json")
    assert r.status_code == 200 and r.json()["state"] == "validated"
    assert api.post(f"/api/v1/implementation-reports/{pk}/share/", {"distribution": "network"},
                    format="json").status_code == 200
    assert mex.get(f"/api/v1/implementation-reports/{pk}/").status_code == 200
    assert gtm_c.post(f"/api/v1/implementation-reports/{pk}/validate/").status_code == 404  # not theirs to decide
    # Mexico cannot write on Honduras' report.
    assert mex.patch(f"/api/v1/implementation-reports/{pk}/", {"narrative": "x"}, format="json").status_code == 404


class TestImplementationReportContract(ProtectedModelContract):
    model = ImplementationReport
    owner_role = "focal_point"
    reader_role = "focal_point"
    list_url = "/conocimiento/reportes/"
    export_url = "/conocimiento/reportes/exportar/"
    api_list_url = "/api/v1/implementation-reports/"

    def make_record(self, owner, distribution, sharing_group=None):
        import datetime

        from django.utils import timezone

        from enlace.knowledge.actions import do_save_report, resolve_action
        from enlace.knowledge.models import ReportingRound

        rnd = ReportingRound.objects.create(title="Ronda", period=uuid.uuid4().hex[:6],
                                            opens_on=timezone.localdate(),
                                            deadline=timezone.localdate() + datetime.timedelta(days=3))
        report = do_save_report(owner, round=rnd, action=resolve_action("2.2"), status="in_progress",
                                narrative=f"Avance {uuid.uuid4().hex[:12]}",
                                distribution=distribution if distribution in ("country", "network") else "country")
        if distribution not in ("country", "network"):
            report = ImplementationReport.objects.get(pk=report.pk)
            report.distribution = distribution
            report.sharing_group = sharing_group
            report.save()
        return report

    def marker(self, record):
        return record.narrative

    def detail_url(self, record):
        return f"/conocimiento/reportes/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/implementation-reports/{record.pk}/"

    def search_url(self, record):
        return f"/conocimiento/reportes/?q={record.narrative.split()[-1]}"

    # --- writes and decisions ---
    api_methods = ("PATCH",)  # reports are never deleted

    def edit_url(self, record):
        return f"/conocimiento/reportes/{record.pk}/editar/"

    def edit_data(self, record):
        return {"round": record.round_id, "target": "2.2", "status": "implemented", "narrative": "Avance revisado",
                "responsible_institution": "", "next_steps": "",
                "distribution": record.distribution if record.distribution in ("country", "network") else "country"}

    def api_edit_url(self, record):
        return f"/api/v1/implementation-reports/{record.pk}/"

    def api_edit_data(self, record):
        return {"narrative": "Avance revisado por la API"}

    def decisions(self, record):
        from enlace.knowledge.actions import do_submit_report, do_validate_report
        from enlace.sharing.actions import do_change_sharing

        def validate(user, report):
            # The Cancillería meets the report submitted by its author; the others' tries meet it untouched.
            if getattr(user, "contract_prepare", False):
                report = do_submit_report(report.created_by, report)
            return do_validate_report(user, report, approve=True)

        def cancilleria(owner):
            code = owner.institution.country.code
            user = f.user(code, "cancilleria", inst=f.institution(code, Institution.Type.FOREIGN_MINISTRY))
            user.contract_prepare = True
            return user

        return [("share", lambda user, r: do_change_sharing(user, r, distribution=Distribution.COUNTRY)),
                ("submit", do_submit_report),
                ("validate", validate, cancilleria)]


def test_contract_distribution_values_are_the_policys():
    assert Distribution.COUNTRY == "country" and Distribution.NETWORK == "network"
