"""Pages of the directory. Views parse input, call actions and render; reads go through the policy."""

from __future__ import annotations

import datetime
import zoneinfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.audit.log import log_event
from enlace.core.exports import xlsx_response
from enlace.core.models import Country
from enlace.core.pdf import pdf_response
from enlace.core.uploads import validate_upload
from enlace.sharing.access import audit_listing
from enlace.sharing.policy import can, is_secretariat

from . import actions, choices, exports
from .filters import SEARCH_KEYS, ContactFilter
from .forms import ConsentForm, ContactForm, ImportForm, ReasonForm, RoutingForm, SearchForm, ValidityForm
from .importing import COLUMN_HELP, TEMPLATE_HELP, ImportFailed, parse_and_import
from .models import Authorisation, Contact, PublicKeyActor, access_contact_by_id
from .policy import in_force_q
from .routing import route, working_now
from .validation import display_phone


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


def _form_errors(form) -> dict:
    return {k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()}


# --- search ------------------------------------------------------------------------------------------

def filtered(user, params, action: str):
    """The search form (for display) and the visible contacts filtered by ``ContactFilter`` (shared with the API)."""
    form = SearchForm(user, params or None)
    qs = Contact.objects.restrict(user, action).select_related("owner_institution__country")
    filterset = ContactFilter(params, queryset=qs)
    # Invalid values (an unknown area, say) are shown on the form and filter nothing.
    return form, (filterset.qs if filterset.is_valid() else qs)


def contact_list(request):
    _need(request.user, "directory.view_contact")
    searching = any(request.GET.get(k) for k in SEARCH_KEYS)
    form, qs = filtered(request.user, request.GET, "search" if searching else "list")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    audit_listing(request.user, Contact, [c.pk for c in page], kind="search" if searching else "list",
                  query=request.GET.urlencode())
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"form": form, "page": page, "query": query.urlencode(), "count": page.paginator.count,
           "can_propose": request.user.has_perm("directory.add_contact"),
           "can_export": request.user.has_perm("directory.export_contact"),
           "can_print": request.user.has_perm("directory.print_directory")}
    template = "directory/_results.html" if getattr(request, "htmx", False) else "directory/list.html"
    return render(request, template, ctx)


def _export_rows(request):
    _need(request.user, "directory.export_contact")
    _form, qs = filtered(request.user, request.GET, "export")
    return list(qs)


def export_xlsx(request):
    rows = _export_rows(request)
    log_event("export", user=request.user, object_type="directory.contact", personal_data=True,
              detail={"format": "xlsx", "count": len(rows), "ids": [c.pk for c in rows][:500],
                      "query": request.GET.urlencode()[:200]})
    return xlsx_response("directorio.xlsx", [exports.xlsx_sheet(rows)])


