from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "statistics_api"

router = SimpleRouter()
router.register("estadisticas/bases", api.DatabaseEntryViewSet, basename="databaseentry")
router.register("estadisticas/envios", api.SubmissionViewSet, basename="submission")

urlpatterns = [path("estadisticas/regional/", api.regional, name="regional"), *router.urls]
