"""National coordination pages: the inbox/outbox with a send form, a message, the country's protocol."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.core.models import Institution
from enlace.exchange import choices as exchange_choices
from enlace.sharing.access import access_by_id, audit_listing

from . import actions
from .models import NationalMessage, NationalRoute

_JOINS = ("owner_institution__country", "to_institution")


def _context(request, errors=None):
    user = request.user
    rows = list(NationalMessage.objects.restrict(user, "list").select_related(*_JOINS)[:200])
    audit_listing(user, NationalMessage, [m.pk for m in rows])
    institutions = list(Institution.objects.restrict(user, "view").filter(country=user.institution.country_id)
                        .exclude(pk=user.institution_id)) if user.institution_id else []
    return {"rows": rows, "institutions": institutions, "kinds": exchange_choices.KINDS,
            "priorities": exchange_choices.PRIORITIES, "errors": errors or {}, "data": request.POST,
            "can_send": user.has_perm("coordination.add_nationalmessage")}


def message_list(request):
    """Messages of the user's country; POST sends one (routed by the protocol when no institution is chosen)."""
    if not request.user.has_perm("coordination.view_nationalmessage"):
        raise Http404
    if request.method == "POST":
        try:
            message = actions.do_send_national_message(request.user, request.POST.dict())
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            return render(request, "coordination/list.html", _context(request, exc.message_dict), status=400)
        messages.success(request, _("Mensaje enviado a %(inst)s.") % {"inst": message.to_institution.name})
        return redirect("coordination:detail", pk=message.pk)
    return render(request, "coordination/list.html", _context(request))


def message_detail(request, pk):
    message = access_by_id(NationalMessage, request.user, pk)
    can_answer = NationalMessage.objects.restrict(request.user, "answer").filter(pk=pk).exists()
    return render(request, "coordination/detail.html", {"m": message, "can_answer": can_answer})


@require_POST
def message_answer(request, pk):
    message = access_by_id(NationalMessage, request.user, pk, "answer")
    try:
        actions.do_answer_national_message(request.user, message, answer=request.POST.get("answer", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("coordination:detail", pk=pk)


def protocol(request):
    """The country's protocol: who answers what. The Cancillería sets a line by POST."""
    if not request.user.has_perm("coordination.view_nationalroute"):
        raise Http404
    errors = {}
    if request.method == "POST":
        try:
            actions.do_set_national_route(request.user, kind=request.POST.get("kind", ""),
                                          from_type=request.POST.get("from_type", ""),
                                          answered_by=request.POST.get("answered_by"))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Protocolo actualizado."))
            return redirect("coordination:protocol")
    routes = list(NationalRoute.objects.restrict(request.user, "list").select_related("answered_by"))
    institutions = list(Institution.objects.restrict(request.user, "view").filter(
        country=request.user.institution.country_id)) if request.user.institution_id else []
    return render(request, "coordination/protocol.html", {
        "routes": routes, "institutions": institutions, "kinds": exchange_choices.KINDS, "errors": errors,
        "types": Institution.Type.choices, "can_change": request.user.has_perm("coordination.change_nationalroute")},
        status=400 if errors else 200)
