"""The querysets through which every read of Enlace data goes.

``restrict(user, action)`` is the only door for officials. Protected records answer it with the
sharing policy (``policy.permitted_q``); reference data answers it with "any signed-in, verified
official". ``unrestricted(reason=...)`` is the one named escape hatch for system reads (the
matching index, periodic tasks, sequence numbers): it needs a reason, and on personal data it
leaves an audit event saying who (the system) read what kind of record and why.
"""

from django.db import models

from . import policy


class ReferenceQuerySet(models.QuerySet):
    """Non-sensitive reference data: visible to every authenticated user, to nobody else."""

    def restrict(self, user, action: str = "view"):
        policy.check_action(action)
        if not policy.is_read(action):
            return self.none()
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.all()


class ProtectedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Rows of this model that ``user`` may act on with ``action``; deny by default.

        No DISTINCT: every clause of the policy is a to-one join or a subquery, so rows are never
        repeated (DISTINCT made every paginated count sort all visible rows).
        """
        policy.check_action(action, self.model)
        if not policy.has_model_permission(user, self.model, action):
            return self.none()
        return self.filter(policy.permitted_q(user, self.model, action))

    def unrestricted(self, *, reason: str):
        """Every row, for system code that is not acting for an official. ``reason`` is mandatory."""
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("unrestricted() needs a reason")
        if getattr(self.model, "personal_data", False):
            from enlace.audit.log import log_event  # local: audit imports sharing models

            log_event("system_read", object_type=self.model._meta.label_lower, personal_data=True,
                      purpose=reason[:300])
        return self.all()
