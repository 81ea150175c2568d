"""Pages of training requests, the catalogue and events (certificates as PDF, iCal feed)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enlace.core.pdf import pdf_response
from enlace.core.uploads import read_decrypted
from enlace.portal.ical import ical_response, parse_since
from enlace.practices.views import _create, _form_errors
from enlace.sharing.policy import can

from . import actions
from .forms import CourseForm, DocumentForm, EventForm, FollowUpForm, ProposeForm, RequestForm, ResponseForm
from .models import Course, CourseDocument, Event, TrainingRequest, access_event_by_id, access_trainingrequest_by_id


def _page(request, qs):
    return Paginator(qs, 25).get_page(request.GET.get("pagina"))


# --- requests ---------------------------------------------------------------------------------------

@require_http_methods(["GET"])
def request_list(request):
    qs = TrainingRequest.objects.restrict(request.user, "list").select_related("owner_institution__country")
    return render(request, "training/request_list.html", {"page": _page(request, qs)})


@require_http_methods(["GET", "POST"])
def request_create(request):
    return _create(request, RequestForm, actions.do_create_training_request, perm="training.add_trainingrequest",
                   title=_("Nueva solicitud de capacitación o asistencia técnica"), after="training:request")


def _request_page(request, req, status=200, **forms):
    return render(request, "training/request_detail.html", {
        "r": req, "responses": req.responses.select_related("country"),
        "can_respond": can(request.user, req, "respond"), "can_change": can(request.user, req, "change"),
        "response_form": forms.get("response_form") or ResponseForm(),
        "followup_form": forms.get("followup_form") or FollowUpForm(initial={"status": req.status})}, status=status)


@require_http_methods(["GET", "POST"])
def request_detail(request, pk):
    if request.method == "GET":
        return _request_page(request, access_trainingrequest_by_id(request.user, pk, purpose="training request"))
    step = request.POST.get("step")
    if step == "respond":
        req = access_trainingrequest_by_id(request.user, pk, "respond")
        form, slot = ResponseForm(request.POST), "response_form"
    elif step == "follow":
        req = access_trainingrequest_by_id(request.user, pk, "change")
        form, slot = FollowUpForm(request.POST), "followup_form"
    else:
        raise Http404
    if form.is_valid():
        try:
            if step == "respond":
                actions.do_respond_training_request(request.user, req, **form.cleaned_data)
            else:
                actions.do_follow_up_training_request(request.user, req, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Guardado."))
            return redirect("training:request", pk=req.pk)
    return _request_page(request, req, status=400, **{slot: form})


# --- catalogue --------------------------------------------------------------------------------------

@require_http_methods(["GET"])
def catalogue(request):
    courses = Course.objects.restrict(request.user, "list").prefetch_related("documents")
    return render(request, "training/catalogue.html", {"courses": courses,
                                                       "can_manage": request.user.has_perm("training.manage_course")})


@require_http_methods(["GET", "POST"])
def course_create(request):
    if not request.user.has_perm("training.manage_course"):
        raise Http404
    form = CourseForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            course = actions.do_create_course(request.user, form.cleaned_data)
            messages.success(request, _("Guardado."))
            return redirect("training:course", pk=course.pk)
        return render(request, "training/form.html", {"form": form, "title": _("Nuevo curso")}, status=400)
    return render(request, "training/form.html", {"form": form, "title": _("Nuevo curso")})


@require_http_methods(["GET", "POST"])
def course_detail(request, pk):
    course = Course.objects.restrict(request.user, "view").filter(pk=pk).first()
    if course is None:
        raise Http404
    form = DocumentForm()
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("training.manage_course"):
            raise Http404
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.do_add_course_document(request.user, course, title=form.cleaned_data["title"],
                                               upload=form.cleaned_data["file"])
            except (ValidationError, PermissionDenied) as exc:
                _form_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                messages.success(request, _("Documento añadido."))
                return redirect("training:course", pk=course.pk)
        status = 400
    return render(request, "training/course_detail.html", {
        "c": course, "documents": course.documents.all(), "form": form,
        "can_manage": request.user.has_perm("training.manage_course")}, status=status)


@require_http_methods(["GET"])
def document(request, pk):
    doc = CourseDocument.objects.restrict(request.user, "view").filter(pk=pk).first()
    if doc is None:
        raise Http404
    response = HttpResponse(read_decrypted(doc.stored), content_type=doc.mime)
    response["Content-Disposition"] = f'attachment; filename="documento-{doc.pk}-v{doc.version}"'
    return response


# --- events -----------------------------------------------------------------------------------------

@require_http_methods(["GET"])
def event_list(request):
    qs = Event.objects.restrict(request.user, "list").select_related("owner_institution__country")
    return render(request, "training/event_list.html", {"page": _page(request, qs)})


@require_http_methods(["GET", "POST"])
def event_create(request):
    return _create(request, EventForm, actions.do_create_event, perm="training.add_event",
                   title=_("Nuevo evento"), after="training:event")


def _event_page(request, event, status=200, form=None):
    user = request.user
    can_manage = can(user, event, "attendance")
    regs = event.registrations.select_related("country", "user")
    return render(request, "training/event_detail.html", {
        "e": event, "registrations": regs if can_manage else [], "count": regs.count(),
        "mine": regs.filter(user=user).first(), "can_register": can(user, event, "register"),
        "can_manage": can_manage, "form": form or ProposeForm(initial={"title_es": event.title})}, status=status)


@require_http_methods(["GET", "POST"])
def event_detail(request, pk):
    if request.method == "GET":
        return _event_page(request, access_event_by_id(request.user, pk, purpose="event page"))
    step = request.POST.get("step")
    access = {"register": "register", "attendance": "attendance", "propose": "propose"}.get(step)
    if access is None:
        raise Http404
    event = access_event_by_id(request.user, pk, access)
    form = ProposeForm(request.POST) if step == "propose" else None
    try:
        if step == "register":
            actions.do_register_for_event(request.user, event)
        elif step == "attendance":
            actions.do_record_attendance(request.user, event, request.POST.getlist("attended"))
        elif form.is_valid():
            actions.do_propose_event(request.user, event, form.cleaned_data)
        else:
            return _event_page(request, event, status=400, form=form)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        if form is not None:
            _form_errors(form, exc)
        return _event_page(request, event, status=400, form=form)
    messages.success(request, _("Guardado."))
    return redirect("training:event", pk=event.pk)


@require_http_methods(["GET"])
def certificate(request, pk):
    """The certificate of attendance of the signed-in official (only when the organiser marked it)."""
    event = access_event_by_id(request.user, pk, purpose="certificate")
    reg = event.registrations.filter(user=request.user, attended=True).first()
    if reg is None:
        raise Http404
    name = request.user.get_full_name() or request.user.username
    blocks = [("p", _("Se certifica que %(name)s, de %(inst)s, asistió al evento «%(title)s», celebrado en %(place)s "
                      "del %(start)s al %(end)s.") % {
        "name": name, "inst": request.user.institution.name, "title": event.title, "place": event.place,
        "start": event.starts_at.date().isoformat(), "end": event.ends_at.date().isoformat()}),
        ("p", _("Organizado por %(org)s.") % {"org": event.owner_institution.name})]
    return pdf_response(f"certificado-{event.pk}.pdf", _("Certificado de asistencia"), blocks)


@require_http_methods(["GET"])
def events_ical(request):
    """The events this official may see, as an iCal feed (``?desde=AAAA-MM-DD``)."""
    try:
        since = parse_since(request.GET.get("desde"))
    except ValidationError as exc:
        return render(request, "core/error.html", {"title": _("Fecha no válida"), "message": exc.messages[0]},
                      status=400)
    qs = Event.objects.restrict(request.user, "list").order_by("starts_at")
    qs = qs.filter(starts_at__gte=since or timezone.now() - timezone.timedelta(days=365))
    base = request.build_absolute_uri("/")[:-1]
    events = [{"uid": f"event-{e.pk}@enlace", "title": e.title, "starts_at": e.starts_at, "ends_at": e.ends_at,
               "place": e.place, "description": e.description, "url": f"{base}/formacion/eventos/{e.pk}/"}
              for e in qs[:500]]
    return ical_response(_("Eventos de capacitación"), events, "eventos.ics")
