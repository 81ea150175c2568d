"""Test settings: the embedded default unless the PostgreSQL plugin set DATABASE_URL."""

from .base import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses Argon2
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
AXES_ENABLED = True

# A protected model used only by the sharing policy's generic tests.
INSTALLED_APPS = [*INSTALLED_APPS, "enlace.sharing.tests.testapp"]  # noqa: F405

# A file, not shared-cache memory: the live server's threads then wait on SQLite's busy timeout
# (WAL) exactly as production does, instead of failing at once with "database table is locked".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile as _tempfile

    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_tempfile.gettempdir(), f"enlace-test-{os.getpid()}.sqlite3")}  # noqa: F405

# Background jobs run inline in tests; statistics' worker test switches to the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
