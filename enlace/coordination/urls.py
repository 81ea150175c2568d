from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("", views.message_list, name="list"),
    path("protocolo/", views.protocol, name="protocol"),
    path("<int:pk>/", views.message_detail, name="detail"),
    path("<int:pk>/responder/", views.message_answer, name="answer"),
]
