"""Production settings: PostgreSQL, HTTPS, and no defaults for secrets.

Required: SECRET_KEY, DATABASE_URL (postgresql://…), ALLOWED_HOSTS.
"""

import os

from django.core.exceptions import ImproperlyConfigured

for _name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"La variable de entorno {_name} es obligatoria en producción / {_name} is required in production.")

from .base import *  # noqa: E402,F401,F403

DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("ENLACE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-enlace_session"
CSRF_COOKIE_NAME = "__Host-enlace_csrf"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
