from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "centres_api"

router = SimpleRouter()
router.register("centros/centros", api.CentreViewSet, basename="centre")
router.register("centros/niveles", api.CrisisLevelViewSet, basename="crisislevel")
router.register("centros/estancias", api.StayViewSet, basename="stay")
router.register("centros/cifras", api.FigureSetViewSet, basename="figureset")

# Before the router: «importar» is not a figure set's id.
urlpatterns = [path("centros/ocupacion/", api.occupancy, name="occupancy"),
               path("centros/cifras/importar/", api.figures_import, name="figure-import"),
               path("centros/cifras/importar/<slug:token>/", api.figures_import_progress, name="figure-import-progress"),
               *router.urls]
