from django.urls import path

from . import review_views, views

app_name = "matching"
urlpatterns = [
    path("", views.hit_list, name="list"),
    path("revision/", review_views.review_queue, name="review_queue"),
    path("revision/<int:pk>/", review_views.review_judge, name="review_judge"),
    path("revision/par/<int:pk>/", review_views.review_judge_pair, name="review_judge_pair"),
    path("<int:pk>/", views.hit_detail, name="detail"),
    path("<int:pk>/revisar/", views.hit_judge, name="judge"),
    path("<int:pk>/solicitar-datos/", views.hit_request_release, name="request_release"),
    path("<int:pk>/decidir/", views.hit_decide_release, name="decide_release"),
    path("<int:pk>/revisar-funcion/", views.hit_review_role, name="review_role"),
]