def export_vcf(request):
    rows = _export_rows(request)
    log_event("export", user=request.user, object_type="directory.contact", personal_data=True,
              detail={"format": "vcard", "count": len(rows), "ids": [c.pk for c in rows][:500],
                      "query": request.GET.urlencode()[:200]})
    response = HttpResponse(exports.vcard(rows), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="directorio.vcf"'
    return response


def export_pdf(request):
    """The printable directory of authorised focal points, for the ST."""
    _need(request.user, "directory.print_directory")
    rows = list(Contact.objects.restrict(request.user, "export").filter(in_force_q())
                .select_related("owner_institution__country"))
    log_event("export", user=request.user, object_type="directory.contact", personal_data=True,
              detail={"format": "pdf", "count": len(rows), "ids": [c.pk for c in rows][:500]})
    return pdf_response("directorio.pdf", _("Directorio de puntos focales autorizados"), exports.pdf_blocks(rows),
                        wide=True, subtitle=_("Red de Funcionarios de Enlace · CRM · %(date)s")
                        % {"date": timezone.localdate().strftime("%d/%m/%Y")})


# --- one contact -------------------------------------------------------------------------------------

def _card_context(request, contact, **extra):
    user = request.user
    viewer_tz = user.institution.country.timezone if user.institution_id else "UTC"
    at_work, local = working_now(contact, timezone.now())
    history = list(Authorisation.objects.restrict(user, "list").filter(contact=contact).select_related("decided_by"))
    # A revoked entry's validity ended on the day of the revocation (or departure), not on the date it was
    # authorised until: the card says so, with the decision that ended it (history is newest first).
    closing = next((a for a in history if a.kind in (Authorisation.Kind.REVOKED, Authorisation.Kind.DEPARTED)),
                   None) if contact.status == Contact.Status.REVOKED else None
    # Buttons only for what the policy allows (the actions ask again).
    can_change, can_authorise = can(user, contact, "change"), can(user, contact, "authorise")
    ctx = {
        "c": contact, "at_work": at_work, "local_now": local, "viewer_tz": viewer_tz,
        "phone": display_phone(contact.phone), "mobile": display_phone(contact.mobile),
        "history": history, "closing": closing,
        "ended_on": timezone.localdate(closing.decided_at) if closing else None,
        "can_change": can_change, "can_authorise": can_authorise,
        "can_confirm": can_change or can_authorise or can(user, contact, "confirm"),
        "can_consent": can(user, contact, "consent"),
        # The superior is a record of its own: shown only if the viewer may see it (a proposal stays home).
        "boss": Contact.objects.restrict(user, "view").filter(pk=contact.reports_to_id).first()
        if contact.reports_to_id else None,
        "validity_form": ValidityForm(), "reason_form": ReasonForm(), "consent_form": ConsentForm(),
        "can_export": user.has_perm("directory.export_contact"),
        "public_actor": PublicKeyActor.objects.restrict(user, "view").filter(contact=contact).first(),
        "today": timezone.localdate(),
    }
    from .routing import hours_in

    ctx["hours_viewer"] = hours_in(contact, viewer_tz, timezone.now())
    ctx.update(extra)
    return ctx


def contact_detail(request, pk):
    _need(request.user, "directory.view_contact")
    contact = access_contact_by_id(request.user, pk, purpose=request.GET.get("purpose", ""))
    return render(request, "directory/detail.html", _card_context(request, contact))


def contact_vcard(request, pk):
    _need(request.user, "directory.export_contact")
    contact = access_contact_by_id(request.user, pk, "export")
    response = HttpResponse(exports.vcard([contact]), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contacto-{contact.pk}.vcf"'
    return response


def contact_new(request):
    _need(request.user, "directory.add_contact")
    form = ContactForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = actions.do_propose_contact(request.user, form.action_data())
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Propuesta registrada. La Cancillería de %(country)s debe autorizarla antes de "
                                        "que la vea el resto de la red.") % {"country": contact.country.name})
            return redirect("directory:contact", pk=contact.pk)
    return render(request, "directory/form.html", {"form": form, "title": _("Proponer un punto focal")},
                  status=400 if request.method == "POST" else 200)


