"""Settings for the volume benchmark: the embedded settings with every app (every menu page is
measured), any host on loopback, and only warnings in the log (the access log would dominate)."""

from enlace.settings.base import *  # noqa: F401,F403

ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
