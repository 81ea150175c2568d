"""``/api/v1/``. Apps register their own routers here through ``api_urls`` in their package."""

from django.apps import apps
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("countries", views.CountryViewSet, basename="country")
router.register("institutions", views.InstitutionViewSet, basename="institution")

urlpatterns = [
    path("", views.root, name="root"),
    path("me/", views.me, name="me"),
    path("", include(router.urls)),
]

# Each domain app names its API URL module in its AppConfig (``api_urls``); mounted here so that
# adding an app never means editing this file.
for _config in apps.get_app_configs():
    _module = getattr(_config, "api_urls", None)
    if _module:
        urlpatterns.append(path("", include(_module)))
