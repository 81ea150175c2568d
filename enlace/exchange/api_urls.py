from rest_framework.routers import SimpleRouter

from .api import AttachmentViewSet, ForwardRequestViewSet, MlaDraftViewSet, ThreadViewSet

router = SimpleRouter()
router.register("exchange/threads", ThreadViewSet, basename="exchange-thread")
router.register("exchange/forward-requests", ForwardRequestViewSet, basename="exchange-forward-request")
router.register("exchange/attachments", AttachmentViewSet, basename="exchange-attachment")
router.register("exchange/mla-drafts", MlaDraftViewSet, basename="exchange-mla-draft")

app_name = "exchange_api"
urlpatterns = router.urls
