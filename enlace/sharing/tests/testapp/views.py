from django.shortcuts import render

from enlace.core.exports import xlsx_response
from enlace.sharing.access import audit_listing
from enlace.audit.log import log_event

from .models import Dossier, access_dossier_by_id


def dossier_list(request):
    qs = Dossier.objects.restrict(request.user, "list")
    q = request.GET.get("q", "")
    if q:
        qs = Dossier.objects.restrict(request.user, "search").filter(title__icontains=q)
    rows = list(qs.order_by("pk"))
    audit_listing(request.user, Dossier, [r.pk for r in rows], kind="search" if q else "list", query=q)
    return render(request, "sharing_testapp/list.html", {"rows": rows, "count": len(rows)})


def dossier_detail(request, pk):
    d = access_dossier_by_id(request.user, pk, purpose=request.GET.get("purpose", ""))
    return render(request, "sharing_testapp/detail.html", {"d": d})


def dossier_export(request):
    rows = list(Dossier.objects.restrict(request.user, "export").order_by("pk").values_list("pk", "title"))
    log_event("export", user=request.user, object_type="sharing_testapp.dossier", personal_data=True,
              detail={"count": len(rows)})
    return xlsx_response("dossiers.xlsx", [("Dossiers", ["id", "title"], rows)])
