"""CLI: catalogue loader and the demo round (idempotent, clearly marked as demo content)."""

import io

import pytest
from django.core.management import call_command

from enlace.audit.models import AuditEvent
from enlace.core.demo import load_core_demo
from enlace.directory.demo import load_directory_demo
from enlace.legislation.demo import DEMO_ROUND, load_demo
from enlace.legislation.models import Indicator, Requirement, Round, Submission
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


def test_load_legislation_catalogue_is_idempotent():
    Indicator.objects.all().delete()
    Requirement.objects.all().delete()
    out = io.StringIO()
    call_command("load-legislation-catalogue", stdout=out)
    assert "24 requisitos, 33 indicadores (57 nuevos" in out.getvalue()
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("load-legislation-catalogue", stdout=out)
    # Loading the same catalogue again writes nothing, so it logs nothing.
    assert "(0 nuevos, 0 actualizados)" in out.getvalue()
    assert AuditEvent.objects.count() == events
    assert Requirement.objects.filter(code="TIM-6.1.b", article="6.1.b").exists()
    assert Indicator.objects.get(code="TDP-3-consentimiento").requirement.code == "TDP-3"


def test_demo_round_is_validated_for_several_countries_and_marked_as_demo():
    load_core_demo()
    # As ``enlace load-demo`` does (directory before legislation): the portal editor publishes with the
    # cross-border standing its directory entry gives it.
    load_directory_demo()
    out = io.StringIO()
    load_demo(out)
    load_demo(out)  # idempotent
    assert Round.objects.filter(title=DEMO_ROUND).count() == 1
    rnd = Round.objects.get(title=DEMO_ROUND)
    assert not rnd.is_open
    reader = f.user("BLZ", "analyst")
    subs = Submission.objects.restrict(reader).filter(round=rnd)
    assert subs.count() >= 5 and all(s.status == "validated" and s.demo for s in subs)
    page = f.verified_client(reader).get("/legislacion/").content.decode()
    assert "Datos de demostración" in page and 'id="matrix-table"' in page
    # A new open round, which countries answer starting from their demo answers.
    assert Round.objects.filter(status="open").exists()
