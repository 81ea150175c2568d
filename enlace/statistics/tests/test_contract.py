"""The cross-country contract for every protected model of the statistics app."""

from __future__ import annotations

import uuid

from enlace.sharing.testing import ProtectedModelContract
from enlace.statistics import actions
from enlace.statistics.models import DatabaseEntry, Report, Submission
from enlace.testing import factories as f

from .helpers import period, values


class TestDatabaseEntryContract(ProtectedModelContract):
    model = DatabaseEntry
    owner_role = reader_role = "analyst"
    other_roles = ("auditor",)
    list_url = "/estadisticas/inventario/"
    api_list_url = "/api/v1/estadisticas/bases/"

    def make_record(self, owner, distribution, sharing_group=None):
        return actions.do_create_database_entry(owner, name=f"Base {uuid.uuid4().hex[:10]}", holder="Migración",
                                                distribution=distribution)

    def marker(self, record):
        return record.name

    def detail_url(self, record):
        return f"/estadisticas/inventario/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/estadisticas/bases/{record.pk}/"

    def search_url(self, record):
        return f"/estadisticas/inventario/?q={record.name.split()[-1]}"

    def edit_url(self, record):
        return f"/estadisticas/inventario/{record.pk}/editar/"

    def edit_data(self, record):
        return {"name": record.name + " II", "holder": "x", "frequency": "monthly", "completeness": 50,
                "timeliness_days": 3, "duplicates_pct": 1}


class TestSubmissionContract(ProtectedModelContract):
    model = Submission
    owner_role = reader_role = "analyst"
    other_roles = ("auditor",)
    list_url = "/estadisticas/envios/"
    api_list_url = "/api/v1/estadisticas/envios/"

    def make_record(self, owner, distribution, sharing_group=None):
        code = f"P{uuid.uuid4().hex[:8]}"
        return actions.do_save_submission(owner, period(code), values())

    def marker(self, record):
        return f"/estadisticas/envios/{record.pk}/"

    def detail_url(self, record):
        return f"/estadisticas/envios/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/estadisticas/envios/{record.pk}/"

    def decisions(self, record):
        approver = lambda owner: f.user("GTM", "cancilleria", inst=f.institution("GTM", "foreign_ministry"))  # noqa: E731
        return [("validate", lambda user, s: actions.do_validate_submission(user, s), approver),
                ("lock", lambda user, s: actions.do_lock_submission(user, s), None),
                ("correct", lambda user, s: actions.do_correct_submission(user, s, reason="x"), None)]


class TestReportContract(ProtectedModelContract):
    model = Report
    owner_role = reader_role = "analyst"
    other_roles = ("auditor",)
    list_url = "/estadisticas/informes/"

    def make_record(self, owner, distribution, sharing_group=None):
        from enlace.sharing.actions import do_change_sharing

        report = actions.do_request_report(owner, period(f"R{uuid.uuid4().hex[:8]}"))
        return do_change_sharing(owner, report, distribution=distribution) if distribution != report.distribution \
            else report

    def marker(self, record):
        return f"/estadisticas/informes/{record.pk}/"

    def detail_url(self, record):
        return f"/estadisticas/informes/{record.pk}/"
