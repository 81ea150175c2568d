from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from enlace.sharing.api import ProtectedReadOnlyViewSet, SharingFieldsSerializer

from .models import Bulletin, Dossier


class DossierSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    class Meta:
        model = Dossier
        fields = ["id", "title", "owner_institution", "owner_country", "distribution", "handling_codes"]


class DossierViewSet(ProtectedReadOnlyViewSet):
    queryset = Dossier.objects.none()
    serializer_class = DossierSerializer
    filterset_fields = ["title"]


class BulletinSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    class Meta:
        model = Bulletin
        fields = ["id", "title", "owner_institution", "owner_country", "distribution", "handling_codes"]


class BulletinViewSet(ProtectedReadOnlyViewSet):
    queryset = Bulletin.objects.none()
    serializer_class = BulletinSerializer
    filterset_fields = ["title"]


router = SimpleRouter()
router.register("test-dossiers", DossierViewSet, basename="test-dossier")
router.register("test-bulletins", BulletinViewSet, basename="test-bulletin")
app_name = "sharing_testapp_api"
urlpatterns = router.urls
