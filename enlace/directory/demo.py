"""Demo directory: an authorised entry for every demo account that works across borders, a pending proposal,
one authorisation expiring soon."""

from __future__ import annotations

import datetime

import phonenumbers
from django.db import transaction
from django.utils import timezone

from enlace.accounts.models import User
from enlace.core.models import Country, Institution
from enlace.sharing.policy import SECRETARIAT_CODE

from .actions import LIVE_STATUSES, do_authorise_contact, do_propose_contact
from .models import Contact
from .validation import ISO3_TO_ISO2

# Per member country: police liaison, prosecutor, migration coordinator (an unlinked pending proposal
# in Honduras), Cancillería official, analyst of the migration authority.
NAMES = {
    "BLZ": [("Marcus", "Young"), ("Andrea", "Castillo"), ("Kevin", "Flowers"), ("Denise", "Arnold"),
            ("Shane", "Gillett")],
    "CAN": [("Émilie", "Tremblay"), ("James", "MacDonald"), ("Priya", "Singh"), ("Nathalie", "Gagnon"),
            ("Robert", "Chen")],
    "CRI": [("Laura", "Jiménez Solano"), ("Andrés", "Mora Vargas"), ("Sofía", "Rojas"), ("Mariela", "Quesada"),
            ("Esteban", "Araya Brenes")],
    "SLV": [("Carlos", "Hernández Flores"), ("Marta", "Alvarado"), ("José", "Menjívar"), ("Ana Gabriela", "Portillo"),
            ("Rafael", "Guardado")],
    "GTM": [("Ana Lucía", "Morales"), ("Héctor", "Cifuentes"), ("Rosa", "Ixcot"), ("Claudia", "Barrios"),
            ("Edgar", "Monterroso")],
    "HND": [("Julio", "Zelaya"), ("Karla", "Mejía Reyes"), ("Óscar", "Bonilla"), ("Daniela", "Funes"),
            ("Marvin", "Cáceres")],
    "MEX": [("Fernanda", "López Ortiz"), ("Ricardo", "Salgado"), ("Guadalupe", "Reyes"), ("Alejandra", "Villaseñor"),
            ("Jorge", "Treviño")],
    "NIC": [("Mario", "Espinoza"), ("Claudia", "Sequeira"), ("Luis", "Obando"), ("Martha", "Úbeda"),
            ("Róger", "Castellón")],
    "PAN": [("Itzel", "Castillo"), ("Ramón", "De Gracia"), ("Yariela", "Pinzón"), ("Marisol", "Batista"),
            ("Abdiel", "Rodríguez")],
    "DOM": [("Miguel", "Peña"), ("Yokasta", "Rosario"), ("Wilson", "Almonte"), ("Carolina", "Mejía"),
            ("Félix", "Báez")],
    "USA": [("Jennifer", "Walsh"), ("David", "Ortiz"), ("Michael", "Brennan"), ("Karen", "Whitfield"),
            ("Thomas", "Nguyen")],
}
LANGS = {"BLZ": ["en", "es"], "CAN": ["en", "fr"], "USA": ["en", "es"]}


def _phones(code: str, n: int):
    """Valid numbers for the country, derived from the library's example number."""
    region = ISO3_TO_ISO2[code]
    base = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.FIXED_LINE) or \
        phonenumbers.example_number(region)
    digits = str(base.national_number)
    found = []
    for i in range(100):
        cand = digits[:-2] + f"{(int(digits[-2:]) + i * 7) % 100:02d}"
        num = phonenumbers.parse(f"+{base.country_code}{cand}", None)
        if phonenumbers.is_valid_number(num):
            found.append(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164))
        if len(found) == n:
            break
    return found


# What each role's demo entry says: (name index, position, areas, functions, scope).
ROLE_SPECS = {
    "focal_point": (0, "Jefe de la unidad contra el tráfico ilícito de migrantes", ["intelligence", "investigation"],
                    ["information_exchange", "contact_24_7"], "smuggling"),
    "prosecutor": (1, "Fiscal especializada, enlace de cooperación internacional", ["prosecution"],
                   ["mla_central_authority"], "both"),
    "cancilleria": (3, "Directora de asuntos migratorios y consulares", ["consular", "protection"],
                    ["consular_notification", "return_coordination"], "both"),
    "analyst": (4, "Analista de la autoridad migratoria", ["migration_control", "intelligence"],
                ["information_exchange"], "both"),
    "centre_manager": (None, "Responsable de centro de atención al migrante", ["centres", "protection"],
                       ["centre_coordinator"], "both"),
    "st": (None, "Secretaría Técnica de la CRM", ["protection", "consular"], ["information_exchange"], "both"),
    "portal_editor": (None, "Editor del portal de la CRM", ["protection"], [], "both"),
}
# The order in which a party's accounts get their entries (the first is the head of the chart).
ROLE_ORDER = ["focal_point", "prosecutor", "cancilleria", "analyst", "centre_manager", "st", "portal_editor"]


