from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import DocumentReportViewSet, NumberQueryView

app_name = "documents_api"
router = SimpleRouter()
router.register("documents/reports", DocumentReportViewSet, basename="document-report")
urlpatterns = [path("documents/query/", NumberQueryView.as_view(), name="query"), *router.urls]
