"""One onward-sharing rule (``sharing.onward.check``): the re-share actions' early check and the
model-level guarantee on save both ask it. Each test fails if one of the two callers stops using it."""

import inspect

import pytest
from django.core.exceptions import ValidationError

from enlace.sharing import actions, onward
from enlace.sharing.tests.testapp.actions import do_create_bulletin
from enlace.sharing.tests.testapp.models import Bulletin
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


def _refuse(*args, **kwargs):
    raise ValidationError({"distribution": "refused by the one rule"})


def test_both_callers_refuse_when_the_one_rule_refuses(monkeypatch):
    owner = f.user("GTM", "focal_point")
    record = do_create_bulletin(owner, title="Boletin-regla-xq", distribution="country")
    monkeypatch.setattr(onward, "check", _refuse)
    # The early check: narrowing to the institution is always allowed by the real rule; here it is refused.
    with pytest.raises(ValidationError, match="refused by the one rule"):
        actions.check_onward_sharing(record, "institution", None)
    # The model-level guarantee: a plain save that changes the audience asks the same rule.
    stored = Bulletin.objects.restrict(owner, "view").get(pk=record.pk)
    stored.distribution = "institution"
    with pytest.raises(ValidationError, match="refused by the one rule"):
        stored.save()
    assert Bulletin.objects.unrestricted(reason="test").get(pk=record.pk).distribution == "country"


def test_a_re_share_asks_the_rule_early_and_again_on_save(monkeypatch):
    owner = f.user("GTM", "focal_point")
    record = Bulletin.objects.restrict(owner, "view").get(
        pk=do_create_bulletin(owner, title="Boletin-regla2-xq", distribution="country").pk)
    callers = []
    real = onward.check

    def spy(*args):
        callers.append(inspect.stack()[1].function)
        return real(*args)

    monkeypatch.setattr(onward, "check", spy)
    actions.do_change_sharing(owner, record, distribution="institution")
    assert callers == ["check_onward_sharing", "check_onward_sharing_on_save"]
    assert Bulletin.objects.unrestricted(reason="test").get(pk=record.pk).distribution == "institution"
