"""The Auditor's pages. Audit events are not country-owned records: the auditor role sees them all."""

import datetime

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from enlace.core.exports import xlsx_response

from .filters import AuditEventFilter
from .log import log_event, verify_chain
from .models import AuditEvent

# No object_repr: events written before redaction existed may hold record content, and the
# auditor does not see the content of cases. Type and id are enough to follow a record.
EXPORT_COLUMNS = ["seq", "at", "kind", "actor_username", "country_code", "object_type", "object_id",
                  "personal_data", "purpose", "address", "channel", "hash"]


def _filtered(request):
    return AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.all())


@permission_required("audit.view_auditevent", raise_exception=True)
def events(request):
    fs = _filtered(request)
    page = Paginator(fs.qs, 50).get_page(request.GET.get("page"))
    log_event("list", user=request.user, object_type="audit.auditevent",
              detail={"query": request.GET.urlencode()[:200], "count": len(page.object_list)})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/events.html", {"filter": fs, "page": page, "query": query.urlencode()})


@permission_required("audit.export_auditevent", raise_exception=True)
def export(request):
    fs = _filtered(request)
    rows = fs.qs.values_list(*EXPORT_COLUMNS)[:100000]
    log_event("export", user=request.user, object_type="audit.auditevent",
              detail={"query": request.GET.urlencode()[:200], "format": "xlsx"})
    # The audit speaks UTC everywhere (page and export), whatever the auditor's own zone.
    with timezone.override(datetime.timezone.utc):
        return xlsx_response("auditoria.xlsx", [("Auditoria", EXPORT_COLUMNS, rows)])


@permission_required("audit.view_auditevent", raise_exception=True)
def verify(request):
    ok, count, bad_seq, reason = verify_chain()
    log_event("read", user=request.user, object_type="audit.chain", detail={"verified": ok, "count": count})
    return render(request, "audit/verify.html", {"ok": ok, "count": count, "bad_seq": bad_seq, "reason": reason})
