"""Pages of the legislation capability. Views parse input, call actions and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.audit.log import log_event
from enlace.core import timefmt
from enlace.core.exports import xlsx_response
from enlace.core.models import Country
from enlace.core.pdf import pdf_response
from enlace.sharing.policy import can, has_cross_border_standing, is_secretariat

from . import actions
from . import matrix as mx
from .filters import InstrumentFilter, ProvisionFilter, RequirementFilter, RoundFilter, SubmissionFilter, filtered
from .forms import (InstrumentEditForm, InstrumentForm, MatrixFilterForm, ProvisionForm, ReturnForm, RoundForm)
from .models import (Answer, Instrument, Provision, Reminder, Requirement, Round, Submission, access_instrument_by_id,
                     access_provision_by_id, access_submission_by_id)


def _errors(request, exc: ValidationError):
    for msg in exc.messages:
        messages.error(request, msg)


def _apply_field_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            for e in errs:
                form.add_error(field if field in form.fields else None, e)
    else:
        for msg in exc.messages:
            form.add_error(None, msg)


def _get_round(user, pk) -> Round:
    rnd = Round.objects.restrict(user, "view").filter(pk=pk).first()
    if rnd is None:
        raise Http404
    return rnd


# --- matrix ---------------------------------------------------------------------------------------

def _matrix_params(request, user):
    requirements = list(Requirement.objects.restrict(user, "view")) if user.is_authenticated else list(
        Requirement.objects.all())
    protocol = request.GET.get("protocol", "")
    if protocol not in ("", "TIM", "TDP"):
        protocol = ""
    req_choices = [r for r in requirements if not protocol or r.protocol == protocol]
    requirement = request.GET.get("requirement", "")
    if requirement not in {r.code for r in req_choices}:
        requirement = ""
    indicators = mx.indicators_for(protocol, requirement)
    indicator = request.GET.get("indicator", "")
    if indicator not in {i.code for i in indicators}:
        indicator = ""
    rounds = list(Round.objects.restrict(user, "view")) if user.is_authenticated else []
    rnd = None
    raw_round = request.GET.get("round", "")
    if raw_round.isdigit():
        rnd = next((r for r in rounds if r.pk == int(raw_round)), None)
    form = MatrixFilterForm(initial={"protocol": protocol, "requirement": requirement, "indicator": indicator,
                                     "round": str(rnd.pk) if rnd else ""},
                            requirements=req_choices, indicators=indicators, rounds=rounds)
    return {"protocol": protocol, "requirement": requirement, "indicator": indicator, "round": rnd, "form": form}


def _matrix_context(request, user, *, public=False):
    params = _matrix_params(request, user)
    m = mx.build_matrix(user, round=params["round"], protocol=params["protocol"],
                        requirement=params["requirement"], indicator=params["indicator"])
    query = request.GET.urlencode()
    return {**params, "m": m, "levels": mx.LEVEL_LABELS.items(), "symbols": mx.LEVEL_SYMBOLS, "public": public,
            "query": query, "demo": any(s.demo for s in m.submissions.values()),
            "chart_data": {"penalties": m.penalties,
                           "labels": {"min": _("Pena mínima (años)"), "max": _("Pena máxima (años)"),
                                      "axis": _("Años de prisión")}}}


def matrix(request):
    ctx = _matrix_context(request, request.user)
    template = "legislation/_matrix.html" if request.htmx else "legislation/matrix.html"
    return render(request, template, ctx)


def public_matrix(request):
    """What the countries authorised and the portal published. Needs no login (anonymous view)."""
    ctx = _matrix_context(request, AnonymousUser(), public=True)
    template = "legislation/_matrix.html" if request.htmx else "legislation/public_matrix.html"
    return render(request, template, ctx)


def _matrix_sheets(m: mx.Matrix):
    sheets = []
    by_proto = {}
    for ind, cells in m.rows:
        by_proto.setdefault(ind.requirement.protocol, []).append((ind, cells))
    header = [_("Artículo"), _("Indicador"), _("Pregunta")] + [c.name for c in m.countries]
    for proto, rows in by_proto.items():
        out = []
        for ind, cells in rows:
            out.append([f"art. {ind.requirement.article}", ind.code, ind.question] + [
                f"{c.text}{' — ' + c.citation if c.citation else ''}" for c in cells])
        sheets.append((proto, header, out))
    pen_rows = []
    for proto, data in m.penalties.items():
        for name, lo, hi in zip(data["countries"], data["min"], data["max"]):
            pen_rows.append([proto, name, lo, hi])
    sheets.append((_("Penas"), [_("Protocolo"), _("País"), _("Pena mínima (años)"), _("Pena máxima (años)")], pen_rows))
    return sheets


def matrix_xlsx(request):
    params = _matrix_params(request, request.user)
    m = mx.build_matrix(request.user, action="export", round=params["round"], protocol=params["protocol"],
                        requirement=params["requirement"], indicator=params["indicator"])
    log_event("export", user=request.user, object_type="legislation.answer",
              detail={"format": "xlsx", "countries": [c.code for c in m.countries], "query": request.GET.urlencode()})
    return xlsx_response("matriz-legislacion.xlsx", _matrix_sheets(m))


def matrix_pdf(request):
    params = _matrix_params(request, request.user)
    m = mx.build_matrix(request.user, action="export", round=params["round"], protocol=params["protocol"],
                        requirement=params["requirement"], indicator=params["indicator"])
    log_event("export", user=request.user, object_type="legislation.answer",
              detail={"format": "pdf", "countries": [c.code for c in m.countries], "query": request.GET.urlencode()})
    blocks = [("p", _("Leyenda: ✔ cumple · ◐ cumple parcialmente · ✘ no cumple · ? sin información. "
                      "Solo respuestas validadas."))]
    if any(s.demo for s in m.submissions.values()):
        blocks.append(("p", _("Datos de demostración")))
    for title, header, rows in _matrix_sheets(m):
        blocks.append(("h", str(title)))
        blocks.append(("table", header, rows))
    return pdf_response("matriz-legislacion.pdf", _("Matriz comparativa de legislación"), blocks, wide=True,
                        subtitle=timefmt.when_text(timezone.now(), ascii_only=True))


# --- compliance indicators ------------------------------------------------------------------------

def indicators(request):
    protocol = request.GET.get("protocol", "")
    if protocol not in ("", "TIM", "TDP"):
        protocol = ""
    # One read of the validated answers and of the catalogue serves the overall figures and every round.
    answers = list(mx.validated_answers(request.user, "view"))
    requirements = mx.requirements_with_indicators()
    data = mx.compliance(request.user, protocol=protocol, answers=answers, requirements=requirements)
    rounds = []
    for rnd in Round.objects.restrict(request.user, "list"):
        comp = mx.compliance(request.user, round=rnd, protocol=protocol, answers=answers, requirements=requirements)
        if comp["countries"]:
            rounds.append({"round": rnd, "share_met": comp["regional"]["share_met"],
                           "countries": comp["regional"]["countries"]})
    chart = {"labels": [r["country"].name for r in data["countries"]],
             "values": [r["share_met"] for r in data["countries"]],
             "label": _("Requisitos cumplidos (%)")}
    return render(request, "legislation/indicators.html", {
        "data": data, "protocol": protocol, "rounds": rounds, "chart": chart, "levels": mx.LEVEL_LABELS})


def country_gaps(request, code):
    country = Country.objects.restrict(request.user, "view").filter(code=code.upper()).first()
    if country is None:
        raise Http404
    data = mx.compliance(request.user)
    row = next((r for r in data["countries"] if r["country"].pk == country.pk), None)
    if row is None:
        raise Http404
    return render(request, "legislation/gaps.html", {"row": row, "country": country, "symbols": mx.LEVEL_SYMBOLS})


def catalogue(request):
    reqs = filtered(RequirementFilter, request.GET,
                    Requirement.objects.restrict(request.user, "list").prefetch_related("indicators"))
    return render(request, "legislation/catalogue.html", {"requirements": reqs})


# --- instruments and provisions -------------------------------------------------------------------

def instrument_list(request):
    q = request.GET.get("q", "").strip()
    qs = Instrument.objects.restrict(request.user, "search" if q else "list").select_related(
        "owner_institution__country")
    # The count is of the provisions the user may read (a provision can be narrower than its instrument).
    visible = (Provision.objects.restrict(request.user, "count").filter(instrument=OuterRef("pk")).order_by()
               .values("instrument").annotate(n=Count("pk")).values("n"))
    qs = qs.annotate(n_provisions=Coalesce(Subquery(visible, output_field=IntegerField()), 0))
    rows = list(filtered(InstrumentFilter, request.GET, qs)[:500])
    country = request.GET.get("country", "")
    can_add = request.user.has_perm("legislation.change_instrument")
    countries = Country.objects.restrict(request.user, "view").filter(kind=Country.Kind.MEMBER)
    return render(request, "legislation/instrument_list.html", {"rows": rows, "q": q, "can_add": can_add,
                                                                "countries": countries, "country": country})


def instrument_export(request):
    qs = Instrument.objects.restrict(request.user, "export").select_related("owner_institution__country")
    rows = [[i.owner_institution.country.name, i.get_kind_display(), i.title, i.number, i.enacted_on, i.official_url,
             _("Sí") if i.in_force else _("No")] for i in qs]
    prov_rows = [[p.owner_institution.country.name, p.instrument.title, p.article, p.in_force_since,
                  ", ".join(r.code for r in p.requirements.all()), p.text[:2000]]
                 for p in Provision.objects.restrict(request.user, "export").select_related(
                     "instrument", "owner_institution__country").prefetch_related("requirements")]
    log_event("export", user=request.user, object_type="legislation.instrument",
              detail={"instruments": len(rows), "provisions": len(prov_rows)})
    return xlsx_response("legislacion.xlsx", [
        (_("Instrumentos"), [_("País"), _("Tipo"), _("Título"), _("Número"), _("Fecha"), _("Enlace oficial"),
                             _("Vigente")], rows),
        (_("Disposiciones"), [_("País"), _("Instrumento"), _("Cita"), _("Vigente desde"), _("Requisitos"),
                              _("Texto")], prov_rows)])


def instrument_create(request):
    if not request.user.has_perm("legislation.change_instrument"):
        raise PermissionDenied
    form = InstrumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inst = actions.do_create_instrument(request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_field_errors(form, exc)
        else:
            messages.success(request, _("Instrumento registrado. Agregue ahora sus disposiciones."))
            return redirect("legislation:instrument", pk=inst.pk)
    return render(request, "legislation/form.html", {"form": form, "title": _("Registrar instrumento legal"),
                                                     "back": "legislation:instruments"})


def instrument_detail(request, pk):
    inst = access_instrument_by_id(request.user, pk)
    provisions = Provision.objects.restrict(request.user, "list").filter(instrument=inst).prefetch_related(
        "requirements")
    can_edit = can(request.user, inst, "change")
    form = ProvisionForm(user=request.user) if can_edit else None
    return render(request, "legislation/instrument_detail.html", {"inst": inst, "provisions": provisions,
                                                                  "can_edit": can_edit, "form": form})


def instrument_edit(request, pk):
    inst = access_instrument_by_id(request.user, pk, "change")
    initial = {f: getattr(inst, f) for f in ("kind", "title", "number", "enacted_on", "official_url", "in_force")}
    form = InstrumentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.do_update_instrument(request.user, inst, **form.cleaned_data)
        messages.success(request, _("Cambios guardados."))
        return redirect("legislation:instrument", pk=inst.pk)
    return render(request, "legislation/form.html", {"form": form, "title": _("Editar instrumento legal"),
                                                     "back": "legislation:instruments"})


def provision_create(request, pk):
    inst = access_instrument_by_id(request.user, pk, "change")
    form = ProvisionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_create_provision(request.user, inst, **form.cleaned_data)
        except ValidationError as exc:
            _apply_field_errors(form, exc)
        else:
            messages.success(request, _("Disposición agregada."))
            return redirect("legislation:instrument", pk=inst.pk)
    return render(request, "legislation/form.html", {"form": form, "title": _("Agregar disposición a «%(title)s»") % {
        "title": inst.title}, "back": "legislation:instruments"}, status=400 if request.method == "POST" else 200)


def provision_list(request):
    q = request.GET.get("q", "").strip()
    qs = Provision.objects.restrict(request.user, "search" if q else "list").select_related(
        "instrument", "owner_institution__country").prefetch_related("requirements")
    return render(request, "legislation/provision_list.html", {
        "rows": list(filtered(ProvisionFilter, request.GET, qs)[:500]), "q": q,
        "req": request.GET.get("requirement", ""), "requirements": Requirement.objects.restrict(request.user)})


def provision_detail(request, pk):
    prov = access_provision_by_id(request.user, pk)
    can_edit = can(request.user, prov, "change")
    return render(request, "legislation/provision_detail.html", {"p": prov, "can_edit": can_edit})


def provision_edit(request, pk):
    prov = access_provision_by_id(request.user, pk, "change")
    initial = {"article": prov.article, "text": prov.text, "in_force_since": prov.in_force_since,
               "requirements": list(prov.requirements.all())}
    form = ProvisionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_provision(request.user, prov, **form.cleaned_data)
        except ValidationError as exc:
            _apply_field_errors(form, exc)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect("legislation:provision", pk=prov.pk)
    return render(request, "legislation/form.html", {"form": form, "title": _("Editar disposición"),
                                                     "back": "legislation:provisions"},
                  status=400 if request.method == "POST" else 200)


# --- rounds ---------------------------------------------------------------------------------------

def round_list(request):
    rounds = filtered(RoundFilter, request.GET, Round.objects.restrict(request.user, "list").prefetch_related("countries"))
    return render(request, "legislation/round_list.html", {"rounds": rounds, "can_manage": _can_manage(request.user)})


def _can_manage(user) -> bool:
    """Rounds are the ST's (its permission, held by an official of the ST party)."""
    return user.has_perm("legislation.manage_round") and is_secretariat(user)


