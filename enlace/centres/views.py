"""Pages of the centres app. Reads go through the policy; writes through ``actions``; a GET never writes
(only audit read events)."""

from __future__ import annotations

import datetime
import functools
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.audit.log import log_event
from enlace.core.exports import XLSX_TYPE, xlsx_response
from enlace.core.pdf import pdf_response
from enlace.core.widgets import date_pattern, parse_local_date
from enlace.sharing.access import audit_listing
from enlace.sharing.policy import can

from . import actions, choices, figures, importing
from .filters import CentreFilter, FigureSetFilter, PracticeFilter, StayFilter
from .forms import (BelongingForm, CareForm, CentreForm, CorrectionForm, CrisisForm, ExitForm, IdentityForm,
                    ImportForm, IncidentForm, PracticeForm, ReferralForm, StayForm, TransferForm)
from .models import (Belonging, CareRecord, Centre, CrisisLevel, FigureSet, Incident, PracticeNote, Standard, Stay,
                     access_belonging_by_id, access_centre_by_id, access_incident_by_id, access_practicenote_by_id,
                     access_stay_by_id)


def _perm(user, perm):
    if not user.has_perm(perm):
        raise Http404


def _form_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _filtered(request, filterset_class, qs):
    fs = filterset_class(request.GET, queryset=qs)
    if not fs.is_valid():
        return None, fs
    return fs.qs, fs


def _bad_filter(request, fs, template, extra=None):
    return render(request, template, {"filter": fs, "filter_errors": fs.errors, "page": None, "rows": [],
                                      **(extra or {})}, status=400)


def _status(request):
    return 400 if request.method == "POST" else 200


# --- centres ---------------------------------------------------------------------------------------------

@login_required
def centre_list(request):
    _perm(request.user, "centres.view_centre")
    q = request.GET.get("q", "").strip()
    base = Centre.objects.restrict(request.user, "search" if q else "list").select_related("owner_institution__country")
    qs, fs = _filtered(request, CentreFilter, base)
    if qs is None:
        return _bad_filter(request, fs, "centres/centre_list.html")
    page = Paginator(qs.order_by("name", "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "centres/centre_list.html", {
        "page": page, "filter": fs, "types": choices.CENTRE_TYPES, "querystring": request.GET.urlencode(),
        "can_add": request.user.has_perm("centres.add_centre")})


@login_required
def centre_export(request):
    _perm(request.user, "centres.view_centre")
    qs, fs = _filtered(request, CentreFilter, Centre.objects.restrict(request.user, "export").select_related(
        "owner_institution__country").prefetch_related("standards_met"))
    if qs is None:
        return _bad_filter(request, fs, "centres/centre_list.html")
    rows = [(c.owner_institution.country.code, c.name, choices.label(choices.CENTRE_TYPES, c.centre_type), c.place,
             c.lat, c.lon, c.capacity_men, c.capacity_women, c.capacity_families, c.capacity_children,
             ", ".join(c.service_labels()), ", ".join(s.code for s in c.standards_met.all()), c.crisis_level)
            for c in qs]
    log_event("export", user=request.user, object_type="centres.centre", detail={"count": len(rows), "format": "xlsx"})
    header = [_("País"), _("Centro"), _("Tipo"), _("Lugar"), _("Latitud"), _("Longitud"), _("Hombres"), _("Mujeres"),
              _("Familias"), _("Niñez no acompañada"), _("Servicios"), _("Estándares"), _("Nivel de crisis")]
    return xlsx_response("centros.xlsx", [(_("Centros"), header, rows)])


@login_required
def centre_create(request):
    _perm(request.user, "centres.add_centre")
    form = CentreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            centre = actions.do_create_centre(request.user, **form.to_action())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Centro registrado."))
            return redirect("centres:centre", pk=centre.pk)
    return render(request, "centres/form.html", {"form": form, "title": _("Nuevo centro")}, status=_status(request))


