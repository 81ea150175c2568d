"""Pages of the statistics app. Reads through the policy (``figures.py`` for aggregates), writes
through ``actions``; a GET never writes (only audit events for exports)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.audit.log import log_event
from enlace.core.exports import XLSX_TYPE, xlsx_response
from enlace.sharing.policy import can, is_secretariat

from . import actions, figures, geo, importing
from .forms import CorrectionForm, DatabaseEntryForm, IndicatorForm, PeriodForm, UploadForm
from .models import (DatabaseEntry, DataSet, Indicator, Period, Report, Submission, access_databaseentry_by_id,
                     access_report_by_id, access_submission_by_id)


def _perm(user, perm):
    if not user.has_perm(perm):
        raise Http404


def _errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _period(request, name="period"):
    periods = list(Period.objects.all())
    raw = request.GET.get(name, "")
    if raw:
        chosen = next((p for p in periods if p.code == raw), None)
        if chosen is None:
            raise ValidationError(_("Período desconocido: %(p)s.") % {"p": raw[:20]})
        return chosen, periods
    return (periods[0] if periods else None), periods


# --- dashboard -------------------------------------------------------------------------------------------

def dashboard_context(user, period, indicator_code):
    indicators, dims = figures.labels()
    if indicator_code not in indicators:
        indicator_code = "TIM-MIG" if "TIM-MIG" in indicators else next(iter(indicators), "")
    # Only the chosen indicator's breakdowns: the page stays cheap however wide the catalogue is.
    view = figures.regional(user, period, breakdown_for=[indicator_code], trend_for=[indicator_code] if indicator_code
                            else None)
    rows = [(code, indicators[code].name if code in indicators else code,
             [view.totals[code].get(c) for c in view.countries], view.regional_total(code))
            for code in sorted(view.totals)]
    breakdown = []
    for dim, cats in sorted(view.breakdown.get(indicator_code, {}).items()):
        lab = dims[dim].labels() if dim in dims else {}
        breakdown.append({"code": dim, "name": dims[dim].name if dim in dims else dim,
                          "items": sorted(((lab.get(k, k), v) for k, v in cats.items()), key=lambda kv: -kv[1])})
    trend = view.trend.get(indicator_code, {})
    charts = {"countries": [(c, view.totals.get(indicator_code, {}).get(c, 0)) for c in view.countries],
              "breakdown": [{"name": b["name"], "items": b["items"][:15]} for b in breakdown],
              "trend": {"periods": list(trend), "series": [{"label": c, "data": [trend[p].get(c) for p in trend]}
                                                           for c in sorted({c for v in trend.values() for c in v})]}}
    return {"view": view, "rows": rows, "breakdown": breakdown, "charts": charts, "indicators": indicators,
            "indicator": indicators.get(indicator_code), "map": geo.svg_flows(view.flows),
            "flows": sorted(view.flows.items(), key=lambda kv: -kv[1])[:20]}


@login_required
def dashboard(request):
    _perm(request.user, "stats.view_submission")
    try:
        period, periods = _period(request)
    except ValidationError as exc:
        return render(request, "statistics/dashboard.html", {"error": " ".join(exc.messages)}, status=400)
    ctx = {"period": period, "periods": periods, "small": 11}
    if period is not None:
        ctx.update(dashboard_context(request.user, period, request.GET.get("indicator", "")))
        labels = {"case_types": _("Casos por tipo"), "modus": _("Casos por modus operandi"),
                  "roles": _("Personas por función en el caso"), "legs": _("Tramos de ruta (origen > destino)"),
                  "exchange": _("Solicitudes del intercambio por estado"), "occupancy": _("Ocupación de centros")}
        ctx["enlace"] = {labels.get(k, k): v for k, v in figures.enlace_figures(request.user).items()}
    return render(request, "statistics/dashboard.html", ctx)


@login_required
def dashboard_xlsx(request):
    _perm(request.user, "stats.export_submission")
    try:
        period, _periods = _period(request)
    except ValidationError as exc:
        return render(request, "statistics/dashboard.html", {"error": " ".join(exc.messages)}, status=400)
    if period is None:
        raise Http404
    view = figures.regional(request.user, period)
    log_event("export", user=request.user, object_type="stats.submission",
              detail={"period": period.code, "format": "xlsx", "countries": len(view.countries)})
    return xlsx_response(f"estadisticas-{period.code}.xlsx", figures.annex_sheets(view))


# --- inventory ---------------------------------------------------------------------------------------------

@login_required
def inventory(request):
    _perm(request.user, "stats.view_databaseentry")
    qs = DatabaseEntry.objects.restrict(request.user, "list").select_related("owner_institution__country")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = DatabaseEntry.objects.restrict(request.user, "search").select_related(
            "owner_institution__country").filter(name__icontains=q)
    page = Paginator(qs.order_by("owner_institution__country__code", "name", "pk"), 50).get_page(request.GET.get("page"))
    summary = None
    if is_secretariat(request.user) or request.user.has_perm("stats.view_databaseentry"):
        summary = list(qs.order_by().values("owner_institution__country__code").annotate(
            n=Count("pk"), completeness=Avg("completeness"), api=Count("pk", filter=_q(has_api=True)),
            feeds=Count("pk", filter=_q(feeds_enlace=True))).order_by("owner_institution__country__code"))
    maturity = {}
    for e in page:
        maturity.setdefault(e.owner_institution.country.code, []).append(e.maturity)
    return render(request, "statistics/inventory.html", {
        "page": page, "q": q, "summary": summary, "can_add": request.user.has_perm("stats.add_databaseentry"),
        "is_st": is_secretariat(request.user)})


def _q(**kw):
    from django.db.models import Q

    return Q(**kw)


@login_required
def entry_detail(request, pk):
    entry = access_databaseentry_by_id(request.user, pk, "view")
    return render(request, "statistics/entry_detail.html", {"entry": entry, "can_edit": can(request.user, entry, "change")})


@login_required
def entry_create(request):
    _perm(request.user, "stats.add_databaseentry")
    form = DatabaseEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = actions.do_create_database_entry(request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Base de datos registrada."))
            return redirect("statistics:entry", pk=entry.pk)
    return render(request, "statistics/form.html", {"form": form, "title": _("Nueva base de datos")},
                  status=400 if request.method == "POST" else 200)


@login_required
def entry_edit(request, pk):
    entry = access_databaseentry_by_id(request.user, pk, "change")
    form = DatabaseEntryForm(request.POST or None, instance=None if request.method == "POST" else entry,
                             initial={f: getattr(entry, f) for f in DatabaseEntryForm.Meta.fields})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_database_entry(request.user, entry, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect("statistics:entry", pk=entry.pk)
    return render(request, "statistics/form.html", {"form": form, "title": entry.name},
                  status=400 if request.method == "POST" else 200)


# --- catalogue ---------------------------------------------------------------------------------------------

@login_required
def indicators(request):
    _perm(request.user, "stats.view_submission")
    sets = list(DataSet.objects.prefetch_related("indicators__versions").order_by("order"))
    _i, dims = figures.labels()
    return render(request, "statistics/indicators.html", {
        "datasets": sets, "dims": dims, "periods": Period.objects.all(),
        "can_manage": request.user.has_perm("stats.manage_catalogue") and is_secretariat(request.user)})


@login_required
def indicator_edit(request, pk):
    if not (request.user.has_perm("stats.manage_catalogue") and is_secretariat(request.user)):
        raise Http404
    indicator = Indicator.objects.filter(pk=pk).first()
    if indicator is None:
        raise Http404
    form = IndicatorForm(request.POST or None, initial={k: getattr(indicator, k) for k in actions.INDICATOR_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_indicator(request.user, indicator, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Indicador actualizado; la versión anterior se conserva."))
            return redirect("statistics:indicators")
    return render(request, "statistics/form.html", {"form": form, "title": indicator.code},
                  status=400 if request.method == "POST" else 200)


@login_required
def period_create(request):
    if not (request.user.has_perm("stats.manage_catalogue") and is_secretariat(request.user)):
        raise Http404
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_open_period(request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Período abierto."))
            return redirect("statistics:indicators")
    return render(request, "statistics/form.html", {"form": form, "title": _("Nuevo período")},
                  status=400 if request.method == "POST" else 200)


# --- submissions -------------------------------------------------------------------------------------------

@login_required
def submissions(request):
    _perm(request.user, "stats.view_submission")
    qs = Submission.objects.restrict(request.user, "list").select_related("period", "country")
    page = Paginator(qs.order_by("-period__starts_on", "country__code", "-version", "pk"), 50).get_page(
        request.GET.get("page"))
    return render(request, "statistics/submissions.html", {
        "page": page, "periods": Period.objects.all(), "datasets": DataSet.objects.all(),
        "can_add": request.user.has_perm("stats.add_submission") and not is_secretariat(request.user)})


@login_required
def submission_detail(request, pk):
    sub = access_submission_by_id(request.user, pk, "view")
    indicators, dims = figures.labels()
    own = sub.country_id == figures.own_country_id(request.user)
    from .models import Cell

    cells = Cell.objects.filter(submission=sub)  # the submission itself was read through the policy
    if not own:
        cells = cells.filter(published=True)
    rows = [(i, indicators[i].name if i in indicators else i, dims[d].name if d in dims else "",
             dims[d].labels().get(c, c) if d in dims else "", v)
            for i, d, c, v in cells.order_by("indicator__code", "dimension", "category").values_list(
                "indicator__code", "dimension", "category", "value")]
    return render(request, "statistics/submission_detail.html", {
        "sub": sub, "rows": rows, "own": own, "can_validate": can(request.user, sub, "validate"),
        "can_lock": can(request.user, sub, "lock"), "can_correct": can(request.user, sub, "correct"),
        "correction_form": CorrectionForm()})


def _decision(request, pk, verb, act, msg):
    sub = access_submission_by_id(request.user, pk, verb)
    try:
        act(request.user, sub)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, msg)
    return redirect("statistics:submission", pk=sub.pk)


@login_required
@require_POST
def submission_validate(request, pk):
    return _decision(request, pk, "validate", actions.do_validate_submission, _("Envío validado."))


@login_required
@require_POST
def submission_lock(request, pk):
    return _decision(request, pk, "lock", actions.do_lock_submission,
                     _("Envío cerrado: las celdas publicables ya llegan a los demás países."))


@login_required
@require_POST
def submission_correct(request, pk):
    sub = access_submission_by_id(request.user, pk, "correct")
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            new = actions.do_correct_submission(request.user, sub, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Nueva versión en borrador."))
            return redirect("statistics:submission", pk=new.pk)
    else:
        messages.error(request, _("Indique el motivo de la corrección."))
    return redirect("statistics:submission", pk=sub.pk)


@login_required
def template_download(request):
    _perm(request.user, "stats.add_submission")
    return HttpResponse(importing.template_bytes(), content_type=XLSX_TYPE,
                        headers={"Content-Disposition": 'attachment; filename="plantilla-estadisticas.xlsx"'})


@login_required
def upload(request):
    _perm(request.user, "stats.add_submission")
    if is_secretariat(request.user):
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            values, lines = importing.parse(form.cleaned_data["file"])
            sub = actions.do_save_submission(request.user, form.cleaned_data["period"], values,
                                             channel=Submission.Channel.XLSX, where=importing.where(lines))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Plantilla importada: %(n)s%% completa.") % {"n": sub.completeness})
            return redirect("statistics:submission", pk=sub.pk)
    return render(request, "statistics/upload.html", {"form": form, "errors": errors},
                  status=400 if request.method == "POST" else 200)


@login_required
def entry_form(request, period, dataset):
    _perm(request.user, "stats.add_submission")
    if is_secretariat(request.user):
        raise Http404
    period = Period.objects.filter(pk=period).first()
    ds = DataSet.objects.filter(code=dataset).first()
    if period is None or ds is None:
        raise Http404
    inds = list(ds.indicators.filter(active=True))
    keys = actions.expected_keys(inds)
    draft = Submission.objects.restrict(request.user, "change").filter(
        period=period, country=request.user.institution.country, status=Submission.Status.DRAFT).first()
    current = actions.cell_values(draft) if draft else {}
    errors = []
    if request.method == "POST":
        typed = {k: request.POST.get("|".join(k), "").strip() for k in keys}
        merged = {**current, **typed}
        try:
            sub = actions.do_save_submission(request.user, period, merged, channel=Submission.Channel.FORM)
        except ValidationError as exc:
            errors = exc.messages
            current = typed
        else:
            messages.success(request, _("Cifras guardadas (%(n)s%% completo).") % {"n": sub.completeness})
            return redirect("statistics:submission", pk=sub.pk)
    _i, dims = figures.labels()
    tables = []
    for ind in inds:
        fields = [("|".join((ind.code, "", "")), _("Total"), current.get((ind.code, "", "")))]
        groups = []
        for dim in ind.dimensions:
            if dim in dims:
                groups.append((dims[dim].name, [("|".join((ind.code, dim, c["code"])), dims[dim].labels()[c["code"]],
                                                 current.get((ind.code, dim, c["code"]))) for c in dims[dim].categories]))
        tables.append({"indicator": ind, "total": fields[0], "groups": groups})
    return render(request, "statistics/entry_form.html", {"period": period, "dataset": ds, "tables": tables,
                                                          "errors": errors},
                  status=400 if errors else 200)


# --- reports -----------------------------------------------------------------------------------------------

@login_required
def reports(request):
    _perm(request.user, "stats.view_report")
    if request.method == "POST":
        _perm(request.user, "stats.add_report")
        code = request.POST.get("period", "")[:12]
        period = Period.objects.filter(code=code).first() if "\x00" not in code else None
        if period is None:
            messages.error(request, _("Elija un período."))
            return redirect("statistics:reports")
        report = actions.do_request_report(request.user, period)
        return redirect("statistics:report", pk=report.pk)
    qs = Report.objects.restrict(request.user, "list").select_related("period", "owner_institution__country")
    page = Paginator(qs.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "statistics/reports.html", {"page": page, "periods": Period.objects.all()})


@login_required
def report_detail(request, pk):
    report = access_report_by_id(request.user, pk, "view")
    return render(request, "statistics/report_detail.html", {"report": report})


@login_required
def report_progress(request, pk):
    report = access_report_by_id(request.user, pk, "view")
    return render(request, "statistics/_progress.html", {"report": report})


def _report_file(request, pk, attr, ctype, ext):
    report = access_report_by_id(request.user, pk, "export")
    data = getattr(report, attr)
    if report.status != Report.Status.DONE or not data:
        raise Http404
    log_event("export", user=request.user, obj=report, detail={"format": ext})
    return HttpResponse(bytes(data), content_type=ctype, headers={
        "Content-Disposition": f'attachment; filename="diagnostico-regional-{report.period.code}.{ext}"'})


@login_required
def report_pdf(request, pk):
    return _report_file(request, pk, "pdf", "application/pdf", "pdf")


@login_required
def report_xlsx(request, pk):
    return _report_file(request, pk, "xlsx", XLSX_TYPE, "xlsx")
