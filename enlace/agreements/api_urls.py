from rest_framework.routers import SimpleRouter

from . import api

app_name = "agreements_api"

router = SimpleRouter()
router.register("acuerdos/acuerdos", api.AgreementViewSet, basename="agreement")
router.register("acuerdos/compartidos", api.AgreementShareViewSet, basename="agreementshare")
urlpatterns = router.urls
