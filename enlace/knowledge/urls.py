from django.urls import path, re_path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.home, name="home"),
    path("buscar/", views.search_page, name="search"),
    path("plan/", views.plan_page, name="plan"),
    path("plan/2018/", views.plan_page, {"draft": True}, name="plan_draft"),
    path("plan/exportar/", views.export_plan, name="export_plan"),
    re_path(r"^plan/acciones/(?P<key>(?:2018-)?\d+\.\d+)/$", views.action_page, name="action"),
    path("recomendaciones/exportar/", views.export_recommendations, name="export_recommendations"),
    re_path(r"^r/(?P<key>[A-Za-z]{3}-[IVXivx]+-\d+(?:-[a-z])?)/$", views.recommendation_page, name="recommendation"),
    path("propuestas/", views.proposals, name="proposals"),
    re_path(r"^propuestas/(?P<kind>tema|vinculo)/(?P<pk>\d+)/$", views.decide, name="decide"),
    re_path(r"^temas/(?P<kind>[ra])/(?P<key>[\w.-]+)/$", views.add_theme, name="add_theme"),
    path("reportes/", views.reports, name="reports"),
    path("reportes/nuevo/", views.report_form, name="report_new"),
    path("reportes/exportar/", views.export_reports, name="export_reports"),
    path("reportes/<int:pk>/", views.report_detail, name="report"),
    path("reportes/<int:pk>/editar/", views.report_form, name="report_edit"),
    path("reportes/<int:pk>/enviar/", views.report_submit, name="report_submit"),
    path("reportes/<int:pk>/validar/", views.report_validate, name="report_validate"),
    path("reportes/<int:pk>/compartir/", views.report_share, name="report_share"),
    path("reportes/<int:pk>/evidencias/<int:eid>/", views.evidence_download, name="evidence"),
    path("rondas/", views.rounds, name="rounds"),
    path("rondas/<int:pk>/recordar/", views.round_remind, name="round_remind"),
    path("rondas/<int:pk>/cerrar/", views.round_close, name="round_close"),
    path("tablero/", views.dashboard, name="dashboard"),
    path("tablero/informe.pdf", views.report_pdf, name="report_pdf"),
]
