"""Demo cases in Guatemala, Mexico, Honduras and the United States (idempotent).

The Guatemalan and the Mexican case both hold the same smuggler with realistic variations (accents
dropped, second surname missing, day and month swapped, the same passport, the phone written
differently) so that the matching engine produces a cross-border hit. Both cases allow matching.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from enlace.accounts.models import User
from enlace.sharing.policy import Distribution

from . import actions
from .models import Case, Entity, Link, ModusOperandiTag
from .vocabulary import ensure_vocabulary

D = datetime.date

CASES = [
    {
        "user": "enlace.gtm",
        "title": "Red de traslado en tráileres Huehuetenango–Tapachula",
        "case_type": Case.Type.SMUGGLING, "status": Case.Status.INVESTIGATION,
        "summary": "Estructura que cobra entre 8 000 y 12 000 USD por persona para trasladar migrantes desde "
                   "Huehuetenango hasta la frontera norte de México, ocultos en tráileres de carga.",
        "opened_on": D(2025, 11, 4), "facts_from": D(2025, 6, 1), "facts_to": D(2025, 10, 30),
        "source_grade": "B", "info_grade": "2", "allow_matching": True, "distribution": Distribution.NETWORK,
        "tags": ["land-route", "vehicle-concealment", "fees-payment-methods", "social-media-recruitment"],
        "persons": [
            {"key": "jlh", "role": "suspect", "given_names": "José Luis", "surname_1": "Hernández",
             "surname_2": "Pérez", "sex": "M", "dob": D(1988, 3, 7), "nationality": "GTM",
             "phones": ["+502 5555 1234"], "doc": ("Passport", "Pasaporte", "G12345678", "GTM")},
            {"key": "mac", "role": "smuggled_migrant", "given_names": "Marta Lucía", "surname_1": "Ajú",
             "surname_2": "Cux", "sex": "F", "dob": D(1996, 9, 21), "nationality": "GTM"},
            {"key": "nna", "role": "smuggled_migrant", "given_names": "Kevin Alexander", "surname_1": "Ajú",
             "surname_2": "Cux", "sex": "M", "dob": D(2011, 5, 2), "nationality": "GTM"},
            {"key": "ebm", "role": "suspect", "given_names": "Edgar Benjamín", "surname_1": "Morales",
             "surname_2": "Gómez", "sex": "M", "dob": D(1979, 12, 14), "nationality": "GTM",
             "phones": ["+502 4012 7788"], "doc": ("Identification", "DPI", "2456 78901 1301", "GTM")},
        ],
        "orgs": [{"key": "org", "schema": "Organization", "name": "Transportes El Quetzal Dorado"},
                 {"key": "truck", "schema": "Vehicle", "name": "Tráiler Freightliner placa C-123BCD"}],
        "links": [("associate", "jlh", "ebm"), ("member_of", "jlh", "org"), ("member_of", "ebm", "org"),
                  ("travelled_with", "mac", "truck"), ("travelled_with", "nna", "mac")],
        "legs": [
            (1, "Huehuetenango", "GTM", 15.3197, -91.4709, "La Mesilla", "GTM", 15.6363, -91.9851, "bus",
             D(2025, 9, 2)),
            (2, "La Mesilla", "GTM", 15.6363, -91.9851, "Comitán", "MEX", 16.2510, -92.1342, "car", D(2025, 9, 3)),
            (3, "Comitán", "MEX", 16.2510, -92.1342, "Tapachula", "MEX", 14.9056, -92.2630, "truck",
             D(2025, 9, 5)),
        ],
    },
    {
        "user": "enlace.mex",
        "title": "Tractocamión asegurado en Veracruz con 86 migrantes",
        "case_type": Case.Type.SMUGGLING, "status": Case.Status.PROSECUTION,
        "summary": "Aseguramiento de un tractocamión con 86 personas migrantes en la caja refrigerada; el chofer "
                   "declaró haber recibido las personas en Tapachula de un guatemalteco apodado «el Güero».",
        "opened_on": D(2025, 10, 12), "facts_from": D(2025, 9, 5), "facts_to": D(2025, 10, 11),
        "source_grade": "A", "info_grade": "2", "allow_matching": True, "distribution": Distribution.NETWORK,
        "tags": ["land-route", "vehicle-concealment", "violence-against-migrants", "corruption"],
        "persons": [
            {"key": "jlh", "role": "suspect", "given_names": "Jose Luis", "surname_1": "Hernandez",
             "surname_2": "", "sex": "M", "dob": D(1988, 7, 3), "nationality": "GTM",
             "phones": ["5555-1234"], "doc": ("Passport", "Pasaporte", "G 1234 5678", "GTM")},
            {"key": "drv", "role": "suspect", "given_names": "Ramón", "surname_1": "Villarreal",
             "surname_2": "Garza", "sex": "M", "dob": D(1983, 1, 30), "nationality": "MEX",
             "phones": ["+52 899 555 0199"]},
            {"key": "wit", "role": "witness", "given_names": "Carlos", "surname_1": "Domínguez",
             "surname_2": "Ruiz", "sex": "M", "dob": D(1990, 4, 18), "nationality": "HND"},
            {"key": "vic", "role": "related_victim", "given_names": "Dilcia Marisol", "surname_1": "Mejía",
             "surname_2": "Rápalo", "sex": "F", "dob": D(1999, 2, 11), "nationality": "HND"},
        ],
        "orgs": [{"key": "truck", "schema": "Vehicle", "name": "Tractocamión Kenworth placas 45-AK-7Z"}],
        "links": [("associate", "jlh", "drv"), ("travelled_with", "vic", "truck"), ("travelled_with", "wit", "truck")],
        "legs": [
            (1, "Tapachula", "MEX", 14.9056, -92.2630, "Coatzacoalcos", "MEX", 18.1345, -94.4590, "truck",
             D(2025, 10, 8)),
            (2, "Coatzacoalcos", "MEX", 18.1345, -94.4590, "Veracruz", "MEX", 19.1738, -96.1342, "truck",
             D(2025, 10, 10)),
            (3, "Veracruz", "MEX", 19.1738, -96.1342, "Reynosa", "MEX", 26.0508, -98.2979, "truck", None),
        ],
    },
    {
        "user": "enlace.hnd",
        "title": "Captación por redes sociales en San Pedro Sula",
        "case_type": Case.Type.TRAFFICKING, "status": Case.Status.OPEN,
        "summary": "Ofertas falsas de empleo en restaurantes de Monterrey difundidas en redes sociales; "
                   "investigación nacional, aún no compartida.",
        "opened_on": D(2026, 1, 20), "source_grade": "C", "info_grade": "3", "allow_matching": False,
        "distribution": Distribution.COUNTRY,
        "tags": ["social-media-recruitment", "labour-exploitation", "fraudulent-documents"],
        "persons": [
            {"key": "rec", "role": "suspect", "given_names": "Wilmer Josué", "surname_1": "Castro",
             "surname_2": "Zelaya", "sex": "M", "dob": D(1992, 8, 9), "nationality": "HND",
             "phones": ["+504 9876 5432"]},
            {"key": "tv", "role": "trafficking_victim", "given_names": "Ana Gabriela", "surname_1": "Flores",
             "surname_2": "Núñez", "sex": "F", "dob": D(2001, 6, 30), "nationality": "HND"},
        ],
        "orgs": [], "links": [],
        "legs": [(1, "San Pedro Sula", "HND", 15.5042, -88.0250, "Corinto", "GTM", 15.6200, -88.3900, "bus",
                  D(2026, 1, 5))],
    },
    {
        "user": "enlace.usa",
        "title": "Stash house in Houston linked to Reynosa crossings",
        "case_type": Case.Type.SMUGGLING, "status": Case.Status.INVESTIGATION,
        "summary": "Casa de seguridad en Houston con 23 personas migrantes retenidas hasta completar el pago; "
                   "cobros por transferencias a cuentas en Reynosa.",
        "opened_on": D(2025, 12, 1), "source_grade": "B", "info_grade": "3", "allow_matching": True,
        "distribution": Distribution.NETWORK,
        "tags": ["safe-houses", "extortion-kidnapping", "money-transfers"],
        "persons": [
            {"key": "stash", "role": "suspect", "given_names": "Luis Alberto", "surname_1": "Treviño",
             "surname_2": "", "sex": "M", "dob": D(1985, 11, 2), "nationality": "USA",
             "phones": ["+1 713 555 0142", "+52 899 555 0199"]},
            {"key": "mig", "role": "smuggled_migrant", "given_names": "Óscar Rene", "surname_1": "Lemus",
             "surname_2": "Pineda", "sex": "M", "dob": D(1994, 3, 3), "nationality": "SLV"},
        ],
        "orgs": [{"key": "acct", "schema": "BankAccount", "name": "Cuenta 0123456789 (Reynosa)"}],
        "links": [("paid", "mig", "acct")],
        "legs": [
            (1, "Reynosa", "MEX", 26.0508, -98.2979, "McAllen", "USA", 26.2034, -98.2300, "foot", D(2025, 11, 20)),
            (2, "McAllen", "USA", 26.2034, -98.2300, "Houston", "USA", 29.7604, -95.3698, "car", D(2025, 11, 22)),
        ],
    },
]


@transaction.atomic
def _load_case(spec) -> bool:
    """Create one demo case through the actions, as its owner would (False if already there)."""
    user = User.objects.filter(username=spec["user"]).first()
    if user is None or user.institution_id is None:
        return False
    # The loader acts as the demo official: it looks for the case as that official sees it.
    if Case.objects.restrict(user, "view").filter(owner_institution=user.institution, title=spec["title"]).exists():
        return False
    tags = list(ModusOperandiTag.objects.filter(code__in=spec["tags"]))
    fields = {k: spec[k] for k in ("status", "summary", "opened_on", "facts_from", "facts_to", "source_grade",
                                   "info_grade", "allow_matching") if k in spec}
    case = actions.do_create_case(user, title=spec["title"], case_type=spec["case_type"], tags=tags,
                                  distribution=spec["distribution"], **fields)
    keys: dict[str, Entity] = {}
    for p in spec["persons"]:
        p = dict(p)
        key, doc = p.pop("key"), p.pop("doc", None)
        phones = p.pop("phones", [])
        person = actions.do_add_entity(user, case, schema="Person", phones=phones, **p)
        keys[key] = person
        for phone in phones:
            actions.do_add_link(user, case, kind=Link.Kind.USES_PHONE, source=person, value=phone)
        if doc:
            schema, doc_type, number, country = doc
            document = actions.do_add_entity(user, case, schema=schema, name=number, doc_type=doc_type,
                                             doc_number=number, doc_country=country)
            actions.do_add_link(user, case, kind=Link.Kind.HOLDS_DOCUMENT, source=person, target=document)
    for o in spec["orgs"]:
        keys[o["key"]] = actions.do_add_entity(user, case, schema=o["schema"], name=o["name"])
    for kind, a, b in spec["links"]:
        actions.do_add_link(user, case, kind=kind, source=keys[a], target=keys[b])
    for order, fp, fc, flat, flon, tp, tc, tlat, tlon, means, day in spec["legs"]:
        actions.do_add_route_leg(user, case, order=order, from_place=fp, from_country=fc, from_lat=flat,
                                 from_lon=flon, to_place=tp, to_country=tc, to_lat=tlat, to_lon=tlon, means=means,
                                 departed_on=day)
    return True


def load_cases_demo(stdout=None) -> int:
    ensure_vocabulary()
    created = sum(_load_case(spec) for spec in CASES)
    if stdout is not None:
        stdout.write(f"cases: {created} demo cases created")
    return created
