"""Pages of the agreement register: list, search, export, detail, registration and decisions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.audit.log import log_event
from enlace.core.exports import xlsx_response
from enlace.core.uploads import encrypted_file_response
from enlace.sharing.access import access_by_id, audit_listing

from . import actions, choices
from .forms import AgreementForm
from .models import Agreement, AgreementShare, AgreementText

_JOINS = ("owner_institution__country",)


def _errors_to_form(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            for e in errs:
                form.add_error(field if field in form.fields else None, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


def _rows(request):
    q = request.GET.get("q", "").strip()[:100]
    qs = Agreement.objects.restrict(request.user, "search" if q else "list").select_related(*_JOINS)
    if q:
        qs = qs.filter(title__icontains=q)
    return q, list(qs.prefetch_related("parties")[:200])


def agreement_list(request):
    """Agreements the user's country may read (its parties' register entries)."""
    if not request.user.has_perm("agreements.view_agreement"):
        raise Http404
    q, rows = _rows(request)
    audit_listing(request.user, Agreement, [a.pk for a in rows], kind="search" if q else "list", query=q)
    return render(request, "agreements/list.html", {
        "rows": rows, "q": q, "can_add": request.user.has_perm("agreements.add_agreement")})


def agreement_export(request):
    rows = list(Agreement.objects.restrict(request.user, "export").select_related(*_JOINS).order_by("pk"))
    log_event("export", user=request.user, object_type="agreements.agreement", detail={"count": len(rows)})
    return xlsx_response("acuerdos.xlsx", [(_("Acuerdos"), [_("N.º"), _("Título"), _("Tipo"), _("Estado"),
                                                             _("Vigente desde"), _("Vigente hasta")],
                                            [(a.pk, a.title, a.get_kind_display(), a.get_status_display(),
                                              a.starts_on, a.ends_on) for a in rows])])


def agreement_new(request):
    """Register an agreement (Cancillería or ST): GET shows the form, POST calls the action."""
    if not request.user.has_perm("agreements.add_agreement"):
        raise Http404
    form = AgreementForm(request.user, request.POST or None)
    status = 200
    if request.method == "POST":
        data = {k: request.POST.get(k) for k in ("title", "kind", "starts_on", "ends_on", "response_days", "text")}
        data.update(parties=request.POST.getlist("parties"), purposes=request.POST.getlist("purposes"),
                    data_categories=request.POST.getlist("data_categories"),
                    limit_intelligence_only=bool(request.POST.get("limit_intelligence_only")),
                    limit_no_judicial_use=bool(request.POST.get("limit_no_judicial_use")))
        try:
            agreement = actions.do_register_agreement(request.user, data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.is_valid()
            _errors_to_form(form, exc)
            status = 400
        else:
            messages.success(request, _("Acuerdo registrado. Entrará en vigor cuando se decida."))
            return redirect("agreements:detail", pk=agreement.pk)
    return render(request, "agreements/new.html", {"form": form}, status=status)


def _lines(text: str, keys: tuple[str, ...]) -> list[dict]:
    """``a | b | c`` lines of a textarea as dicts (the action validates every value)."""
    rows = []
    for line in (text or "").splitlines()[:200]:
        if line.strip():
            parts = [p.strip() for p in line.split("|")]
            rows.append(dict(zip(keys, parts + [""] * (len(keys) - len(parts)))))
    return rows


def onboard_party(request):
    """The ST incorporates a new party (GET: the form; POST: ``do_onboard_party``)."""
    if not request.user.has_perm("agreements.onboard_party"):
        raise Http404
    errors, data = {}, request.POST
    if request.method == "POST":
        payload = {k: data.get(k) for k in ("code", "name_es", "name_en", "kind", "timezone")}
        payload["institutions"] = _lines(data.get("institutions"), ("type", "name", "acronym"))
        payload["contacts"] = _lines(data.get("contacts"), ("first_name", "last_name", "position", "email", "phone",
                                                            "institution"))
        try:
            country = actions.do_onboard_party(request.user, payload)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("%(name)s se incorporó. Sus puntos focales esperan la autorización de su "
                                        "Cancillería.") % {"name": country.name})
            return redirect("agreements:list")
    return render(request, "agreements/onboard.html", {"errors": errors, "data": data},
                  status=400 if errors else 200)


def share_list(request):
    """What the user's country shared under agreements, and what stopped being shared."""
    if not request.user.has_perm("agreements.view_agreementshare"):
        raise Http404
    rows = list(AgreementShare.objects.restrict(request.user, "list").select_related(
        "owner_institution__country")[:300])
    audit_listing(request.user, AgreementShare, [s.pk for s in rows])
    return render(request, "agreements/shares.html", {"rows": rows})


