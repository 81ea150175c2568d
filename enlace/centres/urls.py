from django.urls import path

from . import views

app_name = "centres"

urlpatterns = [
    path("", views.centre_list, name="list"),
    path("exportar/", views.centre_export, name="export"),
    path("nuevo/", views.centre_create, name="create"),
    path("<int:pk>/", views.centre_detail, name="centre"),
    path("<int:pk>/editar/", views.centre_edit, name="edit"),
    path("<int:pk>/crisis/", views.centre_crisis, name="crisis"),
    path("<int:pk>/estandares/", views.centre_standards, name="centre_standards"),
    path("<int:pk>/ingreso/", views.stay_create, name="stay_create"),
    path("<int:pk>/incidentes/", views.incident_list, name="incidents"),
    path("incidentes/<int:pk>/", views.incident_detail, name="incident"),
    path("estancias/", views.stay_list, name="stays"),
    path("estancias/exportar/", views.stay_export, name="stay_export"),
    path("estancias/<int:pk>/", views.stay_detail, name="stay"),
    path("estancias/<int:pk>/salida/", views.stay_exit, name="stay_exit"),
    path("estancias/<int:pk>/traslado/", views.stay_transfer, name="stay_transfer"),
    path("estancias/<int:pk>/derivacion/", views.stay_referral, name="stay_referral"),
    path("estancias/<int:pk>/identidad/", views.stay_identity, name="stay_identity"),
    path("estancias/<int:pk>/otros-paises/", views.stay_check_abroad, name="stay_check_abroad"),
    path("estancias/<int:pk>/pertenencias/", views.belonging_add, name="belonging_add"),
    path("estancias/<int:pk>/pertenencias/devolucion/", views.belongings_return, name="belongings_return"),
    path("estancias/<int:pk>/pertenencias/recibo.pdf", views.belongings_receipt, name="receipt"),
    path("estancias/<int:pk>/atencion/", views.care_add, name="care_add"),
    path("pertenencias/<int:pk>/corregir/", views.belonging_correct, name="belonging_correct"),
    path("ocupacion/", views.dashboard, name="dashboard"),
    path("ocupacion/xlsx/", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("ocupacion/pdf/", views.dashboard_pdf, name="dashboard_pdf"),
    path("ocupacion/calcular/", views.figures_compute, name="compute"),
    path("cifras/", views.figureset_list, name="figuresets"),
    path("cifras/importar/", views.figures_import, name="import"),
    path("cifras/importar/<slug:token>/", views.figures_import_status, name="import_status"),
    path("cifras/plantilla.xlsx", views.figures_template, name="template"),
    path("buenas-practicas/", views.practice_list, name="practices"),
    path("buenas-practicas/nueva/", views.practice_create, name="practice_create"),
    path("buenas-practicas/<int:pk>/", views.practice_detail, name="practice"),
    path("estandares/", views.standards, name="standards"),
]
