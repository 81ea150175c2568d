"""URLs for the logging tests: the project's, plus views that fail (never mounted in the product)."""

from django.db import OperationalError
from django.urls import path

from enlace.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("boom for the log test")


def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1 failed")


urlpatterns = [path("prueba/falla/", boom), path("prueba/sin-base/", database_gone), *project_urlpatterns]
handler500 = "enlace.core.views.server_error"
handler404 = "enlace.core.views.not_found"
