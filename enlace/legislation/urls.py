from django.urls import path

from . import views

app_name = "legislation"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("matriz/xlsx/", views.matrix_xlsx, name="matrix_xlsx"),
    path("matriz/pdf/", views.matrix_pdf, name="matrix_pdf"),
    path("publica/", views.public_matrix, name="public"),
    path("indicadores/", views.indicators, name="indicators"),
    path("indicadores/<str:code>/", views.country_gaps, name="gaps"),
    path("catalogo/", views.catalogue, name="catalogue"),
    path("instrumentos/", views.instrument_list, name="instruments"),
    path("instrumentos/nuevo/", views.instrument_create, name="instrument_create"),
    path("instrumentos/exportar/", views.instrument_export, name="instrument_export"),
    path("instrumentos/<int:pk>/", views.instrument_detail, name="instrument"),
    path("instrumentos/<int:pk>/editar/", views.instrument_edit, name="instrument_edit"),
    path("instrumentos/<int:pk>/disposiciones/nueva/", views.provision_create, name="provision_create"),
    path("disposiciones/", views.provision_list, name="provisions"),
    path("disposiciones/<int:pk>/", views.provision_detail, name="provision"),
    path("disposiciones/<int:pk>/editar/", views.provision_edit, name="provision_edit"),
    path("rondas/", views.round_list, name="rounds"),
    path("rondas/nueva/", views.round_create, name="round_create"),
    path("rondas/<int:pk>/", views.round_detail, name="round"),
    path("rondas/<int:pk>/cerrar/", views.round_close, name="round_close"),
    path("rondas/<int:pk>/recordar/", views.round_remind, name="round_remind"),
    path("rondas/<int:pk>/responder/", views.round_start, name="round_start"),
    path("cuestionarios/", views.submission_list, name="submissions"),
    path("cuestionarios/<int:pk>/", views.submission_detail, name="submission"),
    path("cuestionarios/<int:pk>/editar/", views.submission_edit, name="submission_edit"),
    path("cuestionarios/<int:pk>/enviar/", views.submission_submit, name="submission_submit"),
    path("cuestionarios/<int:pk>/validar/", views.submission_validate, name="submission_validate"),
    path("cuestionarios/<int:pk>/devolver/", views.submission_return, name="submission_return"),
    path("cuestionarios/<int:pk>/publicar/", views.submission_publish, name="submission_publish"),
]
