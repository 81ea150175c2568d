"""Pages of the good-practice library, the protection instruments map and case-law briefs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enlace.core.uploads import read_decrypted
from enlace.sharing.policy import can

from . import actions
from .forms import AttachmentForm, CaseForm, FeedbackForm, PracticeForm, ProposeForm, ToolForm
from .models import (CaseBrief, Practice, ProtectionTool, access_casebrief_by_id, access_practice_by_id,
                     access_protectiontool_by_id)

MAX_Q = 100


def _form_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            for e in errs:
                form.add_error(field if field in form.fields else None, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


def _create(request, form_class, action, *, perm, title, template="practices/form.html", after):
    if not request.user.has_perm(perm):
        raise Http404
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            distribution = data.pop("distribution")
            try:
                record = action(request.user, data, distribution=distribution)
            except ValidationError as exc:
                _form_errors(form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Guardado."))
                return redirect(after, pk=record.pk)
        status = 400
    return render(request, template, {"form": form, "title": title}, status=status)


def _list(request, model, *, fields, template, extra=None):
    qs = model.objects.restrict(request.user, "list").select_related("owner_institution__country")
    q = (request.GET.get("q") or "").strip()[:MAX_Q]
    if q:
        cond = Q()
        for name in fields:
            cond |= Q(**{f"{name}__icontains": q})
        qs = qs.filter(cond)
    ctx = {"page": Paginator(qs, 25).get_page(request.GET.get("pagina")), "q": q, **(extra or {})}
    return render(request, template, ctx)


# --- practices --------------------------------------------------------------------------------------

@require_http_methods(["GET"])
def practice_list(request):
    return _list(request, Practice, fields=("title", "summary"), template="practices/practice_list.html")


@require_http_methods(["GET", "POST"])
def practice_create(request):
    return _create(request, PracticeForm, actions.do_create_practice, perm="practices.add_practice",
                   title=_("Nueva buena práctica"), after="practices:practice")


def _practice_page(request, practice, *, feedback_form=None, attach_form=None, propose_form=None, status=200):
    user = request.user
    return render(request, "practices/practice_detail.html", {
        "p": practice, "feedback": practice.feedback.select_related("country"),
        "attachments": practice.attachments.all(),
        "plan_actions": practice.plan_actions.select_related("axis"), "recommendations": practice.recommendations.all(),
        "can_change": can(user, practice, "change"), "can_comment": can(user, practice, "comment"),
        "feedback_form": feedback_form or FeedbackForm(), "attach_form": attach_form or AttachmentForm(),
        "propose_form": propose_form or ProposeForm(initial={"title_es": practice.title}),
    }, status=status)


@require_http_methods(["GET", "POST"])
def practice_detail(request, pk):
    """GET shows it; POST takes one of three forms: feedback, attachment, proposal for the portal."""
    if request.method == "GET":
        return _practice_page(request, access_practice_by_id(request.user, pk, purpose="practice page"))
    step = request.POST.get("step", "")
    handlers = {"feedback": ("comment", FeedbackForm, "feedback_form"),
                "attach": ("change", AttachmentForm, "attach_form"),
                "propose": ("propose", ProposeForm, "propose_form")}
    if step not in handlers:
        raise Http404
    access, form_class, slot = handlers[step]
    practice = access_practice_by_id(request.user, pk, access)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            if step == "feedback":
                actions.do_add_practice_feedback(request.user, practice, **form.cleaned_data)
                ok = _("Comentario registrado.")
            elif step == "attach":
                actions.do_attach_practice_file(request.user, practice, form.cleaned_data["file"])
                ok = _("Archivo adjuntado.")
            else:
                actions.do_propose_practice(request.user, practice, form.cleaned_data)
                ok = _("Propuesta enviada a la Secretaría Técnica para su publicación en el portal.")
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, ok)
            return redirect("practices:practice", pk=practice.pk)
    return _practice_page(request, practice, status=400, **{slot: form})


@require_http_methods(["GET"])
def attachment(request, pk, att):
    practice = access_practice_by_id(request.user, pk, "view", purpose="practice attachment")
    item = practice.attachments.filter(pk=att).first()
    if item is None:
        raise Http404
    response = HttpResponse(read_decrypted(item.stored), content_type=item.mime)
    response["Content-Disposition"] = 'attachment; filename="adjunto-%d"' % item.pk
    return response


# --- protection instruments map ---------------------------------------------------------------------

@require_http_methods(["GET"])
def tool_list(request):
    return _list(request, ProtectionTool, fields=("title", "description"), template="practices/tool_list.html",
                 extra={"levels": ProtectionTool.Level.choices})


@require_http_methods(["GET", "POST"])
def tool_create(request):
    return _create(request, ToolForm, actions.do_create_tool, perm="practices.add_protectiontool",
                   title=_("Nuevo instrumento de protección"), after="practices:tool")


@require_http_methods(["GET"])
def tool_detail(request, pk):
    tool = access_protectiontool_by_id(request.user, pk, purpose="tool page")
    linked = Practice.objects.restrict(request.user, "list").filter(pk__in=tool.practices.values("pk"))
    return render(request, "practices/tool_detail.html", {"t": tool, "linked": linked})


# --- case law ---------------------------------------------------------------------------------------

@require_http_methods(["GET"])
def case_list(request):
    return _list(request, CaseBrief, fields=("title", "summary", "court"), template="practices/case_list.html")


@require_http_methods(["GET", "POST"])
def case_create(request):
    return _create(request, CaseForm, actions.do_create_case_brief, perm="practices.add_casebrief",
                   title=_("Nuevo caso de jurisprudencia"), after="practices:case")


@require_http_methods(["GET", "POST"])
def case_detail(request, pk):
    if request.method == "GET":
        brief = access_casebrief_by_id(request.user, pk, purpose="case brief page")
        return render(request, "practices/case_detail.html", {
            "c": brief, "can_change": can(request.user, brief, "change"),
            "form": ProposeForm(initial={"title_es": brief.title})})
    brief = access_casebrief_by_id(request.user, pk, "propose")
    form = ProposeForm(request.POST)
    if form.is_valid():
        try:
            actions.do_propose_case_brief(request.user, brief, form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Propuesta enviada a la Secretaría Técnica para su publicación en el portal."))
            return redirect("practices:case", pk=brief.pk)
    return render(request, "practices/case_detail.html", {"c": brief, "can_change": True, "form": form}, status=400)


@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    brief = access_casebrief_by_id(request.user, pk, "change")
    fields = [n for n in CaseForm.base_fields if n != "distribution"]
    form = CaseForm(request.POST or None, initial={n: getattr(brief, n) for n in fields} | {
        "distribution": brief.distribution})
    form.fields.pop("distribution")
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_edit_case_brief(request.user, brief, form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Guardado."))
                return redirect("practices:case", pk=brief.pk)
        return render(request, "practices/form.html", {"form": form, "title": brief.title}, status=400)
    return render(request, "practices/form.html", {"form": form, "title": brief.title})


@require_http_methods(["GET", "POST"])
def practice_edit(request, pk):
    """The owner institution edits its practice (others: 404, before the form is shown)."""
    practice = access_practice_by_id(request.user, pk, "change")
    fields = [n for n in PracticeForm.base_fields if n != "distribution"]
    initial = {n: getattr(practice, n) for n in fields if n not in ("plan_actions", "recommendations")}
    initial.update(plan_actions=list(practice.plan_actions.values_list("pk", flat=True)),
                   recommendations=list(practice.recommendations.values_list("pk", flat=True)))
    form = PracticeForm(request.POST or None, initial=initial)
    form.fields.pop("distribution")
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_edit_practice(request.user, practice, dict(form.cleaned_data))
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Guardado."))
                return redirect("practices:practice", pk=practice.pk)
        return render(request, "practices/form.html", {"form": form, "title": practice.title}, status=400)
    return render(request, "practices/form.html", {"form": form, "title": practice.title})
