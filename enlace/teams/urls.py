from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="list"),
    path("nuevo/", views.team_new, name="new"),
    path("<int:pk>/", views.team_detail, name="detail"),
    path("<int:pk>/responder/", views.team_answer, name="answer"),
    path("<int:pk>/compartir/", views.team_share, name="share"),
    path("<int:pk>/entrada/", views.team_entry, name="entry"),
    path("<int:pk>/hilo/", views.team_thread, name="thread"),
    path("<int:pk>/retirarse/", views.team_leave, name="leave"),
    path("<int:pk>/cerrar/", views.team_close, name="close"),
    path("tarea/<int:pk>/hecha/", views.task_done, name="task_done"),
    path("documento/<int:pk>/archivo/", views.document_file, name="document_file"),
]
