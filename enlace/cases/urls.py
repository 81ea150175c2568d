from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("exportar/", views.case_export, name="export"),
    path("nuevo/", views.case_create, name="create"),
    path("mapa/", views.region_map, name="region_map"),
    path("entidades/", views.entity_search, name="entity_search"),
    path("entidades/<int:pk>/", views.entity_detail, name="entity"),
    path("entidades/<int:pk>/editar/", views.entity_edit, name="entity_edit"),
    path("entidades/<int:pk>/revisar-funcion/", views.entity_review_role, name="entity_review_role"),
    path("entidades/<int:pk>/distribucion/", views.entity_sharing, name="entity_sharing"),
    path("entidades/<int:pk>/eliminar/", views.entity_delete, name="entity_delete"),
    path("vinculos/<int:pk>/eliminar/", views.link_delete, name="link_delete"),
    path("tramos/<int:pk>/eliminar/", views.leg_delete, name="leg_delete"),
    path("importaciones/<int:pk>/", views.import_detail, name="import"),
    path("importaciones/<int:pk>/progreso/", views.import_progress, name="import_progress"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/editar/", views.case_edit, name="edit"),
    path("<int:pk>/distribucion/", views.case_sharing, name="sharing"),
    path("<int:pk>/coincidencias/", views.case_matching, name="matching"),
    path("<int:pk>/exportar.xlsx", views.case_export_xlsx, name="export_xlsx"),
    path("<int:pk>/exportar.ftm.json", views.case_export_ftm, name="export_ftm"),
    path("<int:pk>/entidades/nueva/", views.entity_create, name="entity_create"),
    path("<int:pk>/vinculos/nuevo/", views.link_create, name="link_create"),
    path("<int:pk>/tramos/nuevo/", views.leg_create, name="leg_create"),
    path("<int:pk>/importar/", views.import_upload, name="import_upload"),
    path("<int:pk>/grafo/", views.case_graph, name="graph"),
    path("<int:pk>/mapa/", views.case_map, name="map"),
]
