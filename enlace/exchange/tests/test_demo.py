"""The demo data: Costa Rica → Panamá urgent request, a Guatemalan alert, an MLA draft; idempotent."""

import io

import pytest
from django.core.management import call_command

from enlace.accounts.models import User
from enlace.core.demo import load_core_demo
from enlace.exchange.demo import load_exchange_demo
from enlace.exchange.models import MlaDraft, Thread

pytestmark = pytest.mark.django_db


def test_demo_threads_between_countries():
    load_core_demo()
    out = io.StringIO()
    assert load_exchange_demo(out) == 3
    pan, hnd, fiscal_pan = (User.objects.get(username=n) for n in ("enlace.pan", "enlace.hnd", "fiscal.pan"))
    urgent = Thread.objects.restrict(pan, "list").get(priority="urgent", kind="info_request")
    assert urgent.owner_institution.country.code == "CRI" and urgent.status == "acknowledged"
    alert = Thread.objects.restrict(hnd, "list").get(kind="alert")
    assert sorted(alert.recipient_countries.values_list("code", flat=True)) == ["BLZ", "HND", "MEX", "SLV", "USA"]
    assert not Thread.objects.restrict(hnd, "list").filter(pk=urgent.pk).exists()
    draft = MlaDraft.objects.restrict(fiscal_pan, "list").get()
    assert draft.versions.count() == 2
    assert load_exchange_demo(None) == 0  # idempotent
    call_command("run-periodic", stdout=io.StringIO())
