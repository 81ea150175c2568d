from django.urls import path

from . import views

app_name = "sharing_testapp"
urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("exportar/", views.dossier_export, name="export"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
]