def round_create(request):
    if not _can_manage(request.user):
        raise PermissionDenied
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = actions.do_open_round(request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_field_errors(form, exc)
        else:
            messages.success(request, _("Ronda abierta; se avisó a los países participantes."))
            return redirect("legislation:round", pk=rnd.pk)
    return render(request, "legislation/form.html", {"form": form, "title": _("Abrir una ronda de envío"),
                                                     "back": "legislation:rounds"},
                  status=400 if request.method == "POST" else 200)


def round_detail(request, pk):
    rnd = _get_round(request.user, pk)
    visible = {s.country_id: s for s in Submission.objects.restrict(request.user, "list").filter(round=rnd)}
    done = actions.submitted_country_ids(rnd)
    user_country = request.user.country
    # Whether another country has sent is news from beyond the user's own country: it needs standing.
    cross_border = has_cross_border_standing(request.user)
    reminders = dict(Reminder.objects.restrict(request.user).filter(round=rnd).order_by().values("country")
                     .annotate(n=Count("pk")).values_list("country", "n"))
    today = timezone.localdate()
    rows = []
    countries = list(rnd.countries.order_by("name_es"))
    for c in countries:
        sub = visible.get(c.pk)
        known = cross_border or (user_country is not None and c.pk == user_country.pk)
        if not known:
            state = "—"
        elif c.pk in done:
            state = sub.get_status_display() if sub else _("Enviado")
        else:
            state = _("Pendiente de envío")
        rows.append({"country": c, "submission": sub, "state": state,
                     "late": known and c.pk not in done and today > rnd.deadline, "reminders": reminders.get(c.pk, 0)})
    mine = visible.get(user_country.pk) if user_country else None
    can_start = (mine is None and rnd.is_open and user_country is not None
                 and any(c.pk == user_country.pk for c in countries)
                 and request.user.has_perm("legislation.change_submission"))
    return render(request, "legislation/round_detail.html", {
        "rnd": rnd, "rows": rows, "mine": mine, "can_start": can_start, "today": today,
        "can_manage": _can_manage(request.user)})


@require_POST
def round_close(request, pk):
    rnd = _get_round(request.user, pk)
    try:
        actions.do_close_round(request.user, rnd)
        messages.success(request, _("Ronda cerrada: ya no se aceptan respuestas."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("legislation:round", pk=rnd.pk)


@require_POST
def round_remind(request, pk):
    rnd = _get_round(request.user, pk)
    reminded = actions.do_send_round_reminders(rnd, actor=request.user)
    if reminded:
        messages.success(request, _("Recordatorio enviado a: %(countries)s.") % {
            "countries": ", ".join(c.name for c in Country.objects.restrict(request.user).filter(code__in=reminded))})
    else:
        messages.warning(request, _("No se envió ningún recordatorio: todos los países enviaron su cuestionario "
                                    "o ya recibieron uno hoy."))
    return redirect("legislation:round", pk=rnd.pk)


@require_POST
def round_start(request, pk):
    rnd = _get_round(request.user, pk)
    try:
        sub = actions.do_start_submission(request.user, rnd)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("legislation:round", pk=rnd.pk)
    messages.success(request, _("Cuestionario creado con las respuestas validadas de la ronda anterior, si las hay."))
    return redirect("legislation:submission_edit", pk=sub.pk)


# --- questionnaires -------------------------------------------------------------------------------

def submission_list(request):
    qs = Submission.objects.restrict(request.user, "list").select_related("round", "country")
    return render(request, "legislation/submission_list.html", {"rows": filtered(SubmissionFilter, request.GET, qs)})


def _grouped(rows):
    groups = []
    for row in rows:
        req = row["indicator"].requirement
        if not groups or groups[-1]["requirement"].pk != req.pk:
            groups.append({"requirement": req, "rows": []})
        groups[-1]["rows"].append(row)
    return groups


def submission_detail(request, pk):
    sub = access_submission_by_id(request.user, pk)
    answers = Answer.objects.restrict(request.user, "view").filter(submission=sub).select_related(
        "indicator__requirement")
    rows = [{"indicator": a.indicator, "answer": a, "cell": mx.cell_for(a)} for a in answers]
    user = request.user
    # Buttons appear only where the policy would let the decision through.
    can_edit = sub.status == Submission.Status.DRAFT and sub.round.is_open and can(user, sub, "change")
    can_validate = sub.status == Submission.Status.SUBMITTED and can(user, sub, "validate")
    can_publish = (sub.status == Submission.Status.VALIDATED and sub.public_consent
                   and sub.distribution != "public" and can(user, sub, "publish"))
    return render(request, "legislation/submission_detail.html", {
        "sub": sub, "groups": _grouped(rows), "can_edit": can_edit, "can_validate": can_validate,
        "can_publish": can_publish, "problems": actions.submission_problems(user, sub) if can_edit else [],
        "return_form": ReturnForm() if can_validate else None, "symbols": mx.LEVEL_SYMBOLS})


def _posted_answers(post, indicators):
    data = {}
    for ind in indicators:
        c = ind.code
        data[c] = {"status": post.get(f"status-{c}", ""), "years": post.get(f"years-{c}", ""),
                   "options": post.getlist(f"options-{c}"), "citation": post.get(f"citation-{c}", ""),
                   "comment": post.get(f"comment-{c}", ""), "provisions": post.getlist(f"provisions-{c}")}
    return data


def submission_edit(request, pk):
    sub = access_submission_by_id(request.user, pk, "change")
    # The provisions an answer cites are read through their own audience too.
    cited = Prefetch("provisions", queryset=Provision.objects.restrict(request.user, "list"))
    answers = list(Answer.objects.restrict(request.user, "change").filter(submission=sub)
                   .select_related("indicator__requirement").prefetch_related(cited))
    indicators = [a.indicator for a in answers]
    provisions = list(Provision.objects.restrict(request.user, "list").filter(
        owner_institution__country=sub.country).select_related("instrument"))
    status = 200
    public_consent = sub.public_consent
    if request.method == "POST":
        data = _posted_answers(request.POST, indicators)
        public_consent = request.POST.get("public_consent") == "on"
        try:
            actions.do_save_answers(request.user, sub, data, public_consent=public_consent)
        except ValidationError as exc:
            _errors(request, exc)
            status = 400
        else:
            if request.POST.get("then") == "submit":
                try:
                    actions.do_submit_submission(request.user, sub)
                except ValidationError as exc:
                    messages.warning(request, _("Borrador guardado, pero aún no se puede enviar:"))
                    _errors(request, exc)
                    return redirect("legislation:submission_edit", pk=sub.pk)
                messages.success(request, _("Cuestionario enviado para validación."))
                return redirect("legislation:submission", pk=sub.pk)
            messages.success(request, _("Borrador guardado."))
            return redirect("legislation:submission_edit", pk=sub.pk)
        rows = [{"indicator": a.indicator, "status": data[a.indicator.code]["status"],
                 "years": data[a.indicator.code]["years"], "options": data[a.indicator.code]["options"],
                 "citation": data[a.indicator.code]["citation"], "comment": data[a.indicator.code]["comment"],
                 "provisions": data[a.indicator.code]["provisions"]} for a in answers]
    else:
        rows = [{"indicator": a.indicator, "status": a.status, "years": "" if a.years is None else mx.fmt_years(a.years),
                 "options": a.options, "citation": a.citation, "comment": a.comment,
                 "provisions": [str(p.pk) for p in a.provisions.all()]} for a in answers]
    return render(request, "legislation/submission_edit.html", {
        "sub": sub, "groups": _grouped(rows), "statuses": Answer.Status.choices, "provisions": provisions,
        "public_consent": public_consent}, status=status)


def _submission_step(request, pk, *, action, success, access):
    """A one-button step on a questionnaire: policy-checked read, the action, a message, back to it."""
    sub = access_submission_by_id(request.user, pk, access)
    try:
        action(request.user, sub)
        messages.success(request, success)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("legislation:submission", pk=sub.pk)


@require_POST
def submission_submit(request, pk):
    return _submission_step(request, pk, action=actions.do_submit_submission, access="submit",
                            success=_("Cuestionario enviado para validación."))


@require_POST
def submission_validate(request, pk):
    return _submission_step(request, pk, action=actions.do_validate_submission, access="validate",
                            success=_("Cuestionario validado: sus respuestas ya aparecen en la matriz de la red."))


@require_POST
def submission_return(request, pk):
    sub = access_submission_by_id(request.user, pk, "return")
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Explique qué debe corregirse."))
        return redirect("legislation:submission", pk=sub.pk)
    try:
        actions.do_return_submission(request.user, sub, note=form.cleaned_data["note"])
        messages.success(request, _("Cuestionario devuelto al país como borrador."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("legislation:submission", pk=sub.pk)


@require_POST
def submission_publish(request, pk):
    return _submission_step(request, pk, action=actions.do_publish_submission, access="publish",
                            success=_("Cuestionario publicado en la versión pública de la matriz."))
