from django.urls import path

from . import stream, views

app_name = "exchange"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("eventos/", stream.events, name="events"),
    path("exportar.xlsx", views.export_xlsx, name="export_xlsx"),
    path("nuevo/", views.compose, name="compose"),
    path("borrador/<int:pk>/", views.compose, name="draft"),
    path("borrador/<int:pk>/descartar/", views.discard, name="discard"),
    path("hilo/<int:pk>/", views.thread_detail, name="thread"),
    path("hilo/<int:pk>/fila/", views.thread_row, name="row"),
    path("hilo/<int:pk>/entregado/", views.deliver, name="deliver"),
    path("hilo/<int:pk>/acuse/", views.acknowledge, name="acknowledge"),
    path("hilo/<int:pk>/responder/", views.reply, name="reply"),
    path("hilo/<int:pk>/cerrar/", views.close, name="close"),
    path("hilo/<int:pk>/reenvio/", views.request_forward, name="request_forward"),
    path("hilo/<int:pk>/adjuntar/", views.upload_attachment, name="upload"),
    path("reenvio/<int:pk>/<str:decision>/", views.decide_forward, name="decide_forward"),
    path("adjunto/<int:pk>/", views.download_attachment, name="download"),
    path("capacidad-de-respuesta/", views.dashboard, name="dashboard"),
    path("capacidad-de-respuesta.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("asistencia-juridica/", views.mla_list, name="mla_list"),
    path("asistencia-juridica/nuevo/", views.mla_new, name="mla_new"),
    path("asistencia-juridica/<int:pk>/", views.mla_detail, name="mla_detail"),
    path("asistencia-juridica/<int:pk>/estado/", views.mla_status, name="mla_status"),
    path("asistencia-juridica/<int:pk>/exportar.<str:fmt>", views.mla_export, name="mla_export"),
]