@login_required
def centre_edit(request, pk):
    centre = access_centre_by_id(request.user, pk, "change")
    form = CentreForm(request.POST or None, user=request.user, editing=True,
                      initial=CentreForm.initial_from(centre))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_centre(request.user, centre, **form.to_action())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Centro actualizado."))
            return redirect("centres:centre", pk=centre.pk)
    return render(request, "centres/form.html", {"form": form, "title": centre.name}, status=_status(request))


@login_required
def centre_detail(request, pk):
    centre = access_centre_by_id(request.user, pk)
    user = request.user
    own = can(user, centre, "register")
    occupancy = actions.occupancy_now(centre) if own else None
    history = list(CrisisLevel.objects.restrict(user, "view").filter(centre=centre).select_related("created_by")[:50])
    return render(request, "centres/centre_detail.html", {
        "centre": centre, "own": own, "occupancy": occupancy,
        "suggested": actions.suggested_level(centre) if own else None,
        "history": history, "can_edit": can(user, centre, "change"),
        "can_crisis": can(user, centre, "crisis"), "crisis_form": CrisisForm(),
        "can_standards": can(user, centre, "standards"),
        "standards": list(Standard.objects.restrict(user).filter(active=True)),
        "met": set(centre.standards_met.values_list("pk", flat=True)),
        "coordinators": coordinators_of(user, centre),
        "plan": [(lv, (centre.escalation_plan.get(str(lv)) or {}).get("what", ""),
                  centre.thresholds_or_default().get(str(lv))) for lv in (1, 2, 3, 4)],
        "can_incident": own and user.has_perm("centres.view_incident"),
        "levels": choices.CRISIS_LEVELS,
    })


