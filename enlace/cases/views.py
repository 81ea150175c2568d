"""Pages of the cases capability. Reads go through the policy; writes through ``actions``."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.audit.log import log_event
from enlace.core.exports import xlsx_response
from enlace.sharing.access import audit_listing
from enlace.sharing.policy import can

from . import actions, analysis, importing
from .filters import CaseFilter, EntityFilter, RouteLegFilter
from .forms import (CaseForm, ChildWideningForm, EntityForm, ImportUploadForm, LinkForm, RoleReviewForm,
                    RouteLegForm, SharingForm)
from .ftm import case_to_ftm
from .models import (Case, Entity, ImportBatch, Link, RouteLeg, access_case_by_id, access_entity_by_id,
                     access_importbatch_by_id, access_link_by_id, access_routeleg_by_id)
from .paging import DeferredJoinPaginator


def _perm(user, perm):
    if not user.has_perm(perm):
        raise Http404


def _form_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _purpose(request):
    return (request.GET.get("purpose") or request.POST.get("purpose") or "")[:300]


# --- cases ---------------------------------------------------------------------------------------------------------

def _case_queryset(request, action):
    """The visible cases through the one case filterset (the API uses the same)."""
    q = request.GET.get("q", "").strip()[:200]
    qs = Case.objects.restrict(request.user, "search" if q and action == "list" else action)
    qs = CaseFilter(request.GET, queryset=qs.select_related("owner_institution__country")).qs
    return qs.prefetch_related("tags"), q


CASES_PER_PAGE = 50


@login_required
def case_list(request):
    qs, q = _case_queryset(request, "list")
    page = DeferredJoinPaginator(qs, CASES_PER_PAGE).get_page(request.GET.get("page"))
    audit_listing(request.user, Case, [c.pk for c in page], kind="search" if q else "list", query=q)
    return render(request, "cases/case_list.html", {
        "page": page, "q": q, "types": Case.Type.choices, "statuses": Case.Status.choices,
        "can_create": request.user.has_perm("cases.add_case"), "querystring": request.GET.urlencode()})


@login_required
def case_export(request):
    qs, q = _case_queryset(request, "export")
    qs = list(qs)
    rows = [(c.reference, c.title, c.get_case_type_display(), c.get_status_display(), c.owner_institution.country.code,
             str(c.owner_institution), c.opened_on, c.closed_on, c.facts_from, c.facts_to,
             ", ".join(str(t) for t in c.tags.all()), c.source_grade, c.info_grade, c.get_distribution_display(),
             c.handling_codes(), c.summary) for c in qs]
    log_event("export", user=request.user, object_type="cases.case", personal_data=True,
              detail={"count": len(rows), "ids": [c.pk for c in qs][:500], "searched": bool(q), "format": "xlsx"})
    header = [_("Referencia"), _("Título"), _("Tipo"), _("Estado"), _("País"), _("Institución"), _("Apertura"),
              _("Cierre"), _("Hechos desde"), _("Hechos hasta"), _("Modus operandi"), _("Fuente"), _("Información"),
              _("Distribución"), _("Códigos de manejo"), _("Resumen")]
    return xlsx_response("casos.xlsx", [(_("Casos"), header, rows)])


@login_required
def case_create(request):
    _perm(request.user, "cases.add_case")
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        tags = data.pop("tags")
        try:
            case = actions.do_create_case(request.user, tags=tags, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Caso %(ref)s registrado. Por defecto solo lo ve su institución.")
                             % {"ref": case.reference})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "title": _("Nuevo caso")})


@login_required
def case_detail(request, pk):
    case = access_case_by_id(request.user, pk, purpose=_purpose(request))
    user = request.user
    entities = list(Entity.objects.restrict(user, "view").filter(case=case).select_related("role_reviewed_by"))
    links = list(Link.objects.restrict(user, "view").filter(case=case).select_related("source", "target"))
    visible = {e.pk for e in entities}
    links = [lk for lk in links if lk.source_id in visible and (lk.target_id is None or lk.target_id in visible)]
    legs = list(analysis.visible_legs(user, case))
    audit_listing(user, Entity, [e.pk for e in entities], kind="list", query=f"case={case.pk}")
    can_edit = can(user, case, "change")
    imports = list(ImportBatch.objects.restrict(user, "view").filter(case=case)[:10]) if can_edit else []
    return render(request, "cases/case_detail.html", {
        "case": case, "persons": [e for e in entities if e.is_person],
        "others": [e for e in entities if not e.is_person], "links": links, "legs": legs, "can_edit": can_edit,
        "can_share": can_edit and can(user, case, "share"),
        "imports": imports, "pending_review": [e for e in entities if e.is_person and not e.role_reviewed],
        "can_export": can(user, case, "export")})


@login_required
def case_edit(request, pk):
    case = access_case_by_id(request.user, pk, "change")
    form = CaseForm(request.POST or None, instance=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        tags = data.pop("tags")
        try:
            actions.do_update_case(request.user, case, tags=tags, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Caso actualizado."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "title": _("Editar caso"), "case": case})


@login_required
def case_sharing(request, pk):
    case = access_case_by_id(request.user, pk, "share")
    initial = {"distribution": case.distribution, "sharing_group": case.sharing_group,
               "handling_intelligence_only": case.handling_intelligence_only,
               "handling_no_judicial_use": case.handling_no_judicial_use,
               "handling_no_onward_sharing": case.handling_no_onward_sharing, "handling_other": case.handling_other}
    form = SharingForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_change_case_sharing(
                request.user, case, distribution=data["distribution"], sharing_group=data["sharing_group"],
                handling={k: data[k] for k in ("handling_intelligence_only", "handling_no_judicial_use",
                                               "handling_no_onward_sharing", "handling_other")})
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Distribución del caso actualizada. Los registros de menores de edad y los "
                                        "restringidos a propósito no se ampliaron."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/simple_form.html", {"form": form, "case": case,
                                                      "title": _("Distribución y códigos de manejo")})


@login_required
@require_POST
def case_matching(request, pk):
    case = access_case_by_id(request.user, pk, "change")
    allow = request.POST.get("allow") == "1"
    actions.do_set_case_matching(request.user, case, allow=allow)
    messages.success(request, _("Coincidencias activadas para este caso.") if allow else
                     _("Coincidencias desactivadas: el caso deja de producir coincidencias."))
    return redirect("cases:detail", pk=case.pk)


def _case_for_export(user, pk):
    """The case if ``user`` may export it (else 404); the caller writes the one ``export`` audit event."""
    case = Case.objects.restrict(user, "export").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def _case_entities_and_links(user, case, action):
    entities = list(Entity.objects.restrict(user, action).filter(case=case).order_by("pk"))
    links = list(Link.objects.restrict(user, action).filter(case=case).select_related("source", "target"))
    return entities, links


@login_required
def case_export_xlsx(request, pk):
    case = _case_for_export(request.user, pk)
    entities, links = _case_entities_and_links(request.user, case, "export")
    visible = {e.pk for e in entities}
    links = [lk for lk in links if lk.source_id in visible and (lk.target_id is None or lk.target_id in visible)]
    legs = list(analysis.visible_legs(request.user, case))
    log_event("export", user=request.user, obj=case, purpose=_purpose(request), detail={"format": "xlsx", "entities": len(entities),
                                                             "links": len(links), "route_legs": len(legs)})
    persons = [(e.ftm_id, e.get_role_display(), e.role_reviewed, e.given_names, e.surname_1, e.surname_2, e.sex,
                e.dob, e.nationality, "; ".join(e.phones or []), e.child_protection, e.get_distribution_display())
               for e in entities if e.is_person]
    others = [(e.ftm_id, e.get_schema_display(), e.caption, e.doc_type, e.doc_number, e.doc_country,
               e.get_distribution_display()) for e in entities if not e.is_person]
    link_rows = [(lk.get_kind_display(), lk.source.caption, lk.target.caption if lk.target_id else lk.value)
                 for lk in links]
    leg_rows = [(lg.order, lg.from_place, lg.from_country, lg.from_lat, lg.from_lon, lg.to_place, lg.to_country,
                 lg.to_lat, lg.to_lon, lg.get_means_display(), lg.departed_on, lg.arrived_on) for lg in legs]
    sheets = [
        (_("Caso"), [_("Campo"), _("Valor")], [
            (_("Referencia"), case.reference), (_("Título"), case.title), (_("Tipo"), case.get_case_type_display()),
            (_("Estado"), case.get_status_display()), (_("Resumen"), case.summary),
            (_("Evaluación"), f"{case.source_grade}{case.info_grade}"),
            (_("Códigos de manejo"), case.handling_codes())]),
        (_("Personas"), [_("Id FtM"), _("Función"), _("Función revisada"), _("Nombres"), _("Primer apellido"),
                         _("Segundo apellido"), _("Sexo"), _("Nacimiento"), _("Nacionalidad"), _("Teléfonos"),
                         _("Menor de edad"), _("Distribución")], persons),
        (_("Otras entidades"), [_("Id FtM"), _("Tipo"), _("Nombre"), _("Tipo de documento"), _("Número"),
                                _("País emisor"), _("Distribución")], others),
        (_("Vínculos"), [_("Vínculo"), _("Origen"), _("Destino")], link_rows),
        (_("Ruta"), [_("Orden"), _("Desde"), _("País"), _("Lat."), _("Lon."), _("Hasta"), _("País"), _("Lat."),
                     _("Lon."), _("Medio"), _("Salida"), _("Llegada")], leg_rows),
    ]
    return xlsx_response(f"caso-{slugify(case.reference)}.xlsx", sheets)


@login_required
def case_export_ftm(request, pk):
    case = _case_for_export(request.user, pk)
    entities, links = _case_entities_and_links(request.user, case, "export")
    rows = case_to_ftm(entities, links)
    log_event("export", user=request.user, obj=case, purpose=_purpose(request), detail={"format": "ftm", "entities": len(rows)})
    body = "\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="caso-{slugify(case.reference)}.ftm.json"'
    return response


# --- entities ------------------------------------------------------------------------------------------------------

@login_required
def entity_search(request):
    _perm(request.user, "cases.view_entity")
    q = request.GET.get("q", "").strip()[:200]
    rows = []
    if q:
        qs = Entity.objects.restrict(request.user, "search").select_related("case")
        rows = list(EntityFilter(request.GET, queryset=qs).qs.order_by("pk")[:200])
        audit_listing(request.user, Entity, [e.pk for e in rows], kind="search", query=q)
    return render(request, "cases/entity_search.html", {"q": q, "rows": rows})


@login_required
def entity_create(request, pk):
    case = access_case_by_id(request.user, pk, "change")
    initial = {"schema": request.GET.get("schema", Entity.Schema.PERSON)}
    form = EntityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        phones = data.pop("phones_text")
        try:
            entity = actions.do_add_entity(request.user, case, phones=phones, **data)
            for phone in phones:
                actions.do_add_link(request.user, case, kind=Link.Kind.USES_PHONE, source=entity, value=phone)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if entity.child_protection:
                messages.warning(request, _("Es una persona menor de edad: su registro queda restringido a su "
                                            "institución hasta una ampliación revisada."))
            else:
                messages.success(request, _("Entidad añadida al caso."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/entity_form.html", {"form": form, "case": case, "title": _("Nueva entidad")})


@login_required
def entity_detail(request, pk):
    entity = access_entity_by_id(request.user, pk, purpose=_purpose(request))
    user = request.user
    links = list(Link.objects.restrict(user, "view").filter(Q(source=entity) | Q(target=entity)).select_related(
        "source", "target"))
    # The other end of a link can be narrower than the link (a child's record): only ends the user may read.
    ends = {lk.source_id for lk in links} | {lk.target_id for lk in links if lk.target_id}
    visible = set(Entity.objects.restrict(user, "view").filter(pk__in=ends).values_list("pk", flat=True))
    links = [lk for lk in links if lk.source_id in visible and (lk.target_id is None or lk.target_id in visible)]
    return render(request, "cases/entity_detail.html", {
        "entity": entity, "links": links, "can_edit": can(user, entity, "change"),
        "can_share": can(user, entity, "share"), "can_delete": can(user, entity, "delete"),
        "can_review": entity.is_person and can(user, entity, "review_role"),
        "review_form": RoleReviewForm(initial={"role": entity.role})})


@login_required
def entity_edit(request, pk):
    entity = access_entity_by_id(request.user, pk, "change")
    form = EntityForm(request.POST or None, instance=entity)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("schema", "role")}
        data["phones"] = data.pop("phones_text")
        try:
            actions.do_update_entity(request.user, entity, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Entidad actualizada."))
            return redirect("cases:entity", pk=entity.pk)
    return render(request, "cases/entity_form.html", {"form": form, "case": entity.case, "entity": entity,
                                                      "title": _("Editar entidad")})


@login_required
@require_POST
def entity_review_role(request, pk):
    entity = access_entity_by_id(request.user, pk, "review_role")
    form = RoleReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.do_review_role(request.user, entity, role=form.cleaned_data["role"])
            messages.success(request, _("Función revisada y confirmada."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Elija una función válida."))
    return redirect("cases:entity", pk=entity.pk)


@login_required
def entity_sharing(request, pk):
    entity = access_entity_by_id(request.user, pk, "share")
    form_class = ChildWideningForm if entity.child_protection else SharingForm
    form = form_class(request.POST or None, initial={"distribution": entity.distribution}, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if entity.child_protection:
                actions.do_widen_child_record(request.user, entity, distribution=data["distribution"],
                                              sharing_group=data["sharing_group"], justification=data["justification"],
                                              confirmed=data["confirmed"])
            else:
                actions.do_change_entity_sharing(request.user, entity, distribution=data["distribution"],
                                                 sharing_group=data["sharing_group"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Distribución de la entidad actualizada."))
            return redirect("cases:entity", pk=entity.pk)
    return render(request, "cases/simple_form.html", {
        "form": form, "case": entity.case, "entity": entity,
        "title": _("Ampliación revisada (persona menor de edad)") if entity.child_protection
        else _("Distribución de la entidad")})


@login_required
@require_POST
def entity_delete(request, pk):
    entity = access_entity_by_id(request.user, pk, "delete")
    case_pk = entity.case_id
    try:
        actions.do_delete_entity(request.user, entity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:entity", pk=entity.pk)
    messages.success(request, _("Entidad eliminada."))
    return redirect("cases:detail", pk=case_pk)


# --- links and route legs ------------------------------------------------------------------------------------------

@login_required
def link_create(request, pk):
    case = access_case_by_id(request.user, pk, "change")
    entities = Entity.objects.restrict(request.user, "change").filter(case=case)
    form = LinkForm(request.POST or None, entities=entities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_link(request.user, case, kind=data["kind"], source=data["source"], target=data["target"],
                                value=data["value"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Vínculo añadido."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/simple_form.html", {"form": form, "case": case, "title": _("Nuevo vínculo")})


@login_required
@require_POST
def link_delete(request, pk):
    link = access_link_by_id(request.user, pk, "delete")
    case_pk = link.case_id
    actions.do_delete_link(request.user, link)
    messages.success(request, _("Vínculo eliminado."))
    return redirect("cases:detail", pk=case_pk)


@login_required
def leg_create(request, pk):
    case = access_case_by_id(request.user, pk, "change")
    next_order = RouteLeg.objects.restrict(request.user, "change").filter(case=case).count() + 1
    form = RouteLegForm(request.POST or None, initial={"order": next_order})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_route_leg(request.user, case, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Tramo de ruta añadido."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/simple_form.html", {"form": form, "case": case, "title": _("Nuevo tramo de ruta")})


@login_required
@require_POST
def leg_delete(request, pk):
    leg = access_routeleg_by_id(request.user, pk, "delete")
    case_pk = leg.case_id
    actions.do_delete_route_leg(request.user, leg)
    messages.success(request, _("Tramo eliminado."))
    return redirect("cases:detail", pk=case_pk)


# --- analysis ------------------------------------------------------------------------------------------------------

@login_required
def case_graph(request, pk):
    # One audited read for the page, with what the graph showed (not a second read event).
    case = Case.objects.restrict(request.user, "view").filter(pk=pk).first()
    if case is None:
        raise Http404
    linked = request.GET.get("vinculados") == "1"
    graph = analysis.case_graph(request.user, case, linked=linked)
    log_event("read", user=request.user, obj=case, purpose=_purpose(request),
              detail={"view": "graph", "linked": linked, "count": len(graph["nodes"])})
    return render(request, "cases/graph.html", {
        "case": case, "linked": linked, "graph": {"nodes": graph["nodes"], "edges": graph["edges"]},
        "linked_cases": graph["linked_cases"], "node_count": len(graph["nodes"]), "edge_count": len(graph["edges"])})


@login_required
def case_map(request, pk):
    case = access_case_by_id(request.user, pk, purpose=_purpose(request))
    legs = list(analysis.visible_legs(request.user, case))
    return render(request, "cases/map.html", {"case": case, "map": analysis.route_map(legs), "legs": legs})


@login_required
def region_map(request):
    _perm(request.user, "cases.view_routeleg")
    legs = list(RouteLegFilter(request.GET, queryset=analysis.visible_legs(request.user)).qs)
    return render(request, "cases/map.html", {"case": None, "map": analysis.route_map(legs), "legs": legs})


# --- imports -------------------------------------------------------------------------------------------------------

@login_required
def import_upload(request, pk):
    case = access_case_by_id(request.user, pk, "change")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = actions.do_upload_import(request.user, case, form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("cases:import", pk=batch.pk)
    return render(request, "cases/import_upload.html", {"form": form, "case": case})


def _mapping_from_post(post, header):
    return {target: post.get(f"map_{target}", "") for target in importing.TARGETS}


@login_required
def import_detail(request, pk):
    batch = access_importbatch_by_id(request.user, pk, "change")
    mapping_error = ""
    if request.method == "POST" and batch.status != ImportBatch.Status.IMPORTED:
        try:
            if batch.file_format != ImportBatch.Format.FTM:
                batch = actions.do_set_import_mapping(request.user, batch, _mapping_from_post(request.POST,
                                                                                             batch.header))
            # Issue 17: the import runs as a background task (inline under the tests' immediate backend).
            from .tasks import queue_import

            queue_import(request.user, batch)
            batch.refresh_from_db()
        except ValidationError as exc:
            mapping_error = " ".join(exc.messages)
        else:
            if batch.status == ImportBatch.Status.IMPORTED:
                messages.success(request, _("Importación completa: %(n)s registros creados. Revise las funciones "
                                            "de las personas importadas.") % {"n": batch.imported_count})
            if not request.htmx:
                return redirect("cases:import", pk=batch.pk)
    from enlace.core.uploads import read_decrypted

    preview = []
    if batch.status != ImportBatch.Status.IMPORTED:
        try:
            preview = importing.preview_rows(read_decrypted(batch.stored_path), batch.file_format)
        except ValidationError as exc:
            mapping_error = " ".join(exc.messages)
    targets = [{"key": k, "label": label, "selected": batch.mapping.get(k, "")}
               for k, (label, _syn) in importing.TARGETS.items()]
    if request.method == "POST" and mapping_error:
        posted = _mapping_from_post(request.POST, batch.header)
        for t in targets:
            t["selected"] = posted.get(t["key"], "")
    return render(request, "cases/import_detail.html", {"batch": batch, "case": batch.case, "preview": preview,
                                                        "targets": targets, "mapping_error": mapping_error,
                                                        "progress": importing.get_progress(batch.pk)},
                  status=400 if mapping_error and not request.htmx else 200)


@login_required
def import_progress(request, pk):
    # Polled every second while a batch runs: no audit write here (it would wait for the import's lock),
    # and it shows counts only.
    batch = ImportBatch.objects.restrict(request.user, "view").filter(pk=pk).first()
    if batch is None:
        raise Http404
    progress = importing.get_progress(batch.pk) or {"done": 0, "total": batch.total_rows, "state": ""}
    response = render(request, "cases/_import_progress.html", {"batch": batch, "progress": progress})
    if progress["state"] in ("done", "failed") and request.htmx:
        response["HX-Refresh"] = "true"  # the task finished: the page shows its result
    return response
