"""Demo data: two centres (Guatemala, Mexico) with stays, belongings, a crisis history, an incident,
a good practice and today's figures; centre managers in Guatemala, Mexico and Honduras with their
directory entries as centre coordinators. Idempotent."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from enlace.accounts.actions import do_create_user, do_provision_totp_device
from enlace.accounts.models import User
from enlace.core.models import Institution
from enlace.sharing.policy import Distribution

from . import actions
from .models import Centre

PASSWORD = "Enlace-Demo-2026"

CENTRES = {
    "GTM": {"name": "Albergue de atención al migrante Tecún Umán", "centre_type": "shelter",
            "place": "Tecún Umán, San Marcos", "lat": 14.677, "lon": -92.139, "capacity_men": 40,
            "capacity_women": 30, "capacity_families": 20, "capacity_children": 10,
            "services": ["health", "psychosocial", "consular", "child_protection", "family"]},
    "MEX": {"name": "Estación migratoria Siglo XXI", "centre_type": "detention", "place": "Tapachula, Chiapas",
            "lat": 14.905, "lon": -92.263, "capacity_men": 500, "capacity_women": 300, "capacity_families": 100,
            "capacity_children": 60, "services": ["health", "legal", "consular", "asylum", "interpretation"]},
}
PLAN = {"2": {"who": "Dirección del centro", "what": "Reforzar turnos y abrir espacios de contingencia"},
        "3": {"who": "Autoridad migratoria nacional y coordinaciones de centros de los países vecinos",
              "what": "Suspender ingresos no urgentes, coordinar traslados y solicitar apoyo binacional"},
        "4": {"who": "Protección civil, cancillería y países vecinos",
              "what": "Plan de emergencia: evacuación parcial y traslados inmediatos"}}

GIVEN = [("José", "M"), ("María", "F"), ("Luis", "M"), ("Ana", "F"), ("Carlos", "M"), ("Rosa", "F"),
         ("Wilson", "M"), ("Yesenia", "F"), ("Jean", "M"), ("Fatou", "F")]
SURNAMES = ["López", "García", "Hernández", "Martínez", "Pérez", "Ramírez", "Cruz", "Morales", "Joseph", "Diallo"]
NATS = ["HND", "GTM", "SLV", "HTI", "VEN", "CUB", "NIC", "ECU"]


def _manager(code: str):
    username = f"centros.{code.lower()}"
    user = User.objects.filter(username=username).first()
    if user is None:
        inst = Institution.objects.filter(country__code=code, type=Institution.Type.MIGRATION).first()
        if inst is None:
            return None
        user = do_create_user(None, username=username, institution=inst, roles=["centre_manager"], password=PASSWORD,
                              first_name="Centros", last_name=code, email=f"{username}@demo.crm.invalid")
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        do_provision_totp_device(None, user, "Demo")
    return user


def _stays(user, centre, n, rng):
    today = timezone.localdate()
    for i in range(n):
        given, sex = rng.choice(GIVEN)
        band = "adult" if i % 6 else rng.choice(["child", "unaccompanied"])
        age = rng.randint(19, 60) if band == "adult" else rng.randint(8, 16)
        entry = today - datetime.timedelta(days=rng.randint(0, 20))
        dob = entry - datetime.timedelta(days=365 * age + rng.randint(1, 300))
        data = {"entry_date": entry, "entry_mode": rng.choice(["interception", "self_presentation"]),
                "entry_place": centre.place, "given_names": given, "surname_1": rng.choice(SURNAMES),
                "surname_2": rng.choice(SURNAMES), "sex": sex, "dob": dob, "nationality": rng.choice(NATS[:3]),
                "age_band": band, "vulnerabilities": rng.sample(["refugee", "crime_victim", "indigenous"], k=i % 2),
                "care_decision": ["general"], "doc_type": "Pasaporte", "doc_number": f"P{rng.randint(10**6, 10**7)}",
                "biometric_refs": [f"AFIS:{code_of(centre)}-{rng.randint(10**5, 10**6)}"]}
        stay = actions.do_register_entry(user, centre, data)
        if i == 0:
            actions.do_add_belonging(user, stay, {"item": "Teléfono celular", "description": "Samsung, pantalla rota",
                                                  "value": "80", "currency": "USD", "bag_number": "B-0001"})
            actions.do_add_belonging(user, stay, {"item": "Dinero en efectivo", "value": "1250",
                                                  "currency": "MXN", "bag_number": "B-0001"})
        if i % 7 == 3 and stay.entry_date < today:
            actions.do_register_exit(user, stay, exit_date=today, exit_reason=rng.choice(["return", "release"]))


def code_of(centre) -> str:
    return centre.owner_institution.country.code


def load_centres_demo(stdout=None) -> int:
    rng = random.Random(2026)
    managers = {code: _manager(code) for code in ("GTM", "MEX", "HND")}
    # The directory's demo gives every demo account of a cross-border role its entry (here: centre
    # coordinators), authorised by its Cancillería; it is idempotent.
    from enlace.directory.demo import load_directory_demo

    load_directory_demo(None)
    created = 0
    for code, spec in CENTRES.items():
        user = managers.get(code)
        if user is None:
            continue
        if Centre.objects.restrict(user, "view").filter(owner_institution=user.institution, name=spec["name"]).exists():
            continue
        centre = actions.do_create_centre(user, distribution=Distribution.NETWORK, escalation_plan=PLAN,
                                          thresholds={}, **spec)
        _stays(user, centre, 40 if code == "MEX" else 30, rng)
        actions.do_record_incident(user, centre, {
            "occurred_on": timezone.localdate(), "kind": "fight", "severity": 2, "persons_involved": 3,
            "description": "Riña en el comedor por el turno de alimentos.", "measures": "Mediación y turnos escalonados."})
        if code == "GTM":
            actions.do_set_crisis_level(user, centre, level=2, reason="Llegada de un grupo numeroso desde Honduras.")
            actions.do_add_practice_note(
                user, title="Turnos escalonados en el comedor", topic="conflict", distribution=Distribution.NETWORK,
                body="Escalonar los turnos de comida por grupos familiares redujo las riñas a la mitad en un mes.")
        created += 1
    actions.do_compute_figures(timezone.localdate())
    if stdout is not None:
        stdout.write(f"centres: {created} demo centres created")
    return created
