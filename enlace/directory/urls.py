from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("exportar.xlsx", views.export_xlsx, name="export_xlsx"),
    path("exportar.vcf", views.export_vcf, name="export_vcf"),
    path("directorio.pdf", views.export_pdf, name="export_pdf"),
    path("nuevo/", views.contact_new, name="new"),
    path("importar/", views.import_contacts, name="import"),
    path("importar/plantilla.xlsx", views.import_template, name="import_template"),
    path("autorizaciones/", views.pending, name="pending"),
    path("a-quien-contacto/", views.routing, name="routing"),
    path("calidad/", views.quality, name="quality"),
    path("actores-clave/", views.key_actors, name="key_actors"),
    path("actores-clave/<int:pk>/<str:decision>/", views.key_actor_decide, name="key_actor_decide"),
    path("pais/<str:code>/", views.country_page, name="country"),
    path("contacto/<int:pk>/", views.contact_detail, name="contact"),
    path("contacto/<int:pk>/vcard/", views.contact_vcard, name="contact_vcard"),
    path("contacto/<int:pk>/editar/", views.contact_edit, name="edit"),
    path("contacto/<int:pk>/consentimiento/", views.contact_consent, name="consent"),
    path("contacto/<int:pk>/<str:decision>/", views.contact_decide, name="decide"),
]
