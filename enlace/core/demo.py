"""The demo data set: institutions and officials for every member country. Idempotent.

Later capabilities extend it by declaring ``demo_loaders`` (dotted paths of callables taking
``stdout``) on their AppConfig; ``enlace load-demo`` runs them in app order.
"""

import base64
import time

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from enlace.accounts.actions import do_create_user, do_provision_totp_device
from enlace.accounts.models import User

from .actions import do_ensure_institution
from .models import Country, Institution

DEMO_PASSWORD = "Enlace-Demo-2026"

MEMBER_INSTITUTIONS = [
    # (username prefix, role, first name, institution type, name template, acronym template)
    ("cancilleria", "cancilleria", "Cancillería", Institution.Type.FOREIGN_MINISTRY,
     "Ministerio de Relaciones Exteriores de {name}", "MRE-{code}"),
    ("enlace", "focal_point", "Enlace", Institution.Type.POLICE, "Policía Nacional de {name}", "PN-{code}"),
    ("fiscal", "prosecutor", "Fiscal", Institution.Type.PROSECUTION,
     "Fiscalía especializada contra el tráfico ilícito de migrantes y la trata de personas de {name}", "FIS-{code}"),
    ("analista", "analyst", "Analista", Institution.Type.MIGRATION, "Autoridad migratoria de {name}", "MIG-{code}"),
]
NETWORK_USERS = [
    ("st.crm", "st", "CRM", "Secretaría Técnica", "Demo"),
    ("auditor.crm", "auditor", "CRM", "Auditoría", "Demo"),
    ("editor.crm", "portal_editor", "CRM", "Editor del portal", "Demo"),
]


def _ensure_user(username, role, institution, first_name, last_name):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = do_create_user(None, username=username, institution=institution, roles=[role], password=DEMO_PASSWORD,
                              first_name=first_name, last_name=last_name, email=f"{username}@demo.crm.invalid")
    do_provision_totp_device(None, user)
    return user


@transaction.atomic
def load_core_demo() -> int:
    created = 0
    for country in Country.objects.filter(kind=Country.Kind.MEMBER):
        for prefix, role, first_name, itype, name_tpl, acr_tpl in MEMBER_INSTITUTIONS:
            inst = do_ensure_institution(None, country=country, name=name_tpl.format(name=country.name_es),
                                         type=itype, acronym=acr_tpl.format(code=country.code))
            username = f"{prefix}.{country.code.lower()}"
            existed = User.objects.filter(username=username).exists()
            _ensure_user(username, role, inst, first_name, country.name_es)
            created += not existed
    st = Institution.objects.get(country__code="CRM", acronym="ST-CRM")
    for username, role, _code, first, last in NETWORK_USERS:
        existed = User.objects.filter(username=username).exists()
        _ensure_user(username, role, st, first, last)
        created += not existed
    return created


def run_demo_loaders(stdout) -> None:
    for config in apps.get_app_configs():
        for dotted in getattr(config, "demo_loaders", []):
            import_string(dotted)(stdout)


def demo_accounts():
    """Rows of (username, password, TOTP secret, current code, roles, institution) for the demo users."""
    rows = []
    now = time.time()
    users = User.objects.filter(email__endswith="@demo.crm.invalid").select_related("institution__country").order_by("username")
    for user in users:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            continue
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = now
        code = f"{totp.token():0{device.digits}d}"
        rows.append((user.username, DEMO_PASSWORD, secret, code, ",".join(sorted(user.role_codes())),
                     user.institution.country.code if user.institution else ""))
    return rows