def agreement_detail(request, pk):
    agreement = access_by_id(Agreement, request.user, pk)
    shares = list(AgreementShare.objects.restrict(request.user, "list").filter(agreement=agreement)
                  .select_related("owner_institution__country")[:200])
    can_change = Agreement.objects.restrict(request.user, "change").filter(pk=agreement.pk).exists()
    return render(request, "agreements/detail.html", {
        "a": agreement, "parties": list(agreement.parties.all()), "shares": shares,
        "purposes": [choices.label(choices.PURPOSES, p) for p in agreement.purposes],
        "categories": [choices.label(choices.DATA_CATEGORIES, c) for c in agreement.data_categories],
        "versions": list(AgreementText.objects.filter(agreement=agreement).select_related("created_by")),
        "contacts": _contact_points(request.user, agreement),
        "candidates": _candidate_contacts(request.user, agreement) if can_change else [],
        "can_decide": Agreement.objects.restrict(request.user, "decide").filter(pk=agreement.pk).exists(),
        "can_change": can_change})


def _contact_points(user, agreement):
    """The agreement's contact points the user may see in the directory (an entry is never shown around
    the directory's own policy)."""
    from enlace.directory.models import Contact

    ids = Agreement.contact_points.through.objects.filter(agreement=agreement).values("contact_id")
    return list(Contact.objects.restrict(user, "view").filter(pk__in=ids)
                .select_related("owner_institution__country").order_by("owner_institution__country__code", "last_name", "pk"))


def _candidate_contacts(user, agreement):
    from enlace.directory.models import Contact
    from enlace.directory.policy import in_force_q

    return list(Contact.objects.restrict(user, "view")
                .filter(in_force_q(), owner_institution__country__in=agreement.parties.all())
                .select_related("owner_institution__country").order_by("owner_institution__country__code", "last_name", "pk")[:300])


@require_POST
def agreement_text(request, pk):
    agreement = access_by_id(Agreement, request.user, pk, "change")
    try:
        version = actions.do_update_agreement_text(request.user, agreement, text=request.POST.get("text", ""),
                                                   note=request.POST.get("note", ""),
                                                   upload=request.FILES.get("file"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Versión %(n)s del texto guardada; las anteriores se conservan.")
                         % {"n": version.version})
    return redirect("agreements:detail", pk=agreement.pk)


def agreement_text_version(request, pk, version):
    """One kept version of the text (its document as a download when it has one)."""
    agreement = access_by_id(Agreement, request.user, pk)
    kept = AgreementText.objects.filter(agreement=agreement, version=version).first()
    if kept is None:
        raise Http404
    if request.GET.get("documento") and kept.stored_path:
        return encrypted_file_response(request, stored_path=kept.stored_path, filename=kept.filename, mime=kept.mime,
                                       fallback_name="documento")
    return render(request, "agreements/version.html", {"a": agreement, "v": kept})


@require_POST
def agreement_contacts(request, pk):
    agreement = access_by_id(Agreement, request.user, pk, "change")
    try:
        actions.do_set_agreement_contact_points(request.user, agreement, request.POST.getlist("contact_points"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Puntos de contacto guardados."))
    return redirect("agreements:detail", pk=agreement.pk)


@require_POST
def agreement_decide(request, pk, decision):
    agreement = access_by_id(Agreement, request.user, pk, "decide")
    act = {"vigor": actions.do_bring_agreement_into_force, "suspender": actions.do_suspend_agreement}.get(decision)
    if act is None:
        raise Http404
    try:
        act(request.user, agreement)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Decisión registrada."))
    return redirect("agreements:detail", pk=agreement.pk)
