"""The generic cross-country contract for every protected model of the cases app."""

from enlace.cases import actions
from enlace.cases.models import Case, Entity, ImportBatch, Link, RouteLeg
from enlace.sharing.actions import do_change_sharing, do_create_sharing_group
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f

from .helpers import add_person, make_case, uid


class CaseChildContract(ProtectedModelContract):
    """Children follow their case: sharing is done on the case (and cascades)."""

    def case_of(self, record):
        return record.case

    def share_with_network(self, owner, record):
        actions.do_change_case_sharing(owner, self.case_of(record), distribution=Distribution.NETWORK)
        record.refresh_from_db()
        return record

    def unshare(self, owner, record):
        actions.do_change_case_sharing(owner, self.case_of(record), distribution=Distribution.COUNTRY)
        record.refresh_from_db()
        return record

    def share_with_group(self, owner, record, countries):
        group = do_create_sharing_group(owner, name="grupo", countries=[f.country(c) for c in countries])
        actions.do_change_case_sharing(owner, self.case_of(record), distribution=Distribution.GROUP,
                                       sharing_group=group)
        record.refresh_from_db()
        return record


class TestCaseContract(CaseChildContract):
    model = Case
    list_url = "/casos/"
    export_url = "/casos/exportar/"
    api_list_url = "/api/v1/cases/"

    def case_of(self, record):
        return record

    def make_record(self, owner, distribution, sharing_group=None):
        return make_case(owner, distribution=distribution, sharing_group=sharing_group, title=uid("Caso "))

    def marker(self, record):
        return record.title

    def detail_url(self, record):
        return f"/casos/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/cases/{record.pk}/"

    def search_url(self, record):
        return f"/casos/?q={record.title.split()[-1]}"

    # Writes and decisions: the edit page, the API PATCH (cases are never deleted through the API) and
    # the owner's decisions on the case.
    api_methods = ("PATCH",)

    def edit_url(self, record):
        return f"/casos/{record.pk}/editar/"

    def edit_data(self, record):
        return {"title": uid("Título "), "case_type": record.case_type, "status": "investigation",
                "opened_on": record.opened_on.isoformat(), "source_grade": "B", "info_grade": "2"}

    def api_edit_url(self, record):
        return f"/api/v1/cases/{record.pk}/"

    def api_edit_data(self, record):
        return {"title": uid("Título ")}

    def decisions(self, record):
        return [
            ("set_matching", lambda user, case: actions.do_set_case_matching(user, case, allow=True)),
            ("share", lambda user, case: actions.do_change_case_sharing(user, case,
                                                                        distribution=Distribution.COUNTRY)),
            ("update", lambda user, case: actions.do_update_case(user, case, title=uid("Otro "))),
            ("add_entity", lambda user, case: actions.do_add_entity(user, case, schema="Organization",
                                                                    name=uid("Org "))),
            ("add_route_leg", lambda user, case: actions.do_add_route_leg(user, case, from_place="A",
                                                                          to_place="B")),
        ]


class TestEntityContract(CaseChildContract):
    model = Entity
    api_list_url = "/api/v1/case-entities/"

    def make_record(self, owner, distribution, sharing_group=None):
        case = make_case(owner, distribution=distribution, sharing_group=sharing_group)
        return add_person(owner, case, role="suspect", surname_1=uid("Marcador"))

    def marker(self, record):
        return record.surname_1

    def detail_url(self, record):
        return f"/casos/entidades/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/case-entities/{record.pk}/"

    def search_url(self, record):
        return f"/casos/entidades/?q={record.surname_1[-8:]}"

    def edit_url(self, record):
        return f"/casos/entidades/{record.pk}/editar/"

    def edit_data(self, record):
        return {"given_names": "Ana", "surname_1": uid("Otro"), "sex": "F", "dob": "1990-01-01",
                "nationality": "GTM", "allow_matching": "on"}

    def decisions(self, record):
        return [
            ("review_role", lambda user, e: actions.do_review_role(user, e, role="witness")),
            ("update", lambda user, e: actions.do_update_entity(user, e, surname_1=uid("Otro"))),
            ("share", lambda user, e: actions.do_change_entity_sharing(user, e, distribution=Distribution.COUNTRY)),
            ("delete", lambda user, e: actions.do_delete_entity(user, e)),
        ]


class TestLinkContract(CaseChildContract):
    model = Link
    api_list_url = "/api/v1/case-links/"

    def make_record(self, owner, distribution, sharing_group=None):
        case = make_case(owner, distribution=distribution, sharing_group=sharing_group)
        a = add_person(owner, case)
        b = add_person(owner, case, role="witness")
        return actions.do_add_link(owner, case, kind="associate", source=a, target=b)

    def marker(self, record):
        return f'"id":{record.pk},"case":'

    def api_detail_url(self, record):
        return f"/api/v1/case-links/{record.pk}/"

    def decisions(self, record):
        return [("delete", lambda user, link: actions.do_delete_link(user, link))]


class TestRouteLegContract(CaseChildContract):
    model = RouteLeg
    api_list_url = "/api/v1/case-route-legs/"
    list_url = "/casos/mapa/"

    def make_record(self, owner, distribution, sharing_group=None):
        case = make_case(owner, distribution=distribution, sharing_group=sharing_group)
        return actions.do_add_route_leg(owner, case, order=1, from_place=uid("Origen"), to_place="Tapachula",
                                        from_lat=15.3, from_lon=-91.4, to_lat=14.9, to_lon=-92.2)

    def marker(self, record):
        return record.from_place

    def api_detail_url(self, record):
        return f"/api/v1/case-route-legs/{record.pk}/"

    def decisions(self, record):
        return [("delete", lambda user, leg: actions.do_delete_route_leg(user, leg))]


class TestImportBatchContract(CaseChildContract):
    model = ImportBatch
    api_list_url = "/api/v1/case-imports/"

    def make_record(self, owner, distribution, sharing_group=None):
        from django.core.files.uploadedfile import SimpleUploadedFile

        case = make_case(owner, distribution=distribution, sharing_group=sharing_group)
        name = f"{uid('lote')}.csv"
        upload = SimpleUploadedFile(name, "nombres,primer_apellido,funcion\nAna,López,testigo\n".encode(),
                                    content_type="text/csv")
        batch = actions.do_upload_import(owner, case, upload)
        if distribution != Distribution.INSTITUTION:
            batch = do_change_sharing(owner, batch, distribution=distribution, sharing_group=sharing_group)
        return batch

    def marker(self, record):
        return record.file_name

    def api_detail_url(self, record):
        return f"/api/v1/case-imports/{record.pk}/"

    def decisions(self, record):
        return [
            ("set_mapping", lambda user, batch: actions.do_set_import_mapping(
                user, batch, {"given_names": "nombres", "surname_1": "primer_apellido", "role": "funcion"})),
            ("run", lambda user, batch: actions.do_run_import(user, batch)),
        ]

    def share_with_network(self, owner, record):
        super().share_with_network(owner, record)
        return do_change_sharing(owner, ImportBatch.objects.restrict(owner, "share").get(pk=record.pk),
                                 distribution=Distribution.NETWORK)

    def share_with_group(self, owner, record, countries):
        record = super().share_with_group(owner, record, countries)
        case = record.case
        return do_change_sharing(owner, record, distribution=Distribution.GROUP, sharing_group=case.sharing_group)

