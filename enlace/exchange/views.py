"""Pages of the exchange. Views parse input, call actions and render; reads go through the policy."""

from __future__ import annotations

import statistics

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from enlace.api.pagination import BoundedPaginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.audit.log import log_event
from enlace.core.exports import xlsx_response
from enlace.core.models import Country
from enlace.core.pdf import pdf_response
from enlace.core.uploads import encrypted_file_response
from enlace.sharing import policy
from enlace.sharing.access import access_by_id, audit_listing

from . import actions, choices, documents
from .filters import MlaDraftFilter, ThreadFilter
from .forms import AttachmentForm, ForwardForm, MlaNewForm, MlaStatusForm, MlaVersionForm, ReplyForm, ThreadForm
from .models import (Attachment, ForwardRequest, Message, MlaDraft, MlaVersion, Receipt, ResponseMetric, Thread,
                     access_attachment_by_id, access_mladraft_by_id, access_thread_by_id)


def _need(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def _errors_to_form(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            target = field if field in form.fields else None
            for e in errs:
                form.add_error(target, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


def _gate(request):
    """The exchange is for authorised focal points; others get a clear page, not a 500 or an empty inbox."""
    if not actions.can_exchange(request.user):
        return render(request, "core/error.html", {
            "title": _("Intercambio seguro no disponible"),
            "message": _("Solo los puntos focales autorizados por su Cancillería y vigentes pueden usar el intercambio "
                         "seguro. Pida a su Cancillería que autorice o renueve su registro en el directorio.")},
            status=403)
    return None


# --- inbox, search and export ---------------------------------------------------------------------------

_ROW_JOINS = ("owner_institution__country",)


def filtered_threads(request, action="list"):
    """The inbox filterset (``filters.ThreadFilter``, shared with the API) over what the policy lets the user read."""
    params = request.GET
    base = Thread.objects.restrict(request.user, "search" if params.get("q") else action).select_related(*_ROW_JOINS)
    filterset = ThreadFilter(params or None, queryset=base, request=request)
    qs = filterset.qs if filterset.is_bound else base
    q = filterset.form.cleaned_data.get("q", "") if filterset.is_bound and hasattr(filterset.form, "cleaned_data") \
        else ""
    return filterset.form, qs.order_by("-sent_at", "-created_at", "-pk"), q or ""


def inbox(request):
    gate = _gate(request)
    if gate:
        return gate
    form, qs, q = filtered_threads(request)
    page = BoundedPaginator(qs, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit_listing(request.user, Thread, [t.pk for t in rows], kind="search" if q else "list", query=q)
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {"form": form, "page": page, "rows": rows, "q": q, "count": page.paginator.count,
           "querystring": params.urlencode()}
    if request.htmx and not request.htmx.boosted:
        return render(request, "exchange/_inbox_rows.html", ctx)
    return render(request, "exchange/inbox.html", ctx)


def thread_row(request, pk):
    """One inbox row, fetched by the page when the event stream says a thread changed."""
    gate = _gate(request)
    if gate:
        return gate
    thread = Thread.objects.restrict(request.user, "list").filter(pk=pk).select_related(*_ROW_JOINS).first()
    if thread is None:
        raise Http404
    audit_listing(request.user, Thread, [thread.pk], kind="list", purpose="tiempo real")
    return render(request, "exchange/_row.html", {"t": thread, "fresh": True})


def export_xlsx(request):
    gate = _gate(request)
    if gate:
        return gate
    _need(request.user, "exchange.export_thread")
    _form, qs, q = filtered_threads(request, action="export")
    qs = Thread.objects.restrict(request.user, "export").filter(pk__in=qs.values("pk")).select_related(
        *_ROW_JOINS).prefetch_related("recipient_countries").order_by("-sent_at", "-pk")
    rows = []
    for t in qs:
        rows.append([t.pk, t.get_kind_display(), t.subject, t.owner_institution.country.name,
                     ", ".join(c.code for c in t.recipient_countries.all()), t.get_priority_display(),
                     t.get_status_display(), t.sent_at, t.due_at, t.source_grading + t.info_grading,
                     ", ".join(t.handling_codes())])
    log_event("export", user=request.user, object_type="exchange.thread", personal_data=True,
              detail={"count": len(rows), "ids": [r[0] for r in rows][:500], "searched": bool(q)})
    header = [_("N.º"), _("Tipo"), _("Asunto"), _("Origen"), _("Destinatarios"), _("Prioridad"), _("Estado"),
              _("Enviado"), _("Plazo"), _("Grado"), _("Códigos de manejo")]
    return xlsx_response("intercambio.xlsx", [(_("Hilos"), header, rows)])


# --- compose ------------------------------------------------------------------------------------------

def _store_attachment(request, thread, upload, form, message=None) -> bool:
    try:
        actions.do_add_attachment(request.user, thread, upload, message=message)
        return True
    except ValidationError as exc:
        for m in exc.messages:
            form.add_error("attachment", m)
        return False


def compose(request, pk=None):
    """A new thread, or a draft of the user's institution (404 for anyone else, before anything else)."""
    draft = None
    if pk is not None:
        draft = access_thread_by_id(request.user, pk, "change")
    gate = _gate(request)
    if gate:
        return gate
    if draft is not None and draft.status != Thread.Status.DRAFT:
        return redirect("exchange:thread", pk=draft.pk)
    if request.method == "POST":
        form = ThreadForm(request.user, request.POST, request.FILES)
        if form.is_valid():
            data = form.action_data()
            upload = form.cleaned_data.get("attachment")
            if "save_draft" in request.POST:
                draft = actions.do_save_draft(request.user, data, thread=draft)
                if upload:
                    _store_attachment(request, draft, upload, form)
                messages.success(request, _("Borrador guardado. Solo su institución lo ve."))
                if form.errors:
                    return render(request, "exchange/compose.html", {"form": form, "draft": draft})
                return redirect("exchange:draft", pk=draft.pk)
            try:
                with transaction.atomic():
                    thread, created = actions.do_send_thread(
                        request.user, data, thread=draft, idempotency_key=form.cleaned_data.get("idempotency_key"))
                    if created and upload:
                        actions.do_add_attachment(request.user, thread, upload)
            except ValidationError as exc:
                _errors_to_form(form, exc)
                # Nothing typed is lost: keep it as a draft the author can fix and send later.
                draft = actions.do_save_draft(request.user, data, thread=draft)
                messages.warning(request, _("No se envió. Revise los errores; su texto quedó guardado como borrador."))
                return render(request, "exchange/compose.html", {"form": form, "draft": draft}, status=400)
            if created:
                messages.success(request, _("Mensaje enviado. Los destinatarios lo ven en su bandeja de inmediato."))
            else:
                messages.info(request, _("Este envío ya se había recibido; no se duplicó."))
            return redirect("exchange:thread", pk=thread.pk)
        return render(request, "exchange/compose.html", {"form": form, "draft": draft}, status=400)
    initial = ThreadForm.initial_from(draft, request.user) if draft else {"kind": request.GET.get("tipo") or "info_request"}
    return render(request, "exchange/compose.html", {"form": ThreadForm(request.user, initial=initial),
                                                     "draft": draft})


@require_POST
def discard(request, pk):
    gate = _gate(request)
    if gate:
        return gate
    thread = access_thread_by_id(request.user, pk, "delete", purpose="descartar borrador")
    try:
        actions.do_discard_draft(request.user, thread)
        messages.success(request, _("Borrador descartado."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("exchange:inbox")


# --- a thread -----------------------------------------------------------------------------------------

def _thread_context(request, thread, reply_form=None, forward_form=None):
    """What the thread page shows, and which steps it offers: each button only when the policy allows it."""
    user = request.user
    msgs = list(Message.objects.restrict(user, "view").filter(thread=thread).select_related(
        "owner_institution__country", "created_by"))
    atts = list(Attachment.objects.restrict(user, "view").filter(thread=thread))
    receipts = list(Receipt.objects.restrict(user, "view").filter(thread=thread).select_related("country"))
    forwards = list(ForwardRequest.objects.restrict(user, "view").filter(thread=thread).select_related(
        "target_country", "requested_by__institution__country"))
    decidable = set(ForwardRequest.objects.restrict(user, "decide").filter(thread=thread).values_list("pk", flat=True))
    # The user's country's receipt, when the user is an official of a recipient country.
    own = actions.own_receipt(user, thread, "acknowledge")
    details = [(label, (thread.details or {}).get(name)) for name, label, _w in choices.KIND_FIELDS.get(thread.kind, [])
               if (thread.details or {}).get(name) not in (None, "")]
    details = [(label, choices.label(choices.ALERT_TYPES, v) if isinstance(v, str) and v in dict(choices.ALERT_TYPES)
                else v) for label, v in details]
    is_open = thread.is_open
    return {
        "t": thread, "messages_list": msgs, "attachments": atts, "receipts": receipts, "forwards": forwards,
        "decidable": decidable, "details": details, "own_receipt": own,
        "can_edit_draft": thread.status == Thread.Status.DRAFT and policy.can(user, thread, "change"),
        "can_reply": is_open and policy.can(user, thread, "reply"),
        "can_attach": (is_open or thread.status == Thread.Status.DRAFT) and policy.can(user, thread, "attach"),
        "can_close": is_open and policy.can(user, thread, "close"),
        "can_acknowledge": is_open and own is not None and not own.acknowledged_at,
        "can_request_forward": is_open and own is not None,
        "mark_delivered": own is not None and not own.delivered_at,
        "reply_form": reply_form or ReplyForm(),
        # Only countries not yet in the thread (and never the user's own) are offered.
        "forward_form": forward_form or ForwardForm(user, exclude=actions.audience_country_ids(thread)),
        "attachment_form": AttachmentForm(),
        "recipients": list(thread.recipient_countries.all()),
    }


def thread_detail(request, pk):
    """The thread. Reading writes nothing but the audit's read event: the page itself POSTs the
    delivery receipt once loaded (``deliver``)."""
    gate = _gate(request)
    if gate:
        return gate
    thread = access_thread_by_id(request.user, pk, purpose=request.GET.get("purpose", ""))
    part = request.GET.get("part") if request.htmx else None
    if part == "messages":
        return render(request, "exchange/_messages.html", _thread_context(request, thread))
    if part == "receipts":
        # The live stream said the thread's state changed (delivery, acknowledgement, answer, closing).
        return render(request, "exchange/_receipts.html", _thread_context(request, thread))
    return render(request, "exchange/thread.html", _thread_context(request, thread))


@require_POST
def deliver(request, pk):
    """The delivery receipt: sent by the thread page (htmx, on load) for officials of a recipient country."""
    gate = _gate(request)
    if gate:
        return gate
    thread = access_thread_by_id(request.user, pk, "list")
    actions.do_mark_delivered(request.user, thread)
    return HttpResponse(status=204)


def _thread_step(request, pk, *, step, action, success):
    """A one-button step on a thread: gate, policy check for the step (404 for anyone else; no read
    event: the action logs what it did), the action, a message, back to the thread."""
    gate = _gate(request)
    if gate:
        return gate
    thread = access_thread_by_id(request.user, pk, step)
    try:
        action(request.user, thread)
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("exchange:thread", pk=pk)


@require_POST
def acknowledge(request, pk):
    # The decision is on the user's country's receipt; the action answers 404 to anyone else.
    return _thread_step(request, pk, step="list", action=actions.do_acknowledge_thread,
                        success=_("Acuse de recibo registrado. El originador fue avisado."))


@require_POST
def reply(request, pk):
    gate = _gate(request)
    if gate:
        return gate
    thread = access_thread_by_id(request.user, pk, "reply")
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("attachment")
        try:
            with transaction.atomic():
                message, created = actions.do_reply_thread(
                    request.user, thread, body=form.cleaned_data["body"], is_answer=form.cleaned_data["is_answer"],
                    idempotency_key=form.cleaned_data.get("idempotency_key") or "")
                if created and upload:
                    actions.do_add_attachment(request.user, thread, upload, message=message)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "file" in exc.error_dict:
                exc = ValidationError({"attachment": exc.message_dict["file"]})
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Respuesta enviada.") if created else
                             _("Este envío ya se había recibido; no se duplicó."))
            return redirect("exchange:thread", pk=pk)
    thread.refresh_from_db()
    return render(request, "exchange/thread.html", _thread_context(request, thread, reply_form=form), status=400)


@require_POST
def close(request, pk):
    return _thread_step(request, pk, step="close", action=actions.do_close_thread, success=_("Hilo cerrado."))


@require_POST
def request_forward(request, pk):
    gate = _gate(request)
    if gate:
        return gate
    thread = access_thread_by_id(request.user, pk, "list")
    form = ForwardForm(request.user, request.POST)
    if form.is_valid():
        try:
            fr = actions.do_request_forward(request.user, thread, target_country=form.cleaned_data["target_country"],
                                            reason=form.cleaned_data["reason"],
                                            idempotency_key=form.cleaned_data.get("idempotency_key") or "")
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if getattr(fr, "replayed", False):
                messages.info(request, _("Este envío ya se había recibido; no se duplicó."))
            else:
                messages.success(request, _("Solicitud enviada al originador. No reenvíe nada hasta que la apruebe."))
            return redirect(f"{reverse('exchange:thread', args=[pk])}#forward-{fr.pk}")
    return render(request, "exchange/thread.html", _thread_context(request, thread, forward_form=form), status=400)


@require_POST
def decide_forward(request, pk, decision):
    gate = _gate(request)
    if gate:
        return gate
    if decision not in ("aprobar", "denegar"):
        raise Http404
    fr = access_by_id(ForwardRequest, request.user, pk, "decide")
    try:
        actions.do_decide_forward(request.user, fr, approve=decision == "aprobar")
        messages.success(request, _("Reenvío aprobado: el país ya ve el hilo.") if decision == "aprobar"
                         else _("Reenvío denegado."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("exchange:thread", pk=fr.thread_id)


@require_POST
def upload_attachment(request, pk):
    gate = _gate(request)
    if gate:
        return gate
    thread = access_thread_by_id(request.user, pk, "attach")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.do_add_attachment(request.user, thread, form.cleaned_data["file"])
            messages.success(request, _("Archivo adjuntado y cifrado."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Elija un archivo."))
    return redirect("exchange:draft" if thread.status == Thread.Status.DRAFT else "exchange:thread", pk=pk)


def download_attachment(request, pk):
    gate = _gate(request)
    if gate:
        return gate
    att = access_attachment_by_id(request.user, pk, purpose=request.GET.get("purpose", "descarga"))
    return encrypted_file_response(request, stored_path=att.stored_path, filename=att.filename, mime=att.mime,
                                   fallback_name="adjunto")


# --- responsiveness dashboard (ST) -----------------------------------------------------------------------

def _hours(a, b):
    return (b - a).total_seconds() / 3600 if a and b else None


def responsiveness_rows(user):
    metrics = ResponseMetric.objects.restrict(user, "list").select_related("country")
    by_country: dict = {}
    for m in metrics:
        by_country.setdefault(m.country, []).append(m)
    rows = []
    for country in Country.objects.restrict(user).filter(kind=Country.Kind.MEMBER):
        ms = by_country.get(country, [])
        ack = [h for h in (_hours(m.sent_at, m.acknowledged_at) for m in ms) if h is not None]
        ans = [h for h in (_hours(m.sent_at, m.answered_at) for m in ms) if h is not None]
        rows.append({"country": country, "received": len(ms), "acknowledged": len(ack), "answered": len(ans),
                     "overdue": sum(1 for m in ms if m.overdue),
                     "median_ack": round(statistics.median(ack), 1) if ack else None,
                     "median_answer": round(statistics.median(ans), 1) if ans else None})
    return rows


def dashboard(request):
    _need(request.user, "exchange.view_responsiveness")
    rows = responsiveness_rows(request.user)
    chart = {"labels": [r["country"].code for r in rows],
             "ack": [r["median_ack"] for r in rows], "answer": [r["median_answer"] for r in rows],
             "ack_label": _("Mediana hasta el acuse (horas)"), "answer_label": _("Mediana hasta la respuesta (horas)")}
    # No median yet (nothing acknowledged nor answered): an empty axis says nothing; the page says what to wait for.
    has_data = any(r["median_ack"] is not None or r["median_answer"] is not None for r in rows)
    return render(request, "exchange/dashboard.html", {"rows": rows, "chart": chart, "has_data": has_data})


def dashboard_xlsx(request):
    _need(request.user, "exchange.view_responsiveness")
    rows = responsiveness_rows(request.user)
    log_event("export", user=request.user, object_type="exchange.responsemetric", detail={"countries": len(rows)})
    header = [_("País"), _("Recibidas"), _("Con acuse"), _("Respondidas"), _("Vencidas"),
              _("Mediana hasta el acuse (horas)"), _("Mediana hasta la respuesta (horas)")]
    data = [[r["country"].name, r["received"], r["acknowledged"], r["answered"], r["overdue"], r["median_ack"],
             r["median_answer"]] for r in rows]
    return xlsx_response("capacidad-de-respuesta.xlsx", [(_("Capacidad de respuesta"), header, data)])


# --- joint MLA drafting -------------------------------------------------------------------------------------

def _mla_gate(request):
    _need(request.user, "exchange.view_mladraft")


_MLA_JOINS = ("owner_institution__country", "requested_country")


def mla_list(request):
    """Drafts the user may read, through ``filters.MlaDraftFilter`` (shared with the API)."""
    _mla_gate(request)
    q = request.GET.get("q", "").strip()
    base = MlaDraft.objects.restrict(request.user, "search" if q else "list").select_related(*_MLA_JOINS)
    filterset = MlaDraftFilter(request.GET or None, queryset=base, request=request)
    rows = list((filterset.qs if filterset.is_bound else base)[:200])
    audit_listing(request.user, MlaDraft, [d.pk for d in rows], kind="search" if q else "list", query=q)
    return render(request, "exchange/mla_list.html", {"rows": rows, "q": q, "form": MlaNewForm(request.user),
                                                      "filter_form": filterset.form,
                                                      "can_draft": actions.can_draft_mla(request.user)})


@require_POST
def mla_new(request):
    _mla_gate(request)
    form = MlaNewForm(request.user, request.POST)
    if form.is_valid():
        try:
            draft = actions.do_create_mla_draft(request.user, title=form.cleaned_data["title"],
                                                requested_country=form.cleaned_data["requested_country"],
                                                idempotency_key=form.cleaned_data.get("idempotency_key") or "")
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("exchange:mla_list")
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if getattr(draft, "replayed", False):
                messages.info(request, _("Este envío ya se había recibido; no se duplicó."))
            else:
                messages.success(request, _("Borrador creado. Solo la fiscalía del país requerido y la suya lo ven."))
            return redirect("exchange:mla_detail", pk=draft.pk)
    rows = list(MlaDraft.objects.restrict(request.user, "list").select_related(*_MLA_JOINS)[:200])
    return render(request, "exchange/mla_list.html", {"rows": rows, "q": "", "form": form,
                                                      "can_draft": actions.can_draft_mla(request.user)}, status=400)


def _mla_context(request, draft, form=None):
    versions = list(MlaVersion.objects.restrict(request.user, "view").filter(draft=draft).select_related(
        "owner_institution__country", "created_by").order_by("number"))
    latest = versions[-1] if versions else None
    checklist = choices.mla_checklist(draft.requested_country.code)
    if form is None:
        initial = dict(latest.content) if latest else {}
        initial["checklist"] = latest.checklist if latest else []
        form = MlaVersionForm(checklist, initial=initial)
    diff = None
    a, b = request.GET.get("de"), request.GET.get("a")
    if a and b and len(versions) > 1:
        va = next((v for v in versions if str(v.number) == a), None)
        vb = next((v for v in versions if str(v.number) == b), None)
        if va and vb:
            diff = actions.mla_diff_html(va, vb)
    elif len(versions) > 1:
        diff = actions.mla_diff_html(versions[-2], versions[-1])
    checked = set(latest.checklist) if latest else set()
    return {"d": draft, "versions": versions, "latest": latest, "form": form, "diff": diff,
            "checklist": [(choices.checklist_label(i), i["code"] in checked) for i in checklist],
            "fields": [(label, (latest.content if latest else {}).get(name, "")) for name, label in choices.MLA_FIELDS],
            "legal_basis": choices.label(choices.LEGAL_BASES, latest.content.get("legal_basis_code")) if latest and
            latest.content.get("legal_basis_code") else "",
            "status_form": MlaStatusForm(initial={"formal_status": draft.formal_status,
                                                  "formal_reference": draft.formal_reference}),
            "can_set_status": policy.can(request.user, draft, "formal_status"),
            "can_edit": draft.formal_status == MlaDraft.FormalStatus.DRAFTING
            and policy.can(request.user, draft, "version") and actions.can_draft_mla(request.user)}


def mla_detail(request, pk):
    """The draft with its versions and differences; POST saves a new version (drafting parties only)."""
    _mla_gate(request)
    if request.method == "POST":
        # Only the drafting parties may version (404 for anyone else); the action logs the write.
        draft = access_mladraft_by_id(request.user, pk, "version")
        checklist = choices.mla_checklist(draft.requested_country.code)
        form = MlaVersionForm(checklist, request.POST)
        if form.is_valid():
            try:
                version = actions.do_save_mla_version(
                    request.user, draft, content=form.cleaned_data, checklist=form.cleaned_data.get("checklist"),
                    note=form.cleaned_data.get("note"), idempotency_key=form.cleaned_data.get("idempotency_key") or "")
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                return redirect("exchange:mla_detail", pk=pk)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Este envío ya se había recibido; no se duplicó.")
                                 if getattr(version, "replayed", False) else _("Nueva versión guardada."))
                return redirect("exchange:mla_detail", pk=pk)
        return render(request, "exchange/mla_detail.html", _mla_context(request, draft, form), status=400)
    draft = access_mladraft_by_id(request.user, pk, purpose=request.GET.get("purpose", ""))
    return render(request, "exchange/mla_detail.html", _mla_context(request, draft))


@require_POST
def mla_status(request, pk):
    _mla_gate(request)
    draft = access_mladraft_by_id(request.user, pk, "formal_status")
    form = MlaStatusForm(request.POST)
    if form.is_valid():
        try:
            actions.do_set_mla_formal_status(request.user, draft, status=form.cleaned_data["formal_status"],
                                             reference=form.cleaned_data["formal_reference"])
            messages.success(request, _("Estado de la solicitud formal actualizado."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Estado desconocido."))
    return redirect("exchange:mla_detail", pk=pk)


def mla_export(request, pk, fmt):
    _mla_gate(request)
    draft = access_mladraft_by_id(request.user, pk, "export", purpose=request.GET.get("purpose", "exportar"))
    latest = MlaVersion.objects.restrict(request.user, "view").filter(draft=draft).order_by("-number").first()
    if latest is None or fmt not in ("docx", "pdf"):
        raise Http404
    if fmt == "docx":
        data = documents.mla_docx(draft, latest)
        response = HttpResponse(data, content_type=documents.DOCX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="asistencia-juridica-{draft.pk}-v{latest.number}.docx"'
        return response
    title, blocks = documents.mla_blocks(draft, latest)
    return pdf_response(f"asistencia-juridica-{draft.pk}-v{latest.number}.pdf", title, blocks)
