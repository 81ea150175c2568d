from django.urls import path, re_path

from . import editorial, feeds, public

app_name = "portal"

L = "publico/<str:lang>/"
urlpatterns = [
    # Public (``public_prefixes``: no login).
    path("publico/sitemap.xml", feeds.sitemap, name="sitemap"),
    path(L, public.home, name="home"),
    path(L + "red/", public.network, name="network"),
    path(L + "plan/", public.plan, name="plan"),
    path(L + "buscar/", public.search, name="search"),
    path(L + "novedades.atom", feeds.atom, name="atom"),
    path(L + "eventos.ics", feeds.events_ical, name="ical"),
    path(L + "contenido/<int:pk>/", public.entry, name="entry"),
    re_path(r"^publico/(?P<lang>[a-z]{2})/(?P<slug>[a-z-]+)/$", public.section, name="section"),
    # Workspace (login + MFA): editors' drafts, the ST's approvals.
    path("gestion-portal/", editorial.queue, name="queue"),
    path("gestion-portal/nuevo/", editorial.create, name="create"),
    path("gestion-portal/<int:pk>/", editorial.manage_entry, name="manage_entry"),
    path("gestion-portal/<int:pk>/<str:name>/", editorial.step, name="step"),
]
