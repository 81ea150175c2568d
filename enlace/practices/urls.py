from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="practices"),
    path("nueva/", views.practice_create, name="practice_create"),
    path("<int:pk>/", views.practice_detail, name="practice"),
    path("<int:pk>/editar/", views.practice_edit, name="practice_edit"),
    path("<int:pk>/adjuntos/<int:att>/", views.attachment, name="attachment"),
    path("instrumentos/", views.tool_list, name="tools"),
    path("instrumentos/nuevo/", views.tool_create, name="tool_create"),
    path("instrumentos/<int:pk>/", views.tool_detail, name="tool"),
    path("jurisprudencia/", views.case_list, name="cases"),
    path("jurisprudencia/nuevo/", views.case_create, name="case_create"),
    path("jurisprudencia/<int:pk>/", views.case_detail, name="case"),
    path("jurisprudencia/<int:pk>/editar/", views.case_edit, name="case_edit"),
]
