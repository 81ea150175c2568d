"""Pages of the knowledge base. Views parse input, call actions and render; reads go through the policy."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.audit.log import log_event
from enlace.core.exports import xlsx_response
from enlace.core.models import Country
from enlace.core.pdf import pdf_response
from enlace.core.uploads import read_decrypted
from enlace.sharing.access import audit_listing
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution, can, has_cross_border_standing, is_secretariat

from . import actions as ka
from .filters import (ACTIVE, REPORT_JOINS, ReportFilter, clean_params, exact_count, key_of, plan_action_rows,
                      recommendations_for, search_entries)
from .forms import ReportForm, RoundForm, SearchForm, ValidationForm
from .models import (
    ActionLink,
    Axis,
    ImplementationReport,
    Meeting,
    PlanAction,
    PlanSection,
    Recommendation,
    ReportingRound,
    RoundReceipt,
    SearchEntry,
    SourceDocument,
    Tagging,
    Theme,
    access_implementationreport_by_id,
)
from .parsing import normalize_key
from .search import highlight
from .text import plain

STATUS_CODES = {"implemented": "I", "in_progress": "C", "not_started": "N", "not_applicable": "NA"}


def _need(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _need_st(request, perm):
    """A capability of the Secretaría Técnica: its permission, held by an official of the ST party."""
    if not (request.user.has_perm(perm) and is_secretariat(request.user)):
        raise PermissionDenied


def _final_actions(user):
    return (PlanAction.objects.restrict(user, "list")
            .filter(axis__document__code="plan-2019", withdrawn=False).select_related("axis"))


def _themes_of(obj):
    return [t for t in obj.taggings.filter(ACTIVE).select_related("theme")]


def _form_errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


# --- reference pages --------------------------------------------------------------------------


def home(request):
    _need(request, "knowledge.view_recommendation")
    plan = SourceDocument.objects.restrict(request.user).filter(code="plan-2019").first()
    axes = Axis.objects.restrict(request.user).filter(document=plan).prefetch_related("actions") if plan else []
    meetings = defaultdict(list)
    for m in Meeting.objects.restrict(request.user).order_by("group", "ordinal"):
        meetings[m.group].append(m)
    counts = {g: Recommendation.objects.restrict(request.user).filter(meeting__group=g, parent__isnull=True,
                                                                      withdrawn=False).count() for g in ("tim", "tdp")}
    return render(request, "knowledge/home.html", {
        "plan": plan, "axes": axes, "tim": meetings["tim"], "tdp": meetings["tdp"], "counts": counts,
        "form": SearchForm(), "imported": plan is not None})


def search_page(request):
    _need(request, "knowledge.view_recommendation")
    form = SearchForm(request.GET or None)
    params = clean_params(request.GET)
    if form.is_bound and not form.is_valid():
        entries = []
    else:
        entries = search_entries(request.user, request.GET)
    page = Paginator(entries, 25).get_page(request.GET.get("pagina"))
    rows = [{"entry": e, "snippet": highlight(plain(e.text), params["q"], words=40), "url": _entry_url(e)}
            for e in page.object_list]
    query = request.GET.copy()
    query.pop("pagina", None)
    ctx = {"form": form, "rows": rows, "page": page, "total": len(entries), "q": params["q"],
           "querystring": query.urlencode(), "exact": exact_count(entries, params["q"]), "key": key_of(params["q"]),
           "meeting": _empty_meeting(request.user, params)}
    if request.htmx:
        return render(request, "knowledge/_results.html", ctx)
    return render(request, "knowledge/search.html", ctx)


def _empty_meeting(user, params):
    """The meeting the filters name when it adopted no recommendations (the page says so)."""
    if params["group"] not in ("tim", "tdp") or not params["meeting"]:
        return None
    meeting = Meeting.objects.restrict(user).filter(group=params["group"], ordinal=params["meeting"]).first()
    if meeting is None or Recommendation.objects.restrict(user).filter(meeting=meeting, withdrawn=False).exists():
        return None
    return meeting


def _entry_url(e: SearchEntry) -> str:
    if e.kind == SearchEntry.Kind.ACTION:
        return reverse("knowledge:action", args=[e.key])
    if e.kind == SearchEntry.Kind.RECOMMENDATION:
        return reverse("knowledge:recommendation", args=[e.key])
    return reverse("knowledge:plan") + f"#seccion-{e.section.order if e.section_id else ''}"


def plan_page(request, draft=False):
    _need(request, "knowledge.view_recommendation")
    code = "plan-2018" if draft else "plan-2019"
    doc = SourceDocument.objects.restrict(request.user).filter(code=code).first()
    if doc is None:
        raise Http404
    sections = PlanSection.objects.restrict(request.user).filter(document=doc)
    axes = Axis.objects.restrict(request.user).filter(document=doc).prefetch_related("actions__successor")
    return render(request, "knowledge/plan.html", {"doc": doc, "sections": sections, "axes": axes, "draft": draft})


def action_page(request, key):
    _need(request, "knowledge.view_recommendation")
    action = PlanAction.objects.restrict(request.user).select_related("axis__document", "successor").filter(key=key).first()
    if action is None:
        raise Http404
    links = action.recommendation_links.filter(ACTIVE).select_related("recommendation__meeting")
    reports = ImplementationReport.objects.restrict(request.user, "list").filter(action=action).select_related(*REPORT_JOINS)
    return render(request, "knowledge/action.html", {
        "action": action, "themes": _themes_of(action), "links": links,
        "predecessors": action.predecessors.select_related("axis"), "reports": reports,
        "can_report": request.user.has_perm("knowledge.change_implementationreport") and action.is_final,
        "can_decide": request.user.has_perm("knowledge.decide_proposals") and is_secretariat(request.user),
        "all_themes": Theme.objects.all()})


def recommendation_page(request, key):
    _need(request, "knowledge.view_recommendation")
    rec = (Recommendation.objects.restrict(request.user).select_related("meeting__document", "parent")
           .filter(key=normalize_key(key)).first())
    if rec is None:
        raise Http404
    top = rec.parent or rec
    links = ActionLink.objects.filter(ACTIVE, recommendation__in=[top, *top.children.all()]).select_related("action__axis")
    reports = ImplementationReport.objects.restrict(request.user, "list").filter(recommendation=rec).select_related(*REPORT_JOINS)
    return render(request, "knowledge/recommendation.html", {
        "rec": rec, "top": top, "children": top.children.order_by("order"), "themes": _themes_of(rec),
        "links": links, "reports": reports,
        "can_report": request.user.has_perm("knowledge.change_implementationreport"),
        "can_decide": request.user.has_perm("knowledge.decide_proposals") and is_secretariat(request.user),
        "all_themes": Theme.objects.all()})


# --- proposals (ST) ---------------------------------------------------------------------------


def proposals(request):
    _need_st(request, "knowledge.decide_proposals")
    kind = request.GET.get("tipo", "temas")
    if kind == "vinculos":
        rows = ActionLink.objects.filter(status=Tagging.Status.PROPOSED).select_related("recommendation", "action")
    else:
        rows = Tagging.objects.filter(status=Tagging.Status.PROPOSED).select_related("theme", "recommendation", "action")
    page = Paginator(rows.order_by("-score", "pk"), 30).get_page(request.GET.get("pagina"))
    decided = Tagging.objects.exclude(status=Tagging.Status.PROPOSED).count() + ActionLink.objects.exclude(
        status=Tagging.Status.PROPOSED).count()
    return render(request, "knowledge/proposals.html", {"kind": kind, "page": page, "decided": decided})


@require_POST
def decide(request, kind, pk):
    _need_st(request, "knowledge.decide_proposals")
    decision = request.POST.get("decision", "")
    model = ActionLink if kind == "vinculo" else Tagging
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise Http404
    try:
        if model is ActionLink:
            ka.do_decide_link(request.user, obj, decision)
        else:
            ka.do_decide_tagging(request.user, obj, decision)
    except ValidationError as exc:
        messages.error(request, " ".join(_form_errors(exc)))
    if request.htmx:
        return render(request, "knowledge/_decided.html", {"obj": obj, "kind": kind})
    return redirect(request.POST.get("next") or reverse("knowledge:proposals"))


@require_POST
def add_theme(request, kind, key):
    _need_st(request, "knowledge.decide_proposals")
    theme = Theme.objects.filter(code=request.POST.get("theme", "")).first()
    target = (Recommendation.objects.filter(key=key).first() if kind == "r"
              else PlanAction.objects.filter(key=key).first())
    if target is None:
        raise Http404
    if theme is None:
        messages.error(request, _("Elija un tema de la lista."))
    else:
        ka.do_add_theme(request.user, theme, **({"recommendation": target} if kind == "r" else {"action": target}))
        messages.success(request, _("Tema «%(t)s» asignado.") % {"t": theme.name})
    return redirect(reverse("knowledge:recommendation" if kind == "r" else "knowledge:action", args=[key]))


# --- implementation reports ---------------------------------------------------------------------


def reports(request):
    _need(request, "knowledge.view_implementationreport")
    q = (request.GET.get("q") or "").strip()[:200]
    qs = ImplementationReport.objects.restrict(request.user, "search" if q else "list").select_related(*REPORT_JOINS)
    filterset = ReportFilter(request.GET, queryset=qs)
    # Invalid values (an unknown state, say) filter nothing, as in the API's 400 they would explain.
    rows = list((filterset.qs if filterset.is_valid() else qs)[:500])
    audit_listing(request.user, ImplementationReport, [r.pk for r in rows], kind="search" if q else "list", query=q)
    return render(request, "knowledge/reports.html", {
        "rows": rows, "rounds": ReportingRound.objects.restrict(request.user).order_by("-opens_on"), "q": q,
        "round": request.GET.get("round", ""), "country": (request.GET.get("country") or "").upper(),
        "countries": Country.objects.restrict(request.user).filter(kind=Country.Kind.MEMBER),
        "can_report": request.user.has_perm("knowledge.change_implementationreport")})


def _report_form_initial(request):
    initial = {"distribution": Distribution.COUNTRY}
    target = request.GET.get("accion") or request.GET.get("recomendacion")
    if target:
        initial["target"] = target
    open_round = next((r for r in ReportingRound.objects.order_by("-opens_on") if r.is_open), None)
    if open_round:
        initial["round"] = open_round.pk
    return initial


def _resolve_target(value: str):
    value = (value or "").strip()
    if value[:1].isdigit():
        return {"action": ka.resolve_action(value)}
    return {"recommendation": ka.resolve_recommendation(value)}


def report_form(request, pk=None):
    report = None
    if pk is None:
        _need(request, "knowledge.change_implementationreport")
    else:
        # A report the user may not edit does not exist for them (404, whatever the reason).
        report = access_implementationreport_by_id(request.user, pk, "change")
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                target = {"action": report.action, "recommendation": report.recommendation} if report else \
                    _resolve_target(d["target"])
                report = ka.do_save_report(
                    request.user, round=report.round if report else d["round"], status=d["status"],
                    narrative=d["narrative"], responsible_institution=d["responsible_institution"],
                    next_steps=d["next_steps"], distribution=d["distribution"], report=report, **target)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                evidence_ok = True
                if d.get("evidence_file") or d.get("evidence_url"):
                    try:
                        ka.do_add_evidence(request.user, report, upload=d.get("evidence_file"),
                                           url=d.get("evidence_url") or "", title=d.get("evidence_title") or "")
                    except ValidationError as exc:
                        evidence_ok = False
                        form.add_error("evidence_file", exc)
                        messages.warning(request, _("El borrador se guardó, pero la evidencia no se adjuntó."))
                if evidence_ok and "enviar" in request.POST:
                    try:
                        ka.do_submit_report(request.user, report)
                        messages.success(request, _("Reporte enviado para validación de su Cancillería."))
                        return redirect("knowledge:report", pk=report.pk)
                    except ValidationError as exc:
                        messages.error(request, " ".join(_form_errors(exc)))
                        form.add_error(None, _("El reporte quedó guardado como borrador."))
                        status = 400
                        return render(request, "knowledge/report_form.html",
                                      {"form": form, "report": report}, status=status)
                if evidence_ok:
                    messages.success(request, _("Borrador guardado."))
                    return redirect("knowledge:report", pk=report.pk)
        return render(request, "knowledge/report_form.html", {"form": form, "report": report}, status=400)
    if report is not None:
        initial = {"round": report.round_id, "target": report.target_key, "status": report.status,
                   "narrative": report.narrative, "responsible_institution": report.responsible_institution,
                   "next_steps": report.next_steps, "distribution": report.distribution
                   if report.distribution in (Distribution.COUNTRY, Distribution.NETWORK) else Distribution.COUNTRY}
    else:
        initial = _report_form_initial(request)
    return render(request, "knowledge/report_form.html", {"form": ReportForm(initial=initial), "report": report})


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            name = {"action": "target", "recommendation": "target"}.get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def report_detail(request, pk):
    _need(request, "knowledge.view_implementationreport")
    report = access_implementationreport_by_id(request.user, pk, "view", purpose=request.GET.get("purpose", ""))
    # Buttons appear only where the policy would let the action through.
    is_owner = can(request.user, report, "change")
    can_validate = report.state == ImplementationReport.State.SUBMITTED and can(request.user, report, "validate")
    return render(request, "knowledge/report_detail.html", {
        "r": report, "evidence": report.evidence.all(), "is_owner": is_owner, "can_validate": can_validate,
        "can_submit": report.state in (ImplementationReport.State.DRAFT, ImplementationReport.State.RETURNED)
        and can(request.user, report, "submit"),
        "can_share": can(request.user, report, "share"), "validation_form": ValidationForm(),
        "Distribution": Distribution})


@require_POST
def report_submit(request, pk):
    report = access_implementationreport_by_id(request.user, pk, "submit")
    try:
        ka.do_submit_report(request.user, report)
        messages.success(request, _("Reporte enviado para validación de su Cancillería."))
    except ValidationError as exc:
        messages.error(request, " ".join(_form_errors(exc)))
    return redirect("knowledge:report", pk=pk)


@require_POST
def report_validate(request, pk):
    report = access_implementationreport_by_id(request.user, pk, "validate")
    form = ValidationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Elija validar o devolver el reporte."))
        return redirect("knowledge:report", pk=pk)
    try:
        ka.do_validate_report(request.user, report, approve=form.cleaned_data["decision"] == "approve",
                              note=form.cleaned_data["note"])
        messages.success(request, _("Decisión registrada."))
    except ValidationError as exc:
        messages.error(request, " ".join(_form_errors(exc)))
    return redirect("knowledge:report", pk=pk)


@require_POST
def report_share(request, pk):
    report = access_implementationreport_by_id(request.user, pk, "share")
    target = request.POST.get("distribution")
    if target not in (Distribution.COUNTRY, Distribution.NETWORK):
        messages.error(request, _("Elija mantener el reporte en su país o compartirlo con la red."))
    else:
        do_change_sharing(request.user, report, distribution=target)
        messages.success(request, _("Distribución actualizada."))
    return redirect("knowledge:report", pk=pk)


def evidence_download(request, pk, eid):
    # One audited read naming the file downloaded (access_by_id would log a second, plain one).
    report = ImplementationReport.objects.restrict(request.user, "view").filter(pk=pk).first()
    if report is None:
        raise Http404
    ev = report.evidence.filter(pk=eid).exclude(file_path="").first()
    if ev is None:
        raise Http404
    try:
        data = read_decrypted(ev.file_path)
    except ValidationError:
        raise Http404 from None
    log_event("read", user=request.user, obj=report, detail={"evidence_id": ev.pk})
    response = HttpResponse(data, content_type=ev.mime or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{ev.file_name}"'
    return response


# --- rounds (ST) --------------------------------------------------------------------------------


def rounds(request):
    _need(request, "knowledge.view_implementationreport")
    manage = request.user.has_perm("knowledge.manage_rounds") and is_secretariat(request.user)
    form = RoundForm(request.POST or None) if manage else None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                ka.do_create_round(request.user, **form.cleaned_data)
                messages.success(request, _("Ronda creada."))
                return redirect("knowledge:rounds")
            except ValidationError as exc:
                _add_errors(form, exc)
    cross_border = has_cross_border_standing(request.user)
    own_country_id = request.user.institution.country_id if request.user.institution_id else None
    # Constant queries whatever the number of rounds: receipts and reminder counts come in one go.
    members = list(Country.objects.restrict(request.user).filter(kind=Country.Kind.MEMBER).order_by("name_es"))
    receipts = Prefetch("receipts", queryset=RoundReceipt.objects.filter(submitted__gt=0).select_related("country"))
    rows = []
    for rnd in (ReportingRound.objects.restrict(request.user).order_by("-opens_on")
                .prefetch_related(receipts).annotate(n_reminders=Count("reminders"))):
        reported = [r.country for r in rnd.receipts.all()]
        done = {c.pk for c in reported}
        missing = [c for c in members if c.pk not in done] if manage and cross_border else []
        if not cross_border:
            # Whether other countries reported is news from beyond the user's own country.
            reported = [c for c in reported if c.pk == own_country_id]
        rows.append({"round": rnd, "reported": reported, "missing": missing, "reminders": rnd.n_reminders})
    return render(request, "knowledge/rounds.html", {"rows": rows, "form": form, "manage": manage},
                  status=400 if form is not None and form.is_bound and form.errors else 200)


@require_POST
def round_remind(request, pk):
    _need_st(request, "knowledge.manage_rounds")
    rnd = ReportingRound.objects.filter(pk=pk).first()
    if rnd is None:
        raise Http404
    try:
        sent = ka.do_send_round_reminders(request.user, rnd)
        messages.success(request, _("Recordatorios enviados a %(n)s países.") % {"n": len(sent)})
    except ValidationError as exc:
        messages.error(request, " ".join(_form_errors(exc)))
    return redirect("knowledge:rounds")


@require_POST
def round_close(request, pk):
    _need_st(request, "knowledge.manage_rounds")
    rnd = ReportingRound.objects.filter(pk=pk).first()
    if rnd is None:
        raise Http404
    ka.do_close_round(request.user, rnd)
    messages.success(request, _("Ronda cerrada."))
    return redirect("knowledge:rounds")


# --- dashboard and exports ----------------------------------------------------------------------


def _validated(user, action="list", round_id=None):
    qs = (ImplementationReport.objects.restrict(user, action)
          .filter(state=ImplementationReport.State.VALIDATED, action__isnull=False)
          .select_related("owner_institution__country", "action__axis", "round"))
    if round_id:
        qs = qs.filter(round_id=round_id)
    return qs


def heatmap_data(user, round_id=None, action="list"):
    """{(country code, action key): report} with the latest validated report visible to ``user``."""
    latest = {}
    for r in _validated(user, action, round_id).order_by("round__deadline", "updated_at"):
        latest[(r.owner_institution.country.code, r.action.key)] = r
    return latest


def dashboard(request):
    _need(request, "knowledge.view_implementationreport")
    round_id = request.GET.get("ronda")
    round_id = int(round_id) if round_id and round_id.isdigit() and len(round_id) < 10 else None
    actions_ = list(_final_actions(request.user))
    countries = list(Country.objects.restrict(request.user).filter(kind=Country.Kind.MEMBER).order_by("name_es"))
    latest = heatmap_data(request.user, round_id)
    axes = defaultdict(list)
    for a in actions_:
        axes[a.axis.number].append(a)
    grid = []
    for c in countries:
        cells = []
        for a in actions_:
            r = latest.get((c.code, a.key))
            cells.append({"action": a, "report": r, "status": r.status if r else "",
                          "code": STATUS_CODES.get(r.status, "") if r else "",
                          "label": r.get_status_display() if r else _("Sin reporte validado")})
        progress = []
        for number, acts in sorted(axes.items()):
            done = sum(1 for a in acts if (latest.get((c.code, a.key)) and latest[(c.code, a.key)].status == "implemented"))
            progress.append({"axis": number, "done": done, "total": len(acts), "pct": round(100 * done / len(acts))})
        grid.append({"country": c, "cells": cells, "progress": progress})
    trend = {"labels": [], "datasets": {s: [] for s in STATUS_CODES}}
    # One grouped query for every round (not one per round).
    per_round = defaultdict(int)
    for rid, status, n in (_validated(request.user, "list").order_by().values_list("round_id", "status")
                           .annotate(n=Count("pk"))):
        per_round[(rid, status)] += n
    for rnd in ReportingRound.objects.restrict(request.user).order_by("opens_on"):
        trend["labels"].append(rnd.period)
        for s in STATUS_CODES:
            trend["datasets"][s].append(per_round[(rnd.pk, s)])
    status_labels = dict(ImplementationReport.Status.choices)
    chart = {"labels": trend["labels"], "series": [{"key": s, "label": str(status_labels[s]), "data": v}
                                                    for s, v in trend["datasets"].items()],
             "title": _("Reportes validados por ronda y estado")}
    return render(request, "knowledge/dashboard.html", {
        "grid": grid, "axes": sorted(axes.items()), "actions": actions_, "chart": chart,
        "rounds": ReportingRound.objects.restrict(request.user).order_by("-opens_on"), "ronda": round_id,
        "legend": [(STATUS_CODES[s], status_labels[s], s) for s in STATUS_CODES]})


def export_plan(request):
    _need(request, "knowledge.view_recommendation")
    rows = [(a.key, a.axis.number, a.axis.title, a.text, "\n".join(f"{i['letter']}) {i['text']}" for i in a.items),
             "\n".join(f"{n['number']}. {n['text']}" for n in a.footnotes),
             ", ".join(t.theme.name for t in a.taggings.all()))
            for a in plan_action_rows(request.user, "export")]
    log_event("export", user=request.user, object_type="knowledge.planaction", detail={"count": len(rows)})
    return xlsx_response("plan-de-trabajo-2019-2025.xlsx", [(
        _("Plan de Trabajo"), [_("Acción"), _("Eje"), _("Título del eje"), _("Texto"), _("Apartados"), _("Notas"),
                               _("Temas")], rows)])


def export_recommendations(request):
    _need(request, "knowledge.view_recommendation")
    recs = recommendations_for(request.user, request.GET)
    rows = [(r.key, r.meeting.get_group_display(), r.meeting.roman, r.meeting.year, r.number, r.letter, r.text,
             "\n".join(f"{n['number']}. {n['text']}" for n in r.footnotes)) for r in recs]
    log_event("export", user=request.user, object_type="knowledge.recommendation", detail={"count": len(rows)})
    return xlsx_response("recomendaciones.xlsx", [(
        _("Recomendaciones"), [_("Clave"), _("Grupo de trabajo"), _("Reunión"), _("Año"), _("Número"), _("Apartado"),
                               _("Texto"), _("Notas")], rows)])


def _report_rows(user):
    qs = (ImplementationReport.objects.restrict(user, "export")
          .select_related("owner_institution__country", "round", "action", "recommendation", "validated_by"))
    return [(r.owner_institution.country.code, r.owner_institution.country.name, r.round.period, r.target_key,
             r.get_status_display(), r.get_state_display(), r.narrative, r.responsible_institution, r.next_steps,
             r.get_distribution_display(), r.validated_at) for r in qs.order_by("owner_institution__country__code", "pk")]


def report_header():
    return [_("País"), _("Nombre"), _("Periodo"), _("Acción / recomendación"), _("Estado"), _("Validación"),
            _("Descripción"), _("Institución responsable"), _("Próximos pasos"), _("Distribución"), _("Validado")]


def export_reports(request):
    _need(request, "knowledge.export_implementationreport")
    rows = _report_rows(request.user)
    log_event("export", user=request.user, object_type="knowledge.implementationreport", detail={"count": len(rows)})
    latest = heatmap_data(request.user, action="export")
    actions_ = list(_final_actions(request.user))
    countries = Country.objects.restrict(request.user).filter(kind=Country.Kind.MEMBER).order_by("name_es")
    heat = [[c.code] + [(latest[(c.code, a.key)].get_status_display() if (c.code, a.key) in latest else "")
                        for a in actions_] for c in countries]
    return xlsx_response("reportes-de-implementacion.xlsx", [
        (_("Reportes"), report_header(), rows),
        (_("Mapa de calor"), [_("País")] + [a.key for a in actions_], heat),
    ])


def report_pdf(request):
    _need(request, "knowledge.export_implementationreport")
    latest = heatmap_data(request.user, action="export")
    actions_ = list(_final_actions(request.user))
    countries = list(Country.objects.restrict(request.user).filter(kind=Country.Kind.MEMBER).order_by("name_es"))
    axes = defaultdict(list)
    for a in actions_:
        axes[a.axis.number].append(a)
    progress_rows = []
    for c in countries:
        row = [c.name]
        for number, acts in sorted(axes.items()):
            done = sum(1 for a in acts if (c.code, a.key) in latest and latest[(c.code, a.key)].status == "implemented")
            row.append(f"{done}/{len(acts)}")
        progress_rows.append(row)
    heat_rows = [[c.code] + [STATUS_CODES.get(latest[(c.code, a.key)].status, "") if (c.code, a.key) in latest else ""
                             for a in actions_] for c in countries]
    report_rows = [(r.owner_institution.country.code, r.action.key, r.get_status_display(), r.round.period,
                    r.narrative[:400]) for r in sorted(latest.values(), key=lambda r: (r.owner_institution.country.code, r.action.axis.number, r.action.number))]
    log_event("export", user=request.user, object_type="knowledge.implementationreport",
              detail={"count": len(report_rows), "format": "pdf"})
    blocks = [
        ("p", _("Avance de la implementación del Plan de Trabajo en materia de tráfico ilícito de migrantes, según los "
                "reportes validados por las Cancillerías y visibles para su institución.")),
        ("h", _("Acciones implementadas por eje")),
        ("table", [_("País")] + [_("Eje %(n)s") % {"n": n} for n, _a in sorted(axes.items())], progress_rows),
        ("h", _("Mapa de calor (I = implementada, C = en curso, N = no iniciada, NA = no aplica)")),
        ("table", [_("País")] + [a.key for a in actions_], heat_rows),
        ("h", _("Reportes validados")),
        ("table", [_("País"), _("Acción"), _("Estado"), _("Periodo"), _("Descripción")], report_rows),
    ]
    return pdf_response("informe-plan-de-trabajo.pdf", _("Informe de avance del Plan de Trabajo 2019–2025"), blocks,
                        wide=True, subtitle=_("Red de Funcionarios de Enlace · Conferencia Regional sobre Migración"))