def _role_of(account) -> str | None:
    roles = account.role_codes()
    ranked = [ROLE_ORDER.index(r) for r in roles if r in ROLE_ORDER]
    return ROLE_ORDER[min(ranked)] if ranked else None


def _demo_accounts(country):
    """The demo accounts of a party that work across borders, in ``ROLE_ORDER`` (not the auditor)."""
    users = User.objects.filter(email__endswith="@demo.crm.invalid", is_active=True, institution__country=country,
                                groups__name__in=ROLE_ORDER).select_related("institution__country").distinct()
    return [account for _rank, _name, account in sorted(
        (ROLE_ORDER.index(_role_of(a)), a.username, a) for a in users)]


def _decider(country):
    """Who proposes and authorises a party's demo entries: its Cancillería, or the ST for CRM."""
    code = country.code
    return User.objects.filter(username="st.crm" if code == SECRETARIAT_CODE else f"cancilleria.{code.lower()}",
                               is_active=True).first()


def _free_phone(decider, country) -> str:
    """A valid number of the party not used by any of its live entries (the duplicate check refuses reuse)."""
    # The ST has no numbering plan of its own: it is seated in Costa Rica (numbers far from CRI's own).
    pool = _phones(country.code, 16) if country.code != SECRETARIAT_CODE else _phones("CRI", 40)[-12:]
    used = set(Contact.objects.restrict(decider, "list").filter(status__in=LIVE_STATUSES).values_list(
        "phone", flat=True))
    return next(p for p in pool if p not in used)


def give_demo_entry(account) -> Contact | None:
    """An authorised, in-force entry for a demo ``account`` that works across borders (idempotent).

    Other apps' demo loaders that create such accounts after the directory's loader ran (e.g. centre
    managers) call this. ``None`` when the account already has a live entry, has no cross-border role,
    or its party has no demo decider.
    """
    role = _role_of(account)
    country = account.institution.country if account.institution_id else None
    decider = _decider(country) if role and country else None
    if decider is None or Contact.objects.restrict(decider, "list").filter(
            user=account, status__in=LIVE_STATUSES).exists():
        return None
    index, position, areas, functions, scope = ROLE_SPECS[role]
    names = NAMES.get(country.code, [])
    first, last = names[index] if index is not None and index < len(names) else (account.first_name, account.last_name)
    contact = do_propose_contact(decider, {
        "institution": account.institution, "first_name": first, "last_name": last, "position": position,
        "areas": areas, "functions": functions, "languages": LANGS.get(country.code, ["es"]), "scope": scope,
        "email": account.email, "phone": _free_phone(decider, country), "timezone": country.timezone or "UTC",
        "user": account, "reports_to": None, "hours_start": datetime.time(8, 0), "hours_end": datetime.time(16, 30),
    }, notify=False)
    if country.code == "CRI" and role == "prosecutor":
        # One authorisation about to expire: the reminders have something to say.
        today = timezone.localdate()
        return do_authorise_contact(decider, contact, valid_from=today - datetime.timedelta(days=700),
                                    valid_until=today + datetime.timedelta(days=20), notify=False)
    return do_authorise_contact(decider, contact, notify=False)


@transaction.atomic
def load_directory_demo(stdout=None) -> int:
    """Every demo account that works across borders gets an authorised, in-force entry (the auditor does not).

    Each party proposes and authorises its own: a member country through its Cancillería
    (``cancilleria.<code>``), the ST (CRM) through ``st.crm``. Honduras also keeps one pending,
    unlinked proposal, and Costa Rica's prosecutor an authorisation about to expire. Idempotent: an
    account that already has a live entry (proposed, active or suspended) is left as it is.
    """
    created = 0
    parties = list(Country.objects.filter(kind=Country.Kind.MEMBER)) + list(
        Country.objects.filter(code=SECRETARIAT_CODE))
    for country in parties:
        decider = _decider(country)
        if decider is None:
            continue
        for account in _demo_accounts(country):
            created += give_demo_entry(account) is not None
        seen = Contact.objects.restrict(decider, "list").filter(email="oscar.bonilla@demo.crm.invalid")
        if country.code == "HND" and not seen.exists():
            inst = Institution.objects.filter(country=country, type=Institution.Type.MIGRATION).first()
            if inst is not None:
                names = NAMES["HND"]
                do_propose_contact(decider, {
                    "institution": inst, "first_name": names[2][0], "last_name": names[2][1],
                    "position": "Coordinador de centros de atención al migrante", "areas": ["centres",
                                                                                            "migration_control"],
                    "functions": ["centre_coordinator", "return_coordination"], "languages": ["es"],
                    "email": "oscar.bonilla@demo.crm.invalid", "phone": _free_phone(decider, country),
                    "timezone": country.timezone, "user": None, "reports_to": None,
                }, notify=False)
                created += 1
    if stdout is not None:
        stdout.write(f"directory: {created} contacts created")
    return created
