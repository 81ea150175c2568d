from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import AuthorisationViewSet, ContactViewSet, PublicKeyActorViewSet, RoutingView

router = SimpleRouter()
router.register("directory/contacts", ContactViewSet, basename="directory-contact")
router.register("directory/authorisations", AuthorisationViewSet, basename="directory-authorisation")
router.register("directory/key-actors", PublicKeyActorViewSet, basename="directory-key-actor")

app_name = "directory_api"
urlpatterns = [
    path("directory/routing/", RoutingView.as_view(), name="routing"),
    *router.urls,
]
