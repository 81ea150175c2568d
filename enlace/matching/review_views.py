"""The clerical review queue: a country's reviewers judge the pairs the model is least sure about.

Two kinds of pairs, both of the reviewer's own institution, most informative first (calibrated
probability closest to 0.5): open person hits below the near-certain bound, and the *uncertain
pairs* the online check found below the hit threshold (``band.py``), which nobody else sees - not
the hit list, not the other country. A judged pair leaves the queue for good: judgements are final
(``do_judge_hit``, ``do_judge_uncertain_pair``; "not the same" is never proposed again, not even as a
hit) and both verdicts are labels of the next estimation (``enlace train-matching``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, FloatField, Value
from django.db.models.functions import Abs
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.sharing.access import audit_listing

from . import actions
from .band import REVIEW_BAND_HIGH
from .forms import JudgementForm
from .models import HitNotice, UncertainPair, access_hitnotice_by_id, access_uncertainpair_by_id
from .presentation import explanation_rows, hide_unreadable_people, probability_text

QUEUE_SIZE = 20
_CLOSEST_TO_HALF = Abs(F("probability") - Value(0.5, output_field=FloatField()))


def review_queryset(user):
    """The user's institution's open person hits in the review band, most informative first."""
    qs = HitNotice.objects.restrict(user, "list").filter(
        status=HitNotice.Status.OPEN, subject=HitNotice.Subject.PERSON, probability__lt=REVIEW_BAND_HIGH,
        owner_institution_id=getattr(user, "institution_id", None))
    return (qs.annotate(informativeness=_CLOSEST_TO_HALF)
            .order_by("informativeness", "pk").select_related("other_country", "own_person"))


def uncertain_queryset(user):
    """The user's institution's open uncertain pairs (below the hit threshold), most informative first."""
    qs = UncertainPair.objects.restrict(user, "list").filter(
        status=UncertainPair.Status.OPEN, owner_institution_id=getattr(user, "institution_id", None))
    return qs.annotate(informativeness=_CLOSEST_TO_HALF).order_by("informativeness", "pk").select_related("own_person")


def _row(item, judge_url: str, is_hit: bool) -> dict:
    return {"item": item, "is_hit": is_hit, "judge_url": judge_url, "probability": probability_text(item.probability),
            "explanation": explanation_rows(item.explanation), "order": (item.informativeness, not is_hit, item.pk)}


def review_queue(request):
    user = request.user
    can_judge = user.has_perm("matching.change_hitnotice")
    can_judge_pairs = user.has_perm("matching.change_uncertainpair")
    notices = hide_unreadable_people(user, review_queryset(user)[:QUEUE_SIZE]) if can_judge else []
    pairs = hide_unreadable_people(user, uncertain_queryset(user)[:QUEUE_SIZE]) if can_judge_pairs else []
    audit_listing(user, HitNotice, [n.pk for n in notices], query="revision")
    audit_listing(user, UncertainPair, [p.pk for p in pairs], query="revision")
    rows = sorted([_row(n, f"/coincidencias/revision/{n.pk}/", True) for n in notices]
                  + [_row(p, f"/coincidencias/revision/par/{p.pk}/", False) for p in pairs],
                  key=lambda r: r["order"])[:QUEUE_SIZE]
    return render(request, "matching/review_queue.html", {"rows": rows, "can_judge": can_judge or can_judge_pairs,
                                                          "form": JudgementForm()})


def _judge(request, obj, act):
    form = JudgementForm(request.POST)
    if form.is_valid():
        try:
            act(request.user, obj, form.cleaned_data["verdict"], form.cleaned_data["note"])
            messages.success(request, _("Revisión guardada: el próximo entrenamiento del modelo la usará."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Elija una respuesta para el par."))
    return redirect("matching:review_queue")


@require_POST
def review_judge(request, pk):
    return _judge(request, access_hitnotice_by_id(request.user, pk, "judge"), actions.do_judge_hit)


@require_POST
def review_judge_pair(request, pk):
    return _judge(request, access_uncertainpair_by_id(request.user, pk, "judge"), actions.do_judge_uncertain_pair)
