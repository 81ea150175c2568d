from rest_framework.routers import SimpleRouter

from .api import HitNoticeViewSet, ReleasedRecordViewSet

app_name = "matching_api"
router = SimpleRouter()
router.register("hits", HitNoticeViewSet, basename="hit")
router.register("released-records", ReleasedRecordViewSet, basename="released-record")
urlpatterns = router.urls
