from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.query, name="query"),
    path("registro/", views.register, name="register"),
    path("registro/nuevo/", views.report_new, name="new"),
    path("registro/<int:pk>/", views.report_detail, name="detail"),
    path("registro/<int:pk>/retirar/", views.report_withdraw, name="withdraw"),
]
