from django.urls import path

from . import views

app_name = "sharing_testapp"
urlpatterns = [
    path("<str:kind>/", views.record_list, name="list"),
    path("<str:kind>/exportar/", views.record_export, name="export"),
    path("<str:kind>/<int:pk>/", views.record_detail, name="detail"),
]
