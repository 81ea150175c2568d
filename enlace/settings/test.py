"""Test settings: the embedded default unless the PostgreSQL plugin set DATABASE_URL."""

from .base import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses Argon2
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
AXES_ENABLED = True

# A protected model used only by the sharing policy's generic tests.
INSTALLED_APPS = [*INSTALLED_APPS, "enlace.sharing.tests.testapp"]  # noqa: F405
