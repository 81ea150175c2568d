"""Settings for the portal benchmark: the embedded settings with only the apps the portal needs, so
that another capability being built at the same time (not yet migrated) cannot stop the run."""

from enlace.settings.base import *  # noqa: F401,F403
from enlace.settings.base import INSTALLED_APPS

_NEEDED = {"enlace.core", "enlace.accounts", "enlace.sharing", "enlace.audit", "enlace.api", "enlace.notifications",
           "enlace.cases", "enlace.knowledge", "enlace.directory", "enlace.exchange", "enlace.legislation",
           "enlace.matching", "enlace.portal", "enlace.practices", "enlace.training"}
INSTALLED_APPS = [a for a in INSTALLED_APPS if not a.startswith("enlace.") or a in _NEEDED]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
