from django.urls import path

from . import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("exportar.xlsx", views.agreement_export, name="export"),
    path("nuevo/", views.agreement_new, name="new"),
    path("compartidos/", views.share_list, name="shares"),
    path("incorporar-parte/", views.onboard_party, name="onboard"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/texto/", views.agreement_text, name="text"),
    path("<int:pk>/texto/v<int:version>/", views.agreement_text_version, name="text_version"),
    path("<int:pk>/contactos/", views.agreement_contacts, name="contacts"),
    path("<int:pk>/<str:decision>/", views.agreement_decide, name="decide"),
]
