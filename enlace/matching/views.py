from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.sharing.access import audit_listing

from . import actions
from .forms import JudgementForm, ReleaseRequestForm
from .models import HitNotice, ReleasedRecord, access_hitnotice_by_id
from .presentation import explanation_rows, contacts_to_ask


def hit_list(request):
    status = request.GET.get("estado", "")
    qs = HitNotice.objects.restrict(request.user, "list").select_related("other_country", "other_institution",
                                                                          "own_person")
    if status in HitNotice.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    audit_listing(request.user, HitNotice, [n.pk for n in page.object_list], query=request.GET.urlencode())
    return render(request, "matching/list.html", {"page": page, "status": status, "statuses": HitNotice.Status.choices})


def _detail_context(request, notice, **forms):
    released = ReleasedRecord.objects.restrict(request.user, "view").filter(pair_key=notice.pair_key).exclude(
        owner_institution=notice.owner_institution)
    return {
        "notice": notice,
        "explanation": explanation_rows(notice.explanation),
        "contacts": contacts_to_ask(request.user, notice),
        "released": released,
        "judgement_form": forms.get("judgement_form") or JudgementForm(),
        "release_form": forms.get("release_form") or ReleaseRequestForm(),
        "can_act": HitNotice.objects.restrict(request.user, "change").filter(pk=notice.pk).exists(),
    }


def hit_detail(request, pk):
    notice = access_hitnotice_by_id(request.user, pk, purpose=request.GET.get("finalidad", ""))
    return render(request, "matching/detail.html", _detail_context(request, notice))


@require_POST
def hit_judge(request, pk):
    form = JudgementForm(request.POST)
    notice = access_hitnotice_by_id(request.user, pk)
    if form.is_valid():
        try:
            actions.do_judge_hit(request.user, notice, form.cleaned_data["verdict"], form.cleaned_data["note"])
            messages.success(request, _("Revisión guardada. Esta coincidencia no se volverá a proponer."))
            return redirect("matching:detail", pk=pk)
        except (PermissionDenied, ValidationError) as exc:
            form.add_error(None, exc.messages[0] if hasattr(exc, "messages") else str(exc))
    return render(request, "matching/detail.html", _detail_context(request, notice, judgement_form=form), status=400)


@require_POST
def hit_request_release(request, pk):
    form = ReleaseRequestForm(request.POST)
    notice = access_hitnotice_by_id(request.user, pk)
    if form.is_valid():
        try:
            actions.do_request_release(request.user, notice, form.cleaned_data["purpose"])
            messages.success(request, _("Solicitud enviada. El otro país decidirá si comparte los datos."))
            return redirect("matching:detail", pk=pk)
        except (PermissionDenied, ValidationError) as exc:
            form.add_error(None, exc.messages[0] if hasattr(exc, "messages") else str(exc))
    return render(request, "matching/detail.html", _detail_context(request, notice, release_form=form), status=400)


@require_POST
def hit_decide_release(request, pk):
    notice = access_hitnotice_by_id(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        actions.do_decide_release(request.user, notice, approve)
        messages.success(request, _("Datos compartidos con el país solicitante.") if approve else _("Solicitud denegada."))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, exc.messages[0] if hasattr(exc, "messages") else str(exc))
    return redirect("matching:detail", pk=pk)
