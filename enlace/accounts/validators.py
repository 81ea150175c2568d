import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LocalBreachedPasswordValidator:
    """Rejects passwords whose SHA-1 appears in a local file of breached-password hashes.

    The file (``ENLACE_BREACHED_PASSWORDS_FILE``) holds one upper-case SHA-1 per line, optionally
    followed by ``:count`` as in the Pwned Passwords downloads. Without a file this check is off;
    Django's offline list of common breached passwords still applies.
    """

    def validate(self, password, user=None):
        path = getattr(settings, "ENLACE_BREACHED_PASSWORDS_FILE", "")
        if not path:
            return
        digest = hashlib.sha1(password.encode()).hexdigest().upper()
        with Path(path).open() as fh:
            for line in fh:
                if line.split(":", 1)[0].strip() == digest:
                    raise ValidationError(_("Esta contraseña aparece en filtraciones conocidas. Elija otra."),
                                          code="password_breached")

    def get_help_text(self):
        return _("La contraseña no puede figurar en listas de contraseñas filtradas.")
