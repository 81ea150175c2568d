"""Demo directory: authorised focal points for every member country, a pending proposal, one expiring soon."""

from __future__ import annotations

import datetime

import phonenumbers
from django.db import transaction
from django.utils import timezone

from enlace.accounts.models import User
from enlace.core.models import Country, Institution

from .actions import do_authorise_contact, do_propose_contact
from .models import Contact
from .validation import ISO3_TO_ISO2

NAMES = {
    "BLZ": [("Marcus", "Young"), ("Andrea", "Castillo"), ("Kevin", "Flowers")],
    "CAN": [("Émilie", "Tremblay"), ("James", "MacDonald"), ("Priya", "Singh")],
    "CRI": [("Laura", "Jiménez Solano"), ("Andrés", "Mora Vargas"), ("Sofía", "Rojas")],
    "SLV": [("Carlos", "Hernández Flores"), ("Marta", "Alvarado"), ("José", "Menjívar")],
    "GTM": [("Ana Lucía", "Morales"), ("Héctor", "Cifuentes"), ("Rosa", "Ixcot")],
    "HND": [("Julio", "Zelaya"), ("Karla", "Mejía Reyes"), ("Óscar", "Bonilla")],
    "MEX": [("Fernanda", "López Ortiz"), ("Ricardo", "Salgado"), ("Guadalupe", "Reyes")],
    "NIC": [("Mario", "Espinoza"), ("Claudia", "Sequeira"), ("Luis", "Obando")],
    "PAN": [("Itzel", "Castillo"), ("Ramón", "De Gracia"), ("Yariela", "Pinzón")],
    "DOM": [("Miguel", "Peña"), ("Yokasta", "Rosario"), ("Wilson", "Almonte")],
    "USA": [("Jennifer", "Walsh"), ("David", "Ortiz"), ("Michael", "Brennan")],
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


@transaction.atomic
def load_directory_demo(stdout=None) -> int:
    st = User.objects.filter(username="st.crm").first()
    created = 0
    today = timezone.localdate()
    for country in Country.objects.filter(kind=Country.Kind.MEMBER):
        code = country.code
        chancery = User.objects.filter(username=f"cancilleria.{code.lower()}").first()
        police = User.objects.filter(username=f"enlace.{code.lower()}").first()
        prosecutor = User.objects.filter(username=f"fiscal.{code.lower()}").first()
        if not (chancery and police and prosecutor and st):
            continue
        phones = _phones(code, 3)
        names = NAMES.get(code, [("Punto", "Focal"), ("Fiscal", "Especializado"), ("Nuevo", "Enlace")])
        langs = LANGS.get(code, ["es"])
        specs = [
            (police, names[0], "Jefe de la unidad contra el tráfico ilícito de migrantes",
             ["intelligence", "investigation"], ["information_exchange", "contact_24_7"], "smuggling"),
            (prosecutor, names[1], "Fiscal especializada, enlace de cooperación internacional",
             ["prosecution"], ["mla_central_authority"], "both"),
        ]
        boss = None
        for i, (account, (first, last), position, areas, functions, scope) in enumerate(specs):
            if Contact.objects.filter(user=account).exists():
                boss = boss or Contact.objects.filter(user=account).first()
                continue
            contact = do_propose_contact(st, {
                "institution": account.institution, "first_name": first, "last_name": last, "position": position,
                "areas": areas, "functions": functions, "languages": langs, "scope": scope,
                "email": account.email, "phone": phones[i], "timezone": country.timezone, "user": account,
                "reports_to": None, "hours_start": datetime.time(8, 0), "hours_end": datetime.time(16, 30),
            }, notify=False)
            if code == "CRI" and account is prosecutor:
                # One authorisation about to expire: the reminders have something to say.
                do_authorise_contact(chancery, contact, valid_from=today - datetime.timedelta(days=700),
                                     valid_until=today + datetime.timedelta(days=20), notify=False)
            else:
                do_authorise_contact(chancery, contact, notify=False)
            created += 1
        if code == "HND" and not Contact.objects.filter(email="oscar.bonilla@demo.crm.invalid").exists():
            inst = Institution.objects.filter(country=country, type=Institution.Type.MIGRATION).first()
            if inst is not None:
                do_propose_contact(st, {
                    "institution": inst, "first_name": names[2][0], "last_name": names[2][1],
                    "position": "Coordinador de centros de atención al migrante", "areas": ["centres",
                                                                                            "migration_control"],
                    "functions": ["centre_coordinator", "return_coordination"], "languages": ["es"],
                    "email": "oscar.bonilla@demo.crm.invalid", "phone": phones[2], "timezone": country.timezone,
                    "user": None, "reports_to": None,
                }, notify=False)
                created += 1
    if stdout is not None:
        stdout.write(f"directory: {created} contacts created")
    return created
