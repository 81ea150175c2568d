"""Pages of the document register and of the hit/no-hit query of one number.

Reads through the policy; the query is an action (audited, no number in the audit) whose answer is
hit or no-hit: a hit names only the country and the institution to ask, and links to the notice
where the details are requested through the matching release flow.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enlace.matching.presentation import contacts_to_ask
from enlace.sharing.access import audit_listing
from enlace.sharing.policy import can, has_cross_border_standing

from . import actions
from .forms import QueryForm, ReportForm
from .models import DocumentReport, access_documentreport_by_id
from .normalize import NumberError, document_number


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@require_http_methods(["GET", "POST"])
def query(request):
    if not request.user.has_perm("documents.query_numbers"):
        raise Http404
    standing = has_cross_border_standing(request.user)
    form = QueryForm(request.POST or None)
    context = {"form": form, "standing": standing, "asked": False}
    status = 200
    if request.method == "POST" and standing:
        if form.is_valid():
            try:
                notices = actions.do_query_number(request.user, kind=form.cleaned_data["kind"],
                                                  raw=form.cleaned_data["number"])
                context.update(asked=True, hits=[(n, contacts_to_ask(request.user, n)) for n in notices])
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
        else:
            status = 400
    return render(request, "documents/query.html", context, status=status)


def register(request):
    qs = DocumentReport.objects.restrict(request.user, "list").select_related("owner_institution__country")
    q = request.GET.get("q", "").strip()[:60]
    if q:
        try:
            qs = qs.filter(number_normalised=document_number(q))
        except NumberError as exc:
            messages.error(request, str(exc))
            qs = qs.none()
    if request.GET.get("situacion") in DocumentReport.Status.values:
        qs = qs.filter(status=request.GET["situacion"])
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    audit_listing(request.user, DocumentReport, [r.pk for r in page.object_list], query=request.GET.urlencode())
    return render(request, "documents/register.html", {
        "page": page, "q": q, "statuses": DocumentReport.Status.choices, "status": request.GET.get("situacion", ""),
        "can_add": request.user.has_perm("documents.add_documentreport")})


@require_http_methods(["GET", "POST"])
def report_new(request):
    if not request.user.has_perm("documents.add_documentreport"):
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                report = actions.do_report_document(request.user, **form.cleaned_data)
                messages.success(request, _("Documento añadido al registro."))
                return redirect("documents:detail", pk=report.pk)
            except ValidationError as exc:
                _add_errors(form, exc)
        return render(request, "documents/report_form.html", {"form": form}, status=400)
    return render(request, "documents/report_form.html", {"form": form})


def report_detail(request, pk):
    report = access_documentreport_by_id(request.user, pk)
    return render(request, "documents/detail.html", {"report": report,
                                                     "can_withdraw": can(request.user, report, "withdraw")})


@require_POST
def report_withdraw(request, pk):
    report = access_documentreport_by_id(request.user, pk, "withdraw")
    try:
        actions.do_withdraw_document_report(request.user, report)
        messages.success(request, _("Documento retirado del registro: ya no produce coincidencias."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("documents:detail", pk=pk)