@login_required
@require_POST
def centre_crisis(request, pk):
    centre = access_centre_by_id(request.user, pk, "crisis")
    form = CrisisForm(request.POST)
    if form.is_valid():
        try:
            change = actions.do_set_crisis_level(request.user, centre, level=form.cleaned_data["level"],
                                                 reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if change.alert_thread_id:
                messages.success(request, _("Nivel cambiado; alerta enviada a %(countries)s por el intercambio seguro.")
                                 % {"countries": change.alerted_countries.replace(",", ", ")})
            else:
                messages.warning(request, _("Nivel cambiado. No se envió alerta: no hay coordinaciones de centros "
                                            "autorizadas en los países vecinos, o usted no puede usar el intercambio."))
    else:
        messages.error(request, _("Elija un nivel e indique el motivo."))
    return redirect("centres:centre", pk=centre.pk)


@login_required
@require_POST
def centre_standards(request, pk):
    centre = access_centre_by_id(request.user, pk, "standards")
    ids = [int(v) for v in request.POST.getlist("standard") if v.isdigit()]
    actions.do_set_centre_standards(request.user, centre, ids)
    messages.success(request, _("Estándares actualizados."))
    return redirect("centres:centre", pk=centre.pk)


# --- stays -----------------------------------------------------------------------------------------------

@login_required
def stay_list(request):
    _perm(request.user, "centres.view_stay")
    q = request.GET.get("q", "").strip()
    base = Stay.objects.restrict(request.user, "search" if q else "list").select_related("centre")
    qs, fs = _filtered(request, StayFilter, base)
    if qs is None:
        return _bad_filter(request, fs, "centres/stay_list.html")
    page = Paginator(qs.order_by("-entry_date", "-pk"), 50).get_page(request.GET.get("page"))
    audit_listing(request.user, Stay, [s.pk for s in page], kind="search" if q else "list", query=q)
    centres = Centre.objects.restrict(request.user, "register").order_by("name")
    return render(request, "centres/stay_list.html", {"page": page, "filter": fs, "centres": centres,
                                                       "querystring": request.GET.urlencode()})


@login_required
def stay_export(request):
    _perm(request.user, "centres.view_stay")
    qs, fs = _filtered(request, StayFilter, Stay.objects.restrict(request.user, "export").select_related("centre"))
    if qs is None:
        return _bad_filter(request, fs, "centres/stay_list.html")
    qs = list(qs.order_by("-entry_date", "-pk")[:50000])
    rows = [(s.pk, s.centre.name, s.entry_date, s.get_entry_mode_display(), s.caption, s.get_sex_display(), s.dob,
             s.nationality, s.get_age_band_display(), s.get_profile_display() if s.profile else "",
             ", ".join(s.vulnerability_labels()),
             s.get_identity_status_display(), s.exit_date, s.get_exit_reason_display() if s.exit_reason else "")
            for s in qs]
    log_event("export", user=request.user, object_type="centres.stay", personal_data=True,
              detail={"count": len(rows), "ids": [s.pk for s in qs][:500], "format": "xlsx"})
    header = [_("N.º"), _("Centro"), _("Ingreso"), _("Forma de llegada"), _("Nombre"), _("Sexo"), _("Nacimiento"),
              _("Nacionalidad"), _("Grupo de edad"), _("Identificado en el procedimiento"), _("Vulnerabilidad"),
              _("¿Misma persona?"), _("Salida"),
              _("Motivo de salida")]
    return xlsx_response("estancias.xlsx", [(_("Estancias"), header, rows)])


@login_required
def stay_create(request, pk):
    centre = access_centre_by_id(request.user, pk, "register")
    form = StayForm(request.POST or None, initial={"entry_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            stay = actions.do_register_entry(request.user, centre, form.to_action())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            _check_abroad_at_entry(request, stay)
            if stay.identity_status == Stay.Identity.REUSED:
                messages.warning(request, _("Atención: la identidad declarada podría estar siendo usada por otra persona."))
            elif stay.identity_status == Stay.Identity.RETURNING:
                messages.info(request, _("La persona ya estuvo en un centro del país: vea las estancias anteriores."))
            else:
                messages.success(request, _("Ingreso registrado."))
            return redirect("centres:stay", pk=stay.pk)
    return render(request, "centres/form.html", {"form": form, "title": _("Ingreso en %(c)s") % {"c": centre.name},
                                                 "multipart": False}, status=_status(request))


def _check_abroad_at_entry(request, stay) -> None:
    """At entry, a stay whose owner allows matching is checked abroad at once (its own audited action).

    The entry is already saved: a failed check leaves the button on the stay page for a second try.
    """
    if not actions.may_check_abroad(request.user, stay):
        return
    try:
        actions.do_check_stay_abroad(request.user, stay)
    except (ValidationError, PermissionDenied, Http404):
        messages.warning(request, _("No se pudo consultar otros países: vuelva a intentarlo desde la estancia."))


def abroad_context(user, stay) -> dict:
    """The "other countries" panel of a stay: hits as the reader's own notices (country and whom to ask).

    Nothing of the other country's record is read here: only the asking side's notices, through the
    policy (a reader without cross-border standing gets none, and the panel says why).
    """
    from enlace.matching.models import HitNotice
    from enlace.matching.presentation import contacts_to_ask
    from enlace.sharing.policy import has_cross_border_standing

    standing = has_cross_border_standing(user) and user.has_perm("matching.view_hitnotice")
    hits = []
    if standing and stay.abroad_notices:
        notices = list(HitNotice.objects.restrict(user, "view").filter(pk__in=stay.abroad_notices)
                       .select_related("other_country", "other_institution").order_by("pk"))
        audit_listing(user, HitNotice, [n.pk for n in notices], kind="list", query=f"stay={stay.pk}")
        seen = set()
        # The person and the document query may both hit the same record: one line for it (the person's).
        for n in sorted(notices, key=lambda n: (n.subject != HitNotice.Subject.PERSON, n.pk)):
            if n.other_record_id in seen:
                continue
            seen.add(n.other_record_id)
            contacts = contacts_to_ask(user, n)
            hits.append({"notice": n, "ask": str(contacts[0]) if contacts else n.other_institution.name})
    return {"abroad_standing": standing, "abroad_refusal": actions.abroad_refusal(stay), "abroad_hits": hits,
            "can_check_abroad": standing and actions.may_check_abroad(user, stay)}


@login_required
@require_POST
def stay_check_abroad(request, pk):
    stay = access_stay_by_id(request.user, pk, "check_abroad")
    try:
        stay = actions.do_check_stay_abroad(request.user, stay)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
        return redirect("centres:stay", pk=stay.pk)
    if stay.abroad_notices:
        messages.warning(request, _("Hay coincidencias en otros países: pida los datos a quien se indica."))
    else:
        messages.success(request, _("Sin coincidencias en otros países."))
    return redirect("centres:stay", pk=stay.pk)


@login_required
def stay_detail(request, pk):
    stay = access_stay_by_id(request.user, pk, purpose=request.GET.get("purpose", "")[:300])
    user = request.user
    items = list(Belonging.objects.restrict(user, "view").filter(stay=stay).order_by("item_key", "version"))
    audit_listing(user, Belonging, [b.pk for b in items], kind="list", query=f"stay={stay.pk}")
    care = []
    if user.has_perm("centres.view_carerecord"):
        care = list(CareRecord.objects.restrict(user, "view").filter(stay=stay))
        audit_listing(user, CareRecord, [c.pk for c in care], kind="list", query=f"stay={stay.pk}")
    can_exit = can(user, stay, "exit")
    centres = Centre.objects.restrict(user, "register").exclude(pk=stay.centre_id).order_by("name")
    # Earlier stays matched at entry, as this reader may see them (the others are only counted).
    ids = [m["stay"] for m in stay.identity_matches]
    visible = {s.pk: s for s in Stay.objects.restrict(user, "view").filter(pk__in=ids).select_related("centre")}
    matches = [(m, visible[m["stay"]]) for m in stay.identity_matches if m["stay"] in visible]
    return render(request, "centres/stay_detail.html", {
        "stay": stay, "matches": matches, "hidden_matches": len(ids) - len(matches), "current": [b for b in items if b.current], "history": items,
        "held": any(b.current and b.status == "held" for b in items),
        "care": care, "can_exit": can_exit, "can_change": can(user, stay, "change"),
        "can_belongings": can(user, stay, "belongings"), "can_care": can(user, stay, "care"),
        "exit_form": ExitForm(initial={"exit_date": timezone.localdate()}), "referral_form": ReferralForm(),
        "belonging_form": BelongingForm(), "care_form": CareForm(initial={"given_on": timezone.localdate()}),
        "transfer_form": TransferForm(centres=centres, initial={"date": timezone.localdate()}),
        "referral_labels": dict(choices.REFERRALS), "statuses": choices.BELONGING_STATUS,
        **abroad_context(user, stay)})


def coordinators_of(user, centre) -> list:
    """The centre's coordinators as the reader may see them in the directory (policy, not the relation)."""
    from enlace.directory.policy import authorised_contacts_for

    ids = Centre.coordinators.through.objects.filter(centre_id=centre.pk).values("contact_id")
    return list(authorised_contacts_for(user).filter(pk__in=ids).order_by("pk"))


def _back_to_stay(request, stay, exc=None):
    if exc is not None:
        messages.error(request, " ".join(exc.messages))
    return redirect("centres:stay", pk=stay.pk)


@login_required
@require_POST
def stay_exit(request, pk):
    stay = access_stay_by_id(request.user, pk, "exit")
    form = ExitForm(request.POST)
    if not form.is_valid():
        return _back_to_stay(request, stay, ValidationError(_("Indique fecha y motivo de salida válidos.")))
    try:
        actions.do_register_exit(request.user, stay, exit_date=form.cleaned_data["exit_date"],
                                 exit_reason=form.cleaned_data["exit_reason"],
                                 destination=form.cleaned_data["destination"])
    except ValidationError as exc:
        return _back_to_stay(request, stay, exc)
    messages.success(request, _("Salida registrada."))
    return _back_to_stay(request, stay)


@login_required
@require_POST
def stay_transfer(request, pk):
    stay = access_stay_by_id(request.user, pk, "exit")
    form = TransferForm(request.POST, centres=Centre.objects.restrict(request.user, "register"))
    if not form.is_valid():
        return _back_to_stay(request, stay, ValidationError(_("Elija el centro de destino y la fecha.")))
    try:
        new = actions.do_transfer_stay(request.user, stay, form.cleaned_data["to_centre"],
                                       date=form.cleaned_data["date"])
    except ValidationError as exc:
        return _back_to_stay(request, stay, exc)
    messages.success(request, _("Traslado registrado."))
    return redirect("centres:stay", pk=new.pk)


@login_required
@require_POST
def stay_referral(request, pk):
    stay = access_stay_by_id(request.user, pk, "change")
    form = ReferralForm(request.POST)
    if not form.is_valid():
        return _back_to_stay(request, stay, ValidationError(_("Elija el tipo de derivación.")))
    try:
        actions.do_add_referral(request.user, stay, kind=form.cleaned_data["kind"], date=form.cleaned_data["date"],
                                note=form.cleaned_data["note"])
    except ValidationError as exc:
        return _back_to_stay(request, stay, exc)
    return _back_to_stay(request, stay)


@login_required
def stay_identity(request, pk):
    stay = access_stay_by_id(request.user, pk, "change")
    form = IdentityForm(request.POST or None, initial={
        f: getattr(stay, f) for f in ("identity_verified", "verified_given_names", "verified_surname_1",
                                      "verified_surname_2", "verified_dob", "verified_how", "doc_type", "doc_number",
                                      "allow_matching")}
        | {"biometric_refs": ", ".join(stay.biometric_refs)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_identity(request.user, stay, form.to_action(stay))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return _back_to_stay(request, stay)
    return render(request, "centres/form.html", {"form": form, "title": _("Identidad verificada")},
                  status=_status(request))


@login_required
@require_POST
def belonging_add(request, pk):
    stay = access_stay_by_id(request.user, pk, "belongings")
    form = BelongingForm(request.POST, request.FILES)
    if not form.is_valid():
        return _back_to_stay(request, stay, ValidationError([e for errs in form.errors.values() for e in errs]))
    data = dict(form.cleaned_data)
    photo = data.pop("photo", None)
    try:
        actions.do_add_belonging(request.user, stay, data, photo=photo)
    except ValidationError as exc:
        return _back_to_stay(request, stay, exc)
    return _back_to_stay(request, stay)


@login_required
def belonging_correct(request, pk):
    item = access_belonging_by_id(request.user, pk, "change")
    form = CorrectionForm(request.POST or None, initial={f: getattr(item, f) for f in (
        "item", "description", "value", "currency", "bag_number")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            actions.do_correct_belonging(request.user, item, data, reason=reason)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("centres:stay", pk=item.stay_id)
    return render(request, "centres/form.html", {"form": form, "title": _("Corregir pertenencia")},
                  status=_status(request))


@login_required
@require_POST
def belongings_return(request, pk):
    stay = access_stay_by_id(request.user, pk, "belongings")
    outcomes = {}
    for key, value in request.POST.items():
        if key.startswith("status_") and key[7:].isdigit():
            outcomes[int(key[7:])] = (value, request.POST.get(f"note_{key[7:]}", ""))
    try:
        actions.do_return_belongings(request.user, stay, outcomes)
    except ValidationError as exc:
        return _back_to_stay(request, stay, exc)
    messages.success(request, _("Devolución registrada."))
    return _back_to_stay(request, stay)


@login_required
def belongings_receipt(request, pk):
    """The receipt the person signs: every item in custody (PDF)."""
    stay = access_stay_by_id(request.user, pk, "export")
    items = list(Belonging.objects.restrict(request.user, "view").filter(stay=stay, current=True))
    log_event("export", user=request.user, obj=stay, detail={"format": "pdf", "items": len(items),
                                                             "what": "belongings_receipt"})
    rows = [(b.item_key, b.item, b.description, f"{b.value} {b.currency}".strip() if b.value is not None else "",
             b.bag_number, b.get_status_display()) for b in items]
    blocks = [
        ("p", _("Centro: %(c)s. Persona: %(p)s (%(n)s). Ingreso: %(d)s.") % {
            "c": stay.centre.name, "p": stay.caption, "n": stay.nationality, "d": stay.entry_date.isoformat()}),
        ("table", [_("N.º"), _("Artículo"), _("Descripción"), _("Valor"), _("Bolsa sellada"), _("Estado")], rows),
        ("p", _("Declaro que el inventario anterior corresponde a mis pertenencias entregadas en custodia. Me serán "
                "devueltas a la salida.")),
        ("p", _("Firma de la persona: ______________________    Firma del funcionario: ______________________")),
    ]
    return pdf_response(f"recibo-pertenencias-{stay.pk}.pdf", _("Recibo de pertenencias"), blocks)


@login_required
@require_POST
def care_add(request, pk):
    stay = access_stay_by_id(request.user, pk, "care")
    form = CareForm(request.POST)
    if not form.is_valid():
        return _back_to_stay(request, stay, ValidationError(_("Indique fecha, tipo y notas.")))
    try:
        actions.do_add_care_record(request.user, stay, form.cleaned_data)
    except ValidationError as exc:
        return _back_to_stay(request, stay, exc)
    return _back_to_stay(request, stay)


# --- incidents and good practices ----------------------------------------------------------------------

@login_required
def incident_list(request, pk):
    centre = access_centre_by_id(request.user, pk)
    _perm(request.user, "centres.view_incident")
    rows = list(Incident.objects.restrict(request.user, "list").filter(centre=centre)[:200])
    audit_listing(request.user, Incident, [i.pk for i in rows])
    form = IncidentForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST":
        centre = access_centre_by_id(request.user, pk, "register")
        if form.is_valid():
            try:
                actions.do_record_incident(request.user, centre, form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                return redirect("centres:incidents", pk=centre.pk)
    return render(request, "centres/incident_list.html", {"centre": centre, "rows": rows, "form": form,
                                                          "can_add": can(request.user, centre, "register")},
                  status=_status(request) if form.errors else 200)


@login_required
def incident_detail(request, pk):
    incident = access_incident_by_id(request.user, pk)
    return render(request, "centres/incident_detail.html", {"incident": incident})


@login_required
def practice_list(request):
    _perm(request.user, "centres.view_practicenote")
    qs, fs = _filtered(request, PracticeFilter, PracticeNote.objects.restrict(request.user, "list").select_related(
        "owner_institution__country"))
    if qs is None:
        return _bad_filter(request, fs, "centres/practice_list.html")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "centres/practice_list.html", {"page": page, "filter": fs,
                                                           "can_add": request.user.has_perm("centres.add_practicenote")})


@login_required
def practice_create(request):
    _perm(request.user, "centres.add_practicenote")
    form = PracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = actions.do_add_practice_note(request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("centres:practice", pk=note.pk)
    return render(request, "centres/form.html", {"form": form, "title": _("Nueva buena práctica")},
                  status=_status(request))


@login_required
def practice_detail(request, pk):
    note = access_practicenote_by_id(request.user, pk)
    return render(request, "centres/practice_detail.html", {"note": note})


# --- occupancy: figures, dashboard, exports, import --------------------------------------------------------

def _day(request):
    raw = (request.GET.get("date") or "").strip()
    if not raw:
        return timezone.localdate()
    try:  # the page's order or ISO (export links); a date in the other order is refused, never swapped
        day = parse_local_date(raw[:10])
    except ValidationError as exc:
        if exc.code == "other_order":
            raise
        raise ValidationError(_("Fecha no válida: escríbala como %(pattern)s.") % {"pattern": date_pattern()}) from None
    if day > timezone.localdate():
        raise ValidationError(_("La fecha no puede ser futura."))
    return day


def dashboard_data(user, day):
    sets = list(FigureSet.objects.restrict(user, "list").filter(date=day).select_related(
        "owner_institution__country").order_by("pk"))
    blocks = figures.regional_view(user, day, sets)
    return sets, blocks


@functools.lru_cache(maxsize=1)
def _outline_paths(width=900):
    from enlace.cases.analysis import DEFAULT_BOX, OUTLINE, Projection

    proj = Projection(DEFAULT_BOX, width)
    paths = []
    for feat in json.loads(OUTLINE.read_text(encoding="utf-8"))["features"]:
        parts = []
        for polygon in feat["geometry"]["coordinates"]:
            for ring in polygon:
                parts.append("M" + "L".join(f"{x},{y}" for x, y in (proj(lon, lat) for lon, lat in ring)) + "Z")
        paths.append({"name": feat["properties"]["name"], "d": "".join(parts)})
    return proj, paths, proj.width, proj.height


LEVEL_COLOURS = {1: "#2e7d32", 2: "#f9a825", 3: "#ef6c00", 4: "#c62828"}


def _map(user, blocks):
    proj, paths, width, height = _outline_paths()
    own_totals = {}
    for b in blocks:
        if b.own:
            own_totals = {c["centre_id"]: c for c in b.centres if c["centre_id"]}
    points = []
    for c in Centre.objects.restrict(user, "view").filter(lat__isnull=False, active=True).select_related(
            "owner_institution__country").order_by("pk")[:500]:
        x, y = proj(c.lon, c.lat)
        info = own_totals.get(c.pk)
        label = c.name
        if info:  # own country only: the centre's own numbers
            label = f"{c.name}: {info['total']}/{info['capacity'] or '—'}"
        points.append({"x": x, "y": y, "name": label, "level": c.crisis_level,
                       "colour": LEVEL_COLOURS.get(c.crisis_level, "#555"), "country": c.owner_institution.country.code})
    return {"width": width, "height": height, "countries": paths, "points": points}


@login_required
def dashboard(request):
    _perm(request.user, "centres.view_figureset")
    try:
        day = _day(request)
    except ValidationError as exc:
        return render(request, "centres/dashboard.html", {"error": " ".join(exc.messages), "blocks": [],
                                                          "day": timezone.localdate()}, status=400)
    _sets, blocks = dashboard_data(request.user, day)
    return render(request, "centres/dashboard.html", {
        "day": day, "blocks": blocks, "rows": figures.cell_rows(blocks), "map": _map(request.user, blocks),
        "charts": figures.chart_series(blocks), "levels": [(lv, str(lab), LEVEL_COLOURS[lv])
                                                           for lv, lab in choices.CRISIS_LEVELS],
        "can_compute": request.user.has_perm("centres.add_figureset"), "small": choices.SMALL_CELL})


def _export_rows(blocks):
    header = [_("País"), _("Nacionalidad"), _("Sexo"), _("Grupo de edad"), _("Vulnerabilidad"), _("Personas")]
    totals = [(b.code, b.name, b.total, b.suppressed_cells if not b.own else "", b.capacity if b.own else "")
              for b in blocks]
    theader = [_("País"), _("Nombre"), _("Total publicado"), _("Celdas suprimidas (<11)"), _("Capacidad")]
    return header, figures.cell_rows(blocks), theader, totals


@login_required
def dashboard_xlsx(request):
    _perm(request.user, "centres.export_figureset")
    try:
        day = _day(request)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    sets, blocks = dashboard_data(request.user, day)
    header, rows, theader, totals = _export_rows(blocks)
    log_event("export", user=request.user, object_type="centres.figureset",
              detail={"format": "xlsx", "date": day.isoformat(), "ids": [s.pk for s in sets][:500]})
    return xlsx_response(f"ocupacion-{day.isoformat()}.xlsx", [(_("Totales"), theader, totals),
                                                                (_("Celdas"), header, rows)])


@login_required
def dashboard_pdf(request):
    _perm(request.user, "centres.export_figureset")
    try:
        day = _day(request)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    sets, blocks = dashboard_data(request.user, day)
    header, rows, theader, totals = _export_rows(blocks)
    log_event("export", user=request.user, object_type="centres.figureset",
              detail={"format": "pdf", "date": day.isoformat(), "ids": [s.pk for s in sets][:500]})
    return pdf_response(f"ocupacion-{day.isoformat()}.pdf", _("Ocupación regional de centros — %(d)s")
                        % {"d": day.isoformat()},
                        [("p", _("Otros países solo ven agregados; las celdas con menos de 11 personas se suprimen.")),
                         ("table", theader, totals), ("table", header, rows)], wide=True)


@login_required
@require_POST
def figures_compute(request):
    _perm(request.user, "centres.add_figureset")
    try:
        day = _day(request)
        actions.do_compute_figures(day, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("centres:dashboard")
    messages.success(request, _("Cifras calculadas a partir del registro."))
    return redirect(f"{request.build_absolute_uri('/centros/ocupacion/')}?date={day.isoformat()}")


@login_required
def figureset_list(request):
    _perm(request.user, "centres.view_figureset")
    qs, fs = _filtered(request, FigureSetFilter, FigureSet.objects.restrict(request.user, "list").select_related(
        "owner_institution__country"))
    if qs is None:
        return _bad_filter(request, fs, "centres/figureset_list.html")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    own = request.user.institution.country_id if request.user.institution_id else None
    return render(request, "centres/figureset_list.html", {"page": page, "filter": fs, "own_country": own})


@login_required
def figures_import(request):
    _perm(request.user, "centres.add_figureset")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from .tasks import queue_figures_import

        # Issue 17: the lines are read and imported by a task (``enlace worker``); size and kind are checked now.
        try:
            token = queue_figures_import(request.user, form.cleaned_data["file"], form.cleaned_data["distribution"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            progress = _figures_progress(request, token)
            if progress.state == "done":  # already finished (a fast worker, or the tests' immediate backend)
                messages.success(request, _("Importadas %(n)s series de cifras.") % {"n": progress.result.get("sets", 0)})
                return redirect("centres:figuresets")
            if progress.state != "failed":
                return redirect("centres:import_status", token=token)
            form.add_error("file", progress.result.get("errors") or [_("No se importó nada.")])
    return render(request, "centres/import.html", {"form": form}, status=_status(request))


def _figures_progress(request, token):
    """The progress of a figures import, for the official who queued it only (else 404)."""
    from enlace.jobs.models import Progress

    from .tasks import progress_key

    progress = Progress.objects.filter(key=progress_key(token), user_id=request.user.pk).first()
    if progress is None:
        raise Http404
    return progress


@login_required
def figures_import_status(request, token):
    """Polled every second while the import runs (counts only, no write); then its outcome."""
    _perm(request.user, "centres.add_figureset")
    progress = _figures_progress(request, token)
    running = progress.state in ("queued", "running")
    context = {"progress": progress, "token": token, "running": running,
               "errors": progress.result.get("errors", []), "sets": progress.result.get("sets", 0)}
    if request.htmx:
        response = render(request, "centres/_import_progress.html", context)
        if not running:
            response["HX-Refresh"] = "true"  # finished: the full page shows the outcome
        return response
    return render(request, "centres/import_status.html", context)


@login_required
def figures_template(request):
    _perm(request.user, "centres.add_figureset")
    response = HttpResponse(importing.template_bytes(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="plantilla-cifras-centros.xlsx"'
    return response


@login_required
def standards(request):
    _perm(request.user, "centres.view_standard")
    from enlace.sharing.policy import is_secretariat

    editable = request.user.has_perm("centres.change_standard") and is_secretariat(request.user)
    if request.method == "POST":
        if not editable:
            raise Http404
        try:
            actions.do_save_standard(request.user, code=request.POST.get("code", "").strip()[:40],
                                     area=request.POST.get("area", ""), text_es=request.POST.get("text_es", ""),
                                     text_en=request.POST.get("text_en", ""),
                                     active=request.POST.get("active", "1") == "1")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("centres:standards")
    return render(request, "centres/standards.html", {
        "rows": list(Standard.objects.restrict(request.user)), "editable": editable, "areas": Standard.Area.choices})
