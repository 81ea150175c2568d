from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "centres_api"

router = SimpleRouter()
router.register("centros/centros", api.CentreViewSet, basename="centre")
router.register("centros/niveles", api.CrisisLevelViewSet, basename="crisislevel")
router.register("centros/estancias", api.StayViewSet, basename="stay")
router.register("centros/cifras", api.FigureSetViewSet, basename="figureset")

urlpatterns = [path("centros/ocupacion/", api.occupancy, name="occupancy"), *router.urls]
