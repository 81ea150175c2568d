from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.request_list, name="requests"),
    path("solicitudes/nueva/", views.request_create, name="request_create"),
    path("solicitudes/<int:pk>/", views.request_detail, name="request"),
    path("catalogo/", views.catalogue, name="catalogue"),
    path("catalogo/nuevo/", views.course_create, name="course_create"),
    path("catalogo/<int:pk>/", views.course_detail, name="course"),
    path("documentos/<int:pk>/", views.document, name="document"),
    path("eventos/", views.event_list, name="events"),
    path("eventos/nuevo/", views.event_create, name="event_create"),
    path("eventos/eventos.ics", views.events_ical, name="ical"),
    path("eventos/<int:pk>/", views.event_detail, name="event"),
    path("eventos/<int:pk>/certificado.pdf", views.certificate, name="certificate"),
]
