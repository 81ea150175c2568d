from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A protected model used only by the sharing policy's own tests (installed by test settings)."""

    name = "enlace.sharing.tests.testapp"
    label = "sharing_testapp"
    web_urls = "enlace.sharing.tests.testapp.urls"
    web_prefix = "prueba-expedientes/"
    api_urls = "enlace.sharing.tests.testapp.api_urls"
    role_permissions = {
        "focal_point": ["sharing_testapp.view_dossier", "sharing_testapp.change_dossier",
                        "sharing_testapp.export_dossier", "sharing_testapp.view_dossiernote",
                        "sharing_testapp.change_dossiernote", "sharing_testapp.view_bulletin",
                        "sharing_testapp.change_bulletin", "sharing_testapp.export_bulletin"],
        "analyst": ["sharing_testapp.view_dossier", "sharing_testapp.view_dossiernote",
                    "sharing_testapp.view_bulletin"],
        "st": ["sharing_testapp.view_dossier", "sharing_testapp.view_bulletin", "sharing_testapp.export_bulletin"],
    }
