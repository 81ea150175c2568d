"""Pages of hit/no-hit. Reads through the policy; decisions are write rules of ``HitNotice`` (else 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.api.pagination import WindowPaginator
from enlace.sharing.access import audit_listing
from enlace.sharing.policy import can

from . import actions
from .filters import HitNoticeFilter
from .forms import JudgementForm, ReleaseRequestForm
from .models import HitNotice, ReleasedRecord, access_hitnotice_by_id
from .actions import JUDGED, reply_hours
from .presentation import (contacts_to_ask, explanation_rows, hide_unreadable_people, history_rows, probability_text,
                           released_rows, time_left_text)


HITS_PER_PAGE = 30


def hit_list(request):
    qs = HitNotice.objects.restrict(request.user, "list").select_related("other_country", "other_institution",
                                                                          "own_person")
    filters = HitNoticeFilter(request.GET, queryset=qs, request=request)
    page = WindowPaginator(filters.qs, HITS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = hide_unreadable_people(request.user, page.object_list)
    audit_listing(request.user, HitNotice, [n.pk for n in page.object_list], query=request.GET.urlencode())
    return render(request, "matching/list.html", {"page": page, "filters": filters,
                                                  "status": request.GET.get("status", ""),
                                                  "statuses": HitNotice.Status.choices})


def _request_state(notice) -> str:
    """Where the release stands, seen from this side: "sent" (my request waits), "received" (I must answer),
    "approved"/"declined", or "" (nothing asked)."""
    if notice.release == HitNotice.Release.REQUESTED:
        return "received"
    if notice.release in (HitNotice.Release.APPROVED, HitNotice.Release.DECLINED):
        return notice.release
    return "sent" if notice.release_requested_at else ""


def _detail_context(request, notice, **forms):
    user = request.user
    hide_unreadable_people(user, [notice])
    released = (ReleasedRecord.objects.restrict(user, "view").filter(pair_key=notice.pair_key)
                .exclude(owner_institution=notice.owner_institution))
    judged = notice.status in JUDGED
    state = _request_state(notice)
    return {
        "notice": notice,
        "own_report_pk": notice.own_record_id.rsplit(".", 1)[1] if notice.own_record_id.startswith("documents.report.")
        else None,
        "probability": probability_text(notice.probability),
        "model_version": getattr(notice, "model_version", "") or "",
        "explanation": explanation_rows(notice.explanation),
        "contacts": contacts_to_ask(user, notice),
        "released": [(r, released_rows(r.content)) for r in released],
        "history": history_rows(notice.history),
        "request_state": state,
        "time_left": time_left_text(notice.reply_due_at) if state in ("sent", "received") else "",
        "overdue": bool(notice.reply_due_at and state in ("sent", "received") and notice.reply_due_at < timezone.now()),
        "reply_hours": reply_hours(),
        "judgement_form": forms.get("judgement_form") or JudgementForm(
            initial={"verdict": notice.status, "note": notice.judgement_note} if judged else None),
        "release_form": forms.get("release_form") or ReleaseRequestForm(),
        "can_judge": can(user, notice, "judge"),
        # The form again only when nothing is pending (or to show why a sent form was refused).
        "can_request_release": can(user, notice, "request_release") and (state in ("", "declined")
                                                                         or "release_form" in forms),
        "can_decide_release": can(user, notice, "decide_release"),
        "can_review_role": notice.role_conflict and not notice.role_reviewed_at and can(user, notice, "review_role"),
    }


def hit_detail(request, pk):
    notice = access_hitnotice_by_id(request.user, pk, purpose=request.GET.get("finalidad", "")[:300])
    return render(request, "matching/detail.html", _detail_context(request, notice))


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_POST
def hit_judge(request, pk):
    notice = access_hitnotice_by_id(request.user, pk, "judge")
    form = JudgementForm(request.POST)
    if form.is_valid():
        try:
            actions.do_judge_hit(request.user, notice, form.cleaned_data["verdict"], form.cleaned_data["note"])
            messages.success(request, _("Revisión guardada. Esta coincidencia no se volverá a proponer."))
            return redirect("matching:detail", pk=pk)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "matching/detail.html", _detail_context(request, notice, judgement_form=form), status=400)


@require_POST
def hit_request_release(request, pk):
    notice = access_hitnotice_by_id(request.user, pk, "request_release")
    form = ReleaseRequestForm(request.POST)
    if form.is_valid():
        try:
            actions.do_request_release(request.user, notice, form.cleaned_data["purpose"])
            messages.success(request, _("Solicitud enviada. El otro país decidirá si comparte los datos."))
            return redirect("matching:detail", pk=pk)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "matching/detail.html", _detail_context(request, notice, release_form=form), status=400)


@require_POST
def hit_decide_release(request, pk):
    notice = access_hitnotice_by_id(request.user, pk, "decide_release")
    approve = request.POST.get("decision") == "approve"
    try:
        actions.do_decide_release(request.user, notice, approve)
        messages.success(request, _("Datos compartidos con el país solicitante.") if approve else _("Solicitud denegada."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("matching:detail", pk=pk)


@require_POST
def hit_review_role(request, pk):
    notice = access_hitnotice_by_id(request.user, pk, "review_role")
    try:
        actions.do_review_hit_role(request.user, notice)
        messages.success(request, _("Revisión de la función registrada."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("matching:detail", pk=pk)