def contact_edit(request, pk):
    """Ordinary edits, by the owner institution (anyone else: 404)."""
    contact = access_contact_by_id(request.user, pk, "change")
    form = ContactForm(request.user, request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_contact(request.user, contact, form.action_data())
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Datos del contacto actualizados."))
            return redirect("directory:contact", pk=contact.pk)
    return render(request, "directory/form.html", {"form": form, "contact": contact,
                                                    "title": _("Editar punto focal")},
                  status=400 if request.method == "POST" else 200)


def _posted_to(user, pk) -> Contact:
    """The contact a decision is posted to, if the user can see it (else 404).

    Not an audited read: the action re-reads it through its own rule and writes the one audit event.
    """
    contact = Contact.objects.restrict(user, "view").select_related("owner_institution__country").filter(
        pk=pk).first() if isinstance(pk, int) else None
    if contact is None:
        raise Http404
    return contact


@require_POST
def contact_decide(request, pk, decision):
    """Lifecycle decisions posted from the contact card; the actions decide who may (else 404)."""
    contact = _posted_to(request.user, pk)
    done = {
        "autorizar": _("Contacto autorizado: ya figura en el directorio de la red."),
        "renovar": _("Autorización renovada."),
        "suspender": _("Contacto suspendido."),
        "reactivar": _("Contacto reactivado."),
        "revocar": _("Autorización revocada: su acceso de intercambio terminó."),
        "confirmar": _("Datos confirmados."),
        "reenviar": _("Propuesta presentada de nuevo a la Cancillería."),
        "principal": _("Designado punto focal principal de su país."),
    }
    if decision not in done:
        raise Http404
    validity, reason = ValidityForm(request.POST), ReasonForm(request.POST)
    departure = False
    try:
        if decision in ("autorizar", "renovar"):
            if not validity.is_valid():
                raise ValidationError(_form_errors(validity))
            fn = actions.do_authorise_contact if decision == "autorizar" else actions.do_renew_contact
            fn(request.user, contact, valid_from=validity.cleaned_data.get("valid_from"),
               valid_until=validity.cleaned_data["valid_until"])
        elif decision in ("suspender", "revocar"):
            if not reason.is_valid():
                raise ValidationError(_form_errors(reason))
            if decision == "suspender":
                actions.do_suspend_contact(request.user, contact, reason=reason.cleaned_data["reason"])
            else:
                # The owner institution may only register a departure; the Cancillería chooses.
                departure = reason.cleaned_data["departure"] or not can(request.user, contact, "authorise")
                actions.do_revoke_contact(request.user, contact, reason=reason.cleaned_data["reason"],
                                          departure=departure)
        elif decision == "reactivar":
            actions.do_reinstate_contact(request.user, contact)
        elif decision == "confirmar":
            actions.do_confirm_contact(request.user, contact)
        elif decision == "principal":
            actions.do_designate_principal_contact(request.user, contact)
        else:
            actions.do_resubmit_proposal(request.user, contact)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        form = validity if decision in ("autorizar", "renovar") else reason
        ctx = _card_context(request, contact, **({"validity_form": form} if form is validity else {"reason_form": form}))
        return render(request, "directory/detail.html", ctx, status=400)
    if decision == "revocar" and departure:
        messages.success(request, _("Baja registrada (salida del cargo): su acceso de intercambio terminó."))
    else:
        messages.success(request, done[decision])
    if not Contact.objects.restrict(request.user, "view").filter(pk=pk).exists():
        return redirect("directory:list")  # e.g. a revocation took it out of the user's sight
    return redirect("directory:contact", pk=pk)


@require_POST
def contact_consent(request, pk):
    """The person consents to the public portal listing (only the person: else 404)."""
    contact = _posted_to(request.user, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            actions.do_consent_public_listing(request.user, contact, public_email=form.cleaned_data["public_email"],
                                              public_phone=form.cleaned_data["public_phone"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Consentimiento registrado. La Secretaría Técnica revisará la publicación."))
            return redirect("directory:contact", pk=pk)
    return render(request, "directory/detail.html", _card_context(request, contact, consent_form=form), status=400)


# --- lists for roles -----------------------------------------------------------------------------------

def pending(request):
    """Proposals waiting for this Cancillería's decision."""
    _need(request.user, "directory.authorise_contact")
    rows = list(Contact.objects.restrict(request.user, "list").filter(
        status=Contact.Status.PROPOSED, owner_institution__country=request.user.institution.country)
        .select_related("owner_institution__country").order_by("proposal_expires_on"))
    expiring = list(Contact.objects.restrict(request.user, "list").filter(
        status=Contact.Status.ACTIVE, owner_institution__country=request.user.institution.country,
        valid_until__lte=timezone.localdate() + datetime.timedelta(days=30)).select_related("owner_institution__country"))
    audit_listing(request.user, Contact, [c.pk for c in rows + expiring])
    return render(request, "directory/pending.html", {"rows": rows, "expiring": expiring,
                                                      "today": timezone.localdate()})


def _tree(contacts):
    by_id = {c.pk: {"c": c, "children": []} for c in contacts}
    roots = {}
    for c in contacts:
        node = by_id[c.pk]
        parent = by_id.get(c.reports_to_id)
        if parent is not None and parent is not node:
            parent["children"].append(node)
        else:
            roots.setdefault(c.owner_institution, []).append(node)
    return sorted(roots.items(), key=lambda kv: kv[0].name)


def country_page(request, code):
    _need(request.user, "directory.view_contact")
    country = Country.objects.restrict(request.user, "view").filter(code=code.upper(), kind=Country.Kind.MEMBER).first()
    if country is None:
        raise Http404
    contacts = list(Contact.objects.restrict(request.user, "list").filter(owner_institution__country=country)
                    .select_related("owner_institution__country").order_by("-principal", "owner_institution__name", "last_name"))
    audit_listing(request.user, Contact, [c.pk for c in contacts])
    active = [c for c in contacts if c.in_force()]
    coverage = [(label, sum(code in c.function_list for c in active)) for code, label in choices.FUNCTIONS]
    area_cov = [(label, sum(code in c.area_list for c in active)) for code, label in choices.AREAS]
    return render(request, "directory/country.html", {
        "country": country, "tree": _tree(active), "others": [c for c in contacts if not c.in_force()],
        "coverage": coverage, "area_coverage": area_cov, "count": len(active),
        "principal": next((c for c in active if c.principal), None)})


def routing(request):
    _need(request.user, "directory.view_contact")
    form = RoutingForm(request.user, request.GET or None)
    results = None
    if form.is_valid():
        d = form.cleaned_data
        results = route(request.user, country=d["country"], need=d["need"], urgency=d["urgency"],
                        caller_tz=d["caller_tz"] or None)
        audit_listing(request.user, Contact, [s.contact.pk for s in results], kind="search",
                      query=request.GET.urlencode(), purpose="routing")
    template = "directory/_routing_results.html" if getattr(request, "htmx", False) else "directory/routing.html"
    return render(request, template, {"form": form, "results": results}, status=400 if form.errors else 200)


def import_contacts(request):
    _need(request.user, "directory.import_contacts")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            mime = validate_upload(upload, kinds=("office", "text"), max_bytes=5 * 1024 * 1024)
            created = parse_and_import(request.user, upload, mime)
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
        except ImportFailed as exc:
            errors = exc.errors
            log_event("bad_request", user=request.user, detail={"reason": "directory_import", "errors": len(errors)})
        else:
            messages.success(request, _("Se importaron %(n)s propuestas. Ninguna es visible para otros países hasta "
                                        "que su Cancillería la autorice.") % {"n": len(created)})
            return redirect("directory:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "directory/import.html", {"form": form, "errors": errors, "help": TEMPLATE_HELP,
                                                     "columns": COLUMN_HELP},
                  status=status)


def import_template(request):
    _need(request.user, "directory.import_contacts")
    from .importing import COLUMNS

    example = ["HND", "PN-HND", "Ana", "Pérez", "Jefa de unidad", "DPI", "investigation; intelligence",
               "information_exchange", "es; en", "ana.perez@policia.hn", "+504 2222 3333", "", "America/Tegucigalpa",
               "08:00", "16:00"]
    return xlsx_response("plantilla-directorio.xlsx", [(_("Contactos"), [h for h, _f in COLUMNS], [example])])


def quality(request):
    """For the ST: stale entries, gaps in coverage, probable duplicates."""
    _need(request.user, "directory.view_data_quality")
    user = request.user
    visible = Contact.objects.restrict(user, "list").select_related("owner_institution__country")
    cutoff = timezone.now() - datetime.timedelta(days=183)
    stale = list(visible.filter(status__in=actions.LIVE_STATUSES).filter(
        Q(confirmed_at__lt=cutoff) | Q(confirmed_at__isnull=True)).order_by("confirmed_at"))
    active = list(visible.filter(in_force_q()))
    countries = list(Country.objects.restrict(user, "list").filter(kind=Country.Kind.MEMBER).order_by("name_es"))
    columns = [("a", code, label) for code, label in choices.AREAS] + [("f", code, label) for code, label in
                                                                      choices.FUNCTIONS]
    matrix, gaps = [], 0
    for country in countries:
        mine = [c for c in active if c.owner_institution.country_id == country.pk]
        cells = []
        for kind, code, _label in columns:
            n = sum(code in (c.area_list if kind == "a" else c.function_list) for c in mine)
            gaps += n == 0
            cells.append(n)
        matrix.append((country, len(mine), cells))
    live = list(visible.filter(status__in=actions.LIVE_STATUSES))
    dupes = []
    for key, label in (("normalized_name", _("mismo nombre y país")), ("email", _("mismo correo")),
                       ("phone", _("mismo teléfono"))):
        groups = {}
        for c in live:
            k = (getattr(c, key).lower(), c.owner_institution.country_id if key == "normalized_name" else None)
            groups.setdefault(k, []).append(c)
        dupes += [(label, g) for k, g in groups.items() if len(g) > 1 and k[0]]
    audit_listing(user, Contact, [c.pk for c in stale] + [c.pk for _l, g in dupes for c in g], purpose="data quality")
    chart = {"labels": [c.name for c, _n, _cells in matrix], "values": [n for _c, n, _cells in matrix],
             "label": _("Puntos focales autorizados")}
    return render(request, "directory/quality.html", {"stale": stale, "matrix": matrix, "columns": columns,
                                                      "gaps": gaps, "dupes": dupes, "chart": chart})


def key_actors(request):
    """Consented key actors waiting for the ST's approval, and those published."""
    _need(request.user, "directory.view_publickeyactor")
    rows = PublicKeyActor.objects.restrict(request.user, "list").select_related("country")
    # The "approve" rule (the ST, with the permission) for the whole list, without a query per row.
    can_approve = is_secretariat(request.user) and request.user.has_perm("directory.approve_publickeyactor")
    return render(request, "directory/key_actors.html", {"rows": rows, "can_approve": can_approve})


@require_POST
def key_actor_decide(request, pk, decision):
    """The ST approves or withdraws a listing; the person withdraws their own (the actions decide, else 404)."""
    actor = PublicKeyActor.objects.restrict(request.user, "view").filter(pk=pk).first()
    if actor is None or decision not in ("aprobar", "retirar"):
        raise Http404
    try:
        if decision == "aprobar":
            actions.do_approve_key_actor(request.user, actor)
            messages.success(request, _("Actor clave publicado en el portal (solo datos institucionales)."))
        else:
            actions.do_withdraw_key_actor(request.user, actor)
            messages.success(request, _("Actor clave retirado del portal."))
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/directorio/")
                    else reverse("directory:key_actors"))


def local_time(tz_name: str) -> str:
    return f"{timezone.now().astimezone(zoneinfo.ZoneInfo(tz_name)):%H:%M}"
