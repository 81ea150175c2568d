from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.hit_list, name="list"),
    path("<int:pk>/", views.hit_detail, name="detail"),
    path("<int:pk>/revisar/", views.hit_judge, name="judge"),
    path("<int:pk>/solicitar-datos/", views.hit_request_release, name="request_release"),
    path("<int:pk>/decidir/", views.hit_decide_release, name="decide_release"),
    path("<int:pk>/revisar-funcion/", views.hit_review_role, name="review_role"),
]
