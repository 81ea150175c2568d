from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.events, name="events"),
    path("exportar/", views.export, name="export"),
    path("verificar/", views.verify, name="verify"),
]
