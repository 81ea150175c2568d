from rest_framework.routers import SimpleRouter

from . import api

app_name = "coordination_api"

router = SimpleRouter()
router.register("coordinacion/mensajes", api.NationalMessageViewSet, basename="nationalmessage")
router.register("coordinacion/protocolo", api.NationalRouteViewSet, basename="nationalroute")
urlpatterns = router.urls
