"""Small builders for the cases tests (through the app's actions, as the UI does)."""

import datetime
import uuid

from enlace.cases import actions
from enlace.cases.models import Case, Link


def uid(prefix="x"):
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def make_case(user, distribution="country", **fields):
    fields.setdefault("title", uid("Caso "))
    fields.setdefault("case_type", Case.Type.SMUGGLING)
    return actions.do_create_case(user, distribution=distribution, **fields)


def add_person(user, case, role="suspect", **fields):
    fields.setdefault("given_names", "José Luis")
    fields.setdefault("surname_1", uid("Apellido"))
    fields.setdefault("dob", datetime.date(1988, 3, 7))
    phones = fields.pop("phones", [])
    person = actions.do_add_entity(user, case, schema="Person", role=role, phones=phones, **fields)
    for phone in phones:
        actions.do_add_link(user, case, kind=Link.Kind.USES_PHONE, source=person, value=phone)
    return person


def add_document(user, case, person, number="G12345678", schema="Passport"):
    doc = actions.do_add_entity(user, case, schema=schema, name=number, doc_type="Pasaporte", doc_number=number,
                                doc_country="GTM")
    actions.do_add_link(user, case, kind=Link.Kind.HOLDS_DOCUMENT, source=person, target=doc)
    return doc
