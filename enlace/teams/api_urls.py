from rest_framework.routers import SimpleRouter

from . import api

app_name = "teams_api"

router = SimpleRouter()
router.register("equipos/equipos", api.JointTeamViewSet, basename="jointteam")
router.register("equipos/entradas", api.TeamEntryViewSet, basename="teamentry")
urlpatterns = router.urls
