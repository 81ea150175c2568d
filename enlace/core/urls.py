from django.urls import path

from . import health, views

app_name = "core"

urlpatterns = [
    path("inicio/", views.home, name="home"),
    path("salud/", health.health, name="health"),  # issue 17: public, JSON, no secrets
]
