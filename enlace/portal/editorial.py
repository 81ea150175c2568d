"""The portal's workspace side (login + MFA): editors' drafts and the ST's approval queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enlace.sharing.policy import can

from . import actions
from .forms import EntryForm
from .models import PortalEntry, access_portalentry_by_id


def _can_edit(user):
    return user.has_perm("portal.add_portalentry") or user.has_perm("portal.approve_portalentry")


@require_http_methods(["GET"])
def queue(request):
    """Drafts of my institution and, for the ST, every proposal waiting for approval."""
    if not (_can_edit(request.user) or request.user.has_perm("portal.view_portalentry")):
        raise Http404
    qs = PortalEntry.objects.restrict(request.user, "list").select_related("country", "owner_institution")
    status = request.GET.get("estado", "")
    if status in PortalEntry.Status.values:
        qs = qs.filter(status=status)
    pending = PortalEntry.objects.restrict(request.user, "approve").filter(status=PortalEntry.Status.PROPOSED)
    return render(request, "portal/queue.html", {
        "entries": qs.order_by("-updated_at")[:100], "pending_ids": set(pending.values_list("pk", flat=True)),
        "status": status, "statuses": PortalEntry.Status.choices,
        "can_create": request.user.has_perm("portal.add_portalentry")})


@require_http_methods(["GET", "POST"])
def create(request):
    if not request.user.has_perm("portal.add_portalentry"):
        raise Http404
    form = EntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = actions.do_create_portal_draft(request.user, form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Borrador guardado. Envíelo a la Secretaría Técnica para su aprobación."))
                return redirect("portal:manage_entry", pk=entry.pk)
        status = 400
    return render(request, "portal/form.html", {"form": form, "title": _("Nuevo contenido del portal")}, status=status)


def _add_errors(form, exc):
    for field, errs in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
        for e in errs:
            form.add_error(field if field in form.fields else None, e)


@require_http_methods(["GET"])
def manage_entry(request, pk):
    entry = access_portalentry_by_id(request.user, pk, "view")
    return render(request, "portal/manage_entry.html", {
        "entry": entry, "can_change": can(request.user, entry, "change"),
        "can_approve": can(request.user, entry, "approve")})


@require_POST
def step(request, pk, name):
    """propose (owner), approve / withdraw (ST). A refused step changes nothing and says why."""
    steps = {"proponer": ("change", actions.do_propose_portal_entry, _("Enviado a la Secretaría Técnica.")),
             "aprobar": ("approve", actions.do_approve_portal_entry, _("Publicado en el portal.")),
             "retirar": ("approve", actions.do_withdraw_portal_entry, _("Retirado del portal."))}
    if name not in steps:
        raise Http404
    access, action, ok = steps[name]
    entry = access_portalentry_by_id(request.user, pk, access)
    try:
        action(request.user, entry)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return render(request, "portal/manage_entry.html", {
            "entry": entry, "can_change": can(request.user, entry, "change"),
            "can_approve": can(request.user, entry, "approve")}, status=400)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, ok)
    return redirect("portal:manage_entry", pk=entry.pk)
