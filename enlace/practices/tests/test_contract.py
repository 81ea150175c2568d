"""The cross-country contract for practices, protection instruments and case briefs.

Countries: A = Guatemala (owner), B = Honduras, C = Panamá.
"""

from enlace.practices import actions
from enlace.practices.models import CaseBrief, Practice, ProtectionTool
from enlace.sharing.testing import ProtectedModelContract

from .helpers import PUBLIC, brief, practice, tool


class TestPracticeContract(ProtectedModelContract):
    model = Practice
    list_url = "/practicas/"

    def make_record(self, owner, distribution, sharing_group=None):
        return practice(owner, distribution, sharing_group)

    def marker(self, record):
        return record.title

    def detail_url(self, record):
        return f"/practicas/{record.pk}/"

    def search_url(self, record):
        return f"/practicas/?q={record.title.split()[-1]}"

    def edit_url(self, record):
        return f"/practicas/{record.pk}/editar/"

    def edit_data(self, record):
        return {"title": record.title + " II", "summary": "Resumen cambiado"}

    def decisions(self, record):
        return [("propose", lambda user, p: actions.do_propose_practice(user, p, dict(PUBLIC))),
                ("edit", lambda user, p: actions.do_edit_practice(user, p, {"summary": "Cambiado"}))]


class TestProtectionToolContract(ProtectedModelContract):
    model = ProtectionTool
    list_url = "/practicas/instrumentos/"

    def make_record(self, owner, distribution, sharing_group=None):
        return tool(owner, distribution, sharing_group)

    def marker(self, record):
        return record.title

    def detail_url(self, record):
        return f"/practicas/instrumentos/{record.pk}/"

    def search_url(self, record):
        return f"/practicas/instrumentos/?q={record.title.split()[-1]}"

    def decisions(self, record):
        return [("edit", lambda user, t: actions.do_edit_tool(user, t, {"level": "regional"}))]


class TestCaseBriefContract(ProtectedModelContract):
    model = CaseBrief
    owner_role = "prosecutor"
    reader_role = "prosecutor"
    list_url = "/practicas/jurisprudencia/"
    other_roles = ("analyst", "auditor")

    def make_record(self, owner, distribution, sharing_group=None):
        return brief(owner, distribution, sharing_group)

    def marker(self, record):
        return record.title

    def detail_url(self, record):
        return f"/practicas/jurisprudencia/{record.pk}/"

    def search_url(self, record):
        return f"/practicas/jurisprudencia/?q={record.title.split()[-1]}"

    def edit_url(self, record):
        return f"/practicas/jurisprudencia/{record.pk}/editar/"

    def edit_data(self, record):
        return {"title": record.title + " II", "court": record.court, "decided_on": "2024-03-01",
                "offence": "smuggling", "outcome": "Condena", "summary": "Otro resumen"}

    def decisions(self, record):
        return [("propose", lambda user, b: actions.do_propose_case_brief(user, b, dict(PUBLIC)))]
