from rest_framework.routers import SimpleRouter

from .api import ImplementationReportViewSet, PlanActionViewSet, RecommendationViewSet

router = SimpleRouter()
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("plan/actions", PlanActionViewSet, basename="plan-action")
router.register("implementation-reports", ImplementationReportViewSet, basename="implementation-report")

app_name = "knowledge_api"
urlpatterns = router.urls
