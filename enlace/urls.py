from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from enlace.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home_root"),
    path("", include("enlace.core.urls")),
    path("cuenta/", include("enlace.accounts.urls")),
    path("auditoria/", include("enlace.audit.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("api/v1/", include("enlace.api.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="api/swagger_ui.html"), name="api_docs"),
]

# Each domain app names its web URL module and prefix in its AppConfig (``web_urls``,
# ``web_prefix``), so adding an app never means editing this file.
for _config in apps.get_app_configs():
    if getattr(_config, "web_urls", None):
        urlpatterns.append(path(_config.web_prefix, include(_config.web_urls)))

handler400 = "enlace.core.views.bad_request"
handler403 = "enlace.core.views.permission_denied"
handler404 = "enlace.core.views.not_found"
handler500 = "enlace.core.views.server_error"
