from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("exportar/", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("inventario/", views.inventory, name="inventory"),
    path("inventario/nueva/", views.entry_create, name="entry_create"),
    path("inventario/<int:pk>/", views.entry_detail, name="entry"),
    path("inventario/<int:pk>/editar/", views.entry_edit, name="entry_edit"),
    path("indicadores/", views.indicators, name="indicators"),
    path("indicadores/<int:pk>/editar/", views.indicator_edit, name="indicator_edit"),
    path("periodos/nuevo/", views.period_create, name="period_create"),
    path("envios/", views.submissions, name="submissions"),
    path("envios/plantilla/", views.template_download, name="template"),
    path("envios/cargar/", views.upload, name="upload"),
    path("envios/formulario/<int:period>/<str:dataset>/", views.entry_form, name="entry_form"),
    path("envios/<int:pk>/", views.submission_detail, name="submission"),
    path("envios/<int:pk>/validar/", views.submission_validate, name="validate"),
    path("envios/<int:pk>/cerrar/", views.submission_lock, name="lock"),
    path("envios/<int:pk>/corregir/", views.submission_correct, name="correct"),
    path("informes/", views.reports, name="reports"),
    path("informes/<int:pk>/", views.report_detail, name="report"),
    path("informes/<int:pk>/avance/", views.report_progress, name="report_progress"),
    path("informes/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("informes/<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
]
