"""Generic list/search/detail/export pages for the test models: what every app's views do."""

from django.shortcuts import render

from enlace.audit.log import log_event
from enlace.core.exports import xlsx_response
from enlace.sharing.access import access_by_id, audit_listing

from .models import Bulletin, Dossier, DossierNote

MODELS = {"expedientes": Dossier, "notas": DossierNote, "boletines": Bulletin}


def record_list(request, kind):
    model = MODELS[kind]
    q = request.GET.get("q", "")
    qs = model.objects.restrict(request.user, "search" if q else "list")
    if q:
        qs = qs.filter(title__icontains=q)
    rows = list(qs.order_by("pk"))
    audit_listing(request.user, model, [r.pk for r in rows], kind="search" if q else "list", query=q)
    return render(request, "sharing_testapp/list.html", {"rows": rows, "count": len(rows)})


def record_detail(request, kind, pk):
    d = access_by_id(MODELS[kind], request.user, pk, purpose=request.GET.get("purpose", ""))
    return render(request, "sharing_testapp/detail.html", {"d": d})


def record_export(request, kind):
    model = MODELS[kind]
    rows = list(model.objects.restrict(request.user, "export").order_by("pk").values_list("pk", "title"))
    log_event("export", user=request.user, object_type=model._meta.label_lower, personal_data=model.personal_data,
              detail={"count": len(rows)})
    return xlsx_response(f"{kind}.xlsx", [(kind, ["id", "title"], rows)])
