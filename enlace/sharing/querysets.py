"""The querysets through which every read of Enlace data goes.

``restrict(user, action)`` is the only door. Protected records answer it with the sharing policy
(``policy.visibility_q``); reference data answers it with "any signed-in, verified official".
"""

from django.db import models

from . import policy


class ReferenceQuerySet(models.QuerySet):
    """Non-sensitive reference data: visible to every authenticated user, to nobody else."""

    def restrict(self, user, action: str = "view"):
        policy.check_action(action)
        if action in policy.WRITE_ACTIONS:
            return self.none()
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.all()


class ProtectedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Rows of this model that ``user`` may act on with ``action``; deny by default."""
        policy.check_action(action)
        if not policy.has_model_permission(user, self.model, action):
            return self.none()
        return self.filter(policy.permitted_q(user, self.model, action)).distinct()
