from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("cases", api.CaseViewSet, basename="case")
router.register("case-entities", api.EntityViewSet, basename="case-entity")
router.register("case-links", api.LinkViewSet, basename="case-link")
router.register("case-route-legs", api.RouteLegViewSet, basename="case-route-leg")
router.register("case-imports", api.ImportBatchViewSet, basename="case-import")

app_name = "cases_api"
urlpatterns = router.urls
