"""The onward-sharing rule, in one place.

A record shared under a group that an agreement or a joint team produced (a group with a ``source``)
stays inside it: it may be narrowed to its institution or its country, or stay in that same group, and
nothing else. Two callers ask it: the re-share actions, early and with the user's form in hand
(``sharing.actions.check_onward_sharing``), and every save of a protected record, as the model-level
guarantee (``ProtectedModel.check_onward_sharing_on_save``). Both call :func:`check` through this
module, so the rule and its message cannot drift apart (``sharing/tests/test_onward_rule.py``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .policy import Distribution


def _pk(group):
    return getattr(group, "pk", group)


def check(stored_distribution: str, stored_group, distribution: str, group) -> None:
    """Refuse (``ValidationError`` on ``distribution``) moving a record from the audience it had
    (``stored_*``) to ``distribution`` / ``group`` when that takes it out of an agreement's or a
    team's group. Groups may be given as objects or ids; a group id is looked up only when needed."""
    if stored_distribution != Distribution.GROUP or not _pk(stored_group):
        return
    if distribution in (Distribution.INSTITUTION, Distribution.COUNTRY):
        return
    if distribution == Distribution.GROUP and _pk(group) == _pk(stored_group):
        return
    if hasattr(stored_group, "source"):
        source = stored_group.source
    else:
        from .models import SharingGroup

        source = SharingGroup.objects.filter(pk=stored_group).values_list("source", flat=True).first()
    if source:
        raise ValidationError({"distribution": _(
            "Este registro se compartió en el marco de un acuerdo o equipo conjunto: no puede transmitirse fuera de "
            "él. Puede restringirlo a su institución o a su país.")})
