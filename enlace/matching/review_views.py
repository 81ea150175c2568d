"""The clerical review queue: a country's reviewers judge the pairs the model is least sure about.

Pairs are the reviewer's own institution's open person hits in the uncertain band, most informative
first (calibrated probability closest to 0.5).  A judged pair leaves the queue for good: judgements
are final (``do_judge_hit``; the engine never re-opens a judged notice) and they are the labels of
the next estimation (``enlace train-matching``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, FloatField, Value
from django.db.models.functions import Abs
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.sharing.access import audit_listing

from . import actions
from .forms import JudgementForm
from .models import HitNotice, access_hitnotice_by_id
from .presentation import explanation_rows, hide_unreadable_people, probability_text

#: Open hits at or above this probability are near-certain: they stay in the hit list, not the queue.
REVIEW_BAND_HIGH = 0.995
QUEUE_SIZE = 20


def review_queryset(user):
    """The user's institution's open person hits in the uncertain band, most informative first."""
    qs = HitNotice.objects.restrict(user, "list").filter(
        status=HitNotice.Status.OPEN, subject=HitNotice.Subject.PERSON, probability__lt=REVIEW_BAND_HIGH,
        owner_institution_id=getattr(user, "institution_id", None))
    return (qs.annotate(informativeness=Abs(F("probability") - Value(0.5, output_field=FloatField())))
            .order_by("informativeness", "pk").select_related("other_country", "own_person"))


def review_queue(request):
    can_judge = request.user.has_perm("matching.change_hitnotice")
    notices = hide_unreadable_people(request.user, review_queryset(request.user)[:QUEUE_SIZE]) if can_judge else []
    audit_listing(request.user, HitNotice, [n.pk for n in notices], query="revision")
    rows = [{"notice": n, "probability": probability_text(n.probability), "explanation": explanation_rows(n.explanation)}
            for n in notices]
    return render(request, "matching/review_queue.html", {"rows": rows, "can_judge": can_judge,
                                                          "form": JudgementForm()})


@require_POST
def review_judge(request, pk):
    notice = access_hitnotice_by_id(request.user, pk, "judge")
    form = JudgementForm(request.POST)
    if form.is_valid():
        try:
            actions.do_judge_hit(request.user, notice, form.cleaned_data["verdict"], form.cleaned_data["note"])
            messages.success(request, _("Revisión guardada: el próximo entrenamiento del modelo la usará."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Elija una respuesta para el par."))
    return redirect("matching:review_queue")
