import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enlace.settings.base")

from enlace.core.asgi import get_asgi_application  # noqa: E402  (counts body bytes as read, issue 16)

application = get_asgi_application()
