"""Every change to cases, entities, links, route legs and imports. Atomic and audited: one event each.

Every action re-reads its record through the policy first (``require(user, record, action)``): a
record the user may not change does not exist for them (404), whatever the caller passed in.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.sharing.access import require
from enlace.sharing.actions import check_onward_sharing, sharing_snapshot
from enlace.sharing.policy import Distribution, audience_of, has_model_permission

from .models import Case, Entity, ImportBatch, Link, ModusOperandiTag, RouteLeg

CASE_FIELDS = ("title", "case_type", "status", "summary", "opened_on", "closed_on", "facts_from", "facts_to",
               "source_grade", "info_grade", "allow_matching")
ENTITY_FIELDS = ("name", "given_names", "surname_1", "surname_2", "sex", "dob", "nationality", "phones",
                 "doc_type", "doc_number", "doc_country", "properties", "allow_matching")
LEG_FIELDS = ("order", "from_place", "from_country", "from_lat", "from_lon", "to_place", "to_country", "to_lat",
              "to_lon", "means", "departed_on", "arrived_on", "notes")
# A distribution's width, to compare "wider than" without a database round-trip.
WIDTH = {Distribution.INSTITUTION: 0, Distribution.COUNTRY: 1, Distribution.GROUP: 2, Distribution.NETWORK: 3,
         Distribution.PUBLIC: 4}
MIN_JUSTIFICATION = 20


def _snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def _next_reference(user) -> str:
    code = user.institution.country.code
    year = timezone.localdate().year
    prefix = f"{code}-{year}-"
    # The sequence runs over every case of the country and year, whoever may read them: a system read.
    existing = (Case.objects.unrestricted(reason="cases: next case reference (sequence number)")
                .filter(reference__startswith=prefix).values_list("reference", flat=True))
    numbers = [int(r.rsplit("-", 1)[-1]) for r in existing if r.rsplit("-", 1)[-1].isdigit()]
    return f"{prefix}{(max(numbers) + 1) if numbers else 1:04d}"


# --- cases ---------------------------------------------------------------------------------------------------------

@transaction.atomic
def do_create_case(user, *, title: str, case_type: str, tags=(), distribution: str = Distribution.INSTITUTION,
                   sharing_group=None, handling: dict | None = None, **fields) -> Case:
    """Register a case owned by the user's institution (``institution`` distribution unless chosen)."""
    if not user.has_perm("cases.add_case") or user.institution_id is None:
        raise Http404
    if distribution == Distribution.PUBLIC:
        raise ValidationError({"distribution": _("Los datos personales nunca pueden ser públicos.")})
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise ValueError(f"unknown case fields: {sorted(unknown)}")
    case = Case(owner_institution=user.institution, created_by=user, reference=_next_reference(user), title=title,
                case_type=case_type, distribution=distribution, sharing_group=sharing_group, **fields)
    for key, value in (handling or {}).items():
        setattr(case, key, value)
    case.clean_sharing()
    case.full_clean(exclude=["tags", "owner_institution", "created_by", "sharing_group"])
    case.save()
    case.tags.set(tags)
    log_event("write", user=user, obj=case, after={**_snapshot(case, CASE_FIELDS), **sharing_snapshot(case),
                                                   "reference": case.reference,
                                                   "tags": sorted(t.code for t in case.tags.all())})
    return case


@transaction.atomic
def do_update_case(user, case: Case, *, tags=None, **fields) -> Case:
    """Change the facts of a case (owner institution)."""
    case = require(user, case, "change")
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise ValueError(f"unknown case fields: {sorted(unknown)}")
    before = {**_snapshot(case, CASE_FIELDS), "tags": sorted(t.code for t in case.tags.all())}
    for key, value in fields.items():
        setattr(case, key, value)
    case.full_clean(exclude=["tags", "owner_institution", "created_by", "sharing_group"])
    # Only the fields that changed: the matching check listens for ``allow_matching`` and ``status``.
    changed = [key for key in CASE_FIELDS if before[key] != getattr(case, key)]
    case.save(update_fields=[*changed, "updated_at"])
    if tags is not None:
        case.tags.set(tags)
    log_event("write", user=user, obj=case, before=before,
              after={**_snapshot(case, CASE_FIELDS), "tags": sorted(t.code for t in case.tags.all())})
    return case


@transaction.atomic
def do_set_case_matching(user, case: Case, *, allow: bool) -> Case:
    """The owner decides whether the case's persons take part in hit/no-hit matching."""
    case = require(user, case, "change")
    before = {"allow_matching": case.allow_matching}
    case.allow_matching = bool(allow)
    case.save(update_fields=["allow_matching", "updated_at"])
    log_event("write", user=user, obj=case, before=before, after={"allow_matching": case.allow_matching})
    return case


CHILD_MODELS = (Entity, Link, RouteLeg, ImportBatch)
HANDLING_KEYS = ("handling_intelligence_only", "handling_no_judicial_use", "handling_no_onward_sharing",
                 "handling_other")


@transaction.atomic
def do_change_case_sharing(user, case: Case, *, distribution: str, sharing_group=None,
                           handling: dict | None = None) -> Case:
    """Re-share a case; its child records follow, except records narrowed on purpose and records of children.

    Records that do not follow are never left wider than the case (a child narrows, never widens).
    One audit event, on the case, naming the children that followed and those narrowed.
    """
    case = require(user, case, "share")
    # The children are re-shared through the policy too: a role that could re-share the case but not its
    # children would leave them wider than the case, so it may not re-share the case at all.
    if not all(has_model_permission(user, model, "share") for model in CHILD_MODELS):
        raise Http404
    if distribution == Distribution.PUBLIC:
        raise ValidationError({"distribution": _("Los datos personales nunca pueden ser públicos.")})
    check_onward_sharing(case, distribution, sharing_group)  # shared under an agreement or team: stays inside
    before = sharing_snapshot(case)
    case.distribution = distribution
    case.sharing_group = sharing_group
    for key, value in (handling or {}).items():
        if key not in HANDLING_KEYS:
            raise ValueError(key)
        setattr(case, key, value)
    case.clean_sharing()
    case.save(update_fields=["distribution", "sharing_group", *HANDLING_KEYS, "updated_at"])
    parent_audience = audience_of(case)
    detail = {}
    followed = clamped = 0
    for model in CHILD_MODELS:
        # Every child of a case belongs to the case's owner institution, so the owner's "share" reaches
        # all of them (the policy, not a read around it).
        changed = []
        for child in model.objects.restrict(user, "share").filter(case=case).select_related("sharing_group"):
            if getattr(child, "follows_case", False) and not getattr(child, "child_protection", False):
                child.distribution, child.sharing_group = case.distribution, case.sharing_group
                followed += 1
            elif not audience_of(child).within(parent_audience):
                child.distribution, child.sharing_group = Distribution.INSTITUTION, None
                clamped += 1
            else:
                continue
            for key in HANDLING_KEYS:
                setattr(child, key, getattr(case, key))
            child.save()
            changed.append(child.pk)
        if changed:
            detail[f"{model._meta.model_name}_ids"] = changed[:1000]
    log_event("sharing", user=user, obj=case, before=before, after=sharing_snapshot(case),
              detail={**detail, "count": followed + clamped})
    return case


# --- entities ------------------------------------------------------------------------------------------------------

def _validate_entity(entity: Entity) -> None:
    errors = {}
    if entity.schema not in Entity.Schema.values:
        errors["schema"] = _("Tipo de entidad desconocido.")
    if entity.is_person:
        if not entity.role:
            errors["role"] = _("Indique la función de la persona en el caso (nunca se asume «sospechosa»).")
        elif entity.role not in Entity.Role.values:
            errors["role"] = _("Función desconocida.")
        if not (entity.given_names or entity.surname_1 or entity.name):
            errors["surname_1"] = _("Indique al menos un nombre o un apellido.")
    elif not (entity.name or entity.doc_number):
        errors["name"] = _("Indique un nombre o un número.")
    if entity.role and not entity.is_person:
        entity.role = ""
    if errors:
        raise ValidationError(errors)
    entity.full_clean(exclude=["case", "owner_institution", "created_by", "sharing_group", "role_reviewed_by"],
                      validate_unique=False)


def _default_child_sharing(record, case: Case, *, minor: bool, distribution: str | None, sharing_group) -> None:
    if minor:
        # Children's records: the strictest distribution by default, never following the case.
        record.distribution, record.sharing_group = Distribution.INSTITUTION, None
        record.follows_case = False
        record.child_protection = True
    elif distribution is None or (distribution == case.distribution and sharing_group == case.sharing_group):
        record.distribution, record.sharing_group = case.distribution, case.sharing_group
        record.follows_case = True
    else:
        record.distribution, record.sharing_group = distribution, sharing_group
        record.follows_case = False
    for key in ("handling_intelligence_only", "handling_no_judicial_use", "handling_no_onward_sharing",
                "handling_other"):
        setattr(record, key, getattr(case, key))


def _person_is_protected(entity: Entity) -> bool:
    return entity.is_person and entity.is_minor


def _entity_after(entity: Entity) -> dict:
    return {"schema": entity.schema, "ftm_id": entity.ftm_id, "role": entity.role,
            "role_reviewed": entity.role_reviewed, **_snapshot(entity, ENTITY_FIELDS), **sharing_snapshot(entity),
            "child_protection": entity.child_protection}


def _create_entity(user, case: Case, *, schema: str, role: str = "", role_reviewed: bool = True,
                   ftm_id: str = "", distribution: str | None = None, sharing_group=None, minor_owner=None,
                   **fields) -> Entity:
    """Create one entity of ``case`` (already checked by the calling action, which writes the audit event)."""
    unknown = set(fields) - set(ENTITY_FIELDS)
    if unknown:
        raise ValueError(f"unknown entity fields: {sorted(unknown)}")
    entity = Entity(case=case, owner_institution=case.owner_institution, created_by=user, schema=schema, role=role,
                    ftm_id=ftm_id or f"enlace-{uuid.uuid4().hex}", **fields)
    if entity.is_person and role:
        entity.role_reviewed = role_reviewed
        if role_reviewed:
            entity.role_reviewed_by, entity.role_reviewed_at = user, timezone.now()
    _validate_entity(entity)
    minor = _person_is_protected(entity) or bool(minor_owner and minor_owner.child_protection)
    _default_child_sharing(entity, case, minor=minor, distribution=distribution, sharing_group=sharing_group)
    entity.clean_sharing()
    entity.save()
    return entity


@transaction.atomic
def do_add_entity(user, case: Case, *, schema: str, role: str = "", distribution: str | None = None,
                  sharing_group=None, **fields) -> Entity:
    """Add an entity to a case. A person needs an explicit role; a child's record starts at ``institution``."""
    case = require(user, case, "change")
    entity = _create_entity(user, case, schema=schema, role=role, role_reviewed=True, distribution=distribution,
                            sharing_group=sharing_group, **fields)
    log_event("write", user=user, obj=entity, after=_entity_after(entity), detail={"case_id": case.pk})
    return entity


@transaction.atomic
def do_update_entity(user, entity: Entity, **fields) -> Entity:
    """Change an entity's facts. A person found to be a child is narrowed at once, with its links and the
    documents it holds (one audit event, naming the records narrowed with it)."""
    entity = require(user, entity, "change")
    unknown = set(fields) - set(ENTITY_FIELDS)
    if unknown:
        raise ValueError(f"unknown entity fields: {sorted(unknown)}")
    before = _entity_after(entity)
    for key, value in fields.items():
        setattr(entity, key, value)
    _validate_entity(entity)
    detail = {}
    if _person_is_protected(entity) and not entity.child_protection:
        if not (has_model_permission(user, Link, "share") and has_model_permission(user, Entity, "share")):
            raise Http404  # the child's links and documents could not be narrowed with it
        # Became (or was found to be) a child: narrow at once, with everything that names the child.
        _protect(entity)
        links = list(Link.objects.restrict(user, "share").filter(Q(source=entity) | Q(target=entity)))
        docs = Entity.objects.restrict(user, "share").filter(pk__in=[
            lk.target_id for lk in links if lk.kind == Link.Kind.HOLDS_DOCUMENT and lk.source_id == entity.pk])
        for record in [*links, *docs]:
            _protect(record)
            record.save()
        detail = {"link_ids": [lk.pk for lk in links], "entity_ids": [d.pk for d in docs], "child_protection": True}
    entity.save()
    log_event("write", user=user, obj=entity, before=before, after=_entity_after(entity), detail=detail)
    return entity


def _protect(record) -> None:
    """A child's record (or a record naming a child): its own institution only, never following the case."""
    record.child_protection, record.follows_case = True, False
    record.distribution, record.sharing_group = Distribution.INSTITUTION, None


@transaction.atomic
def do_review_role(user, entity: Entity, *, role: str) -> Entity:
    """Confirm (or correct) a person's role in the case. Recorded with who reviewed it and when."""
    entity = require(user, entity, "review_role")
    if not entity.is_person:
        raise ValidationError({"role": _("Solo las personas tienen una función en el caso.")})
    if role not in Entity.Role.values:
        raise ValidationError({"role": _("Función desconocida.")})
    before = {"role": entity.role, "role_reviewed": entity.role_reviewed}
    entity.role, entity.role_reviewed = role, True
    entity.role_reviewed_by, entity.role_reviewed_at = user, timezone.now()
    entity.save(update_fields=["role", "role_reviewed", "role_reviewed_by", "role_reviewed_at", "updated_at"])
    log_event("write", user=user, obj=entity, before=before, after={"role": role, "role_reviewed": True})
    return entity


@transaction.atomic
def do_change_entity_sharing(user, entity: Entity, *, distribution: str, sharing_group=None,
                             justification: str = "") -> Entity:
    """Narrow an entity below its case, or put it back in line with the case.

    Records of children cannot go beyond ``country`` here; that needs ``do_widen_child_record``.
    """
    entity = require(user, entity, "share")
    if entity.child_protection and WIDTH.get(distribution, 9) > WIDTH[Distribution.COUNTRY]:
        raise ValidationError({"distribution": _(
            "Es el registro de una persona menor de edad: para compartirlo más allá de su país use la ampliación "
            "revisada, con su justificación.")})
    before = _set_child_sharing(entity, distribution, sharing_group)
    log_event("sharing", user=user, obj=entity, before=before, after=sharing_snapshot(entity),
              purpose=justification[:300], detail={"reviewed_widening": False})
    return entity


@transaction.atomic
def do_widen_child_record(user, entity: Entity, *, distribution: str, sharing_group=None, justification: str,
                          confirmed: bool) -> Entity:
    """The explicit, reviewed action that widens the record of a child beyond the country."""
    entity = require(user, entity, "share")
    if not entity.child_protection:
        raise ValidationError({"distribution": _("Este registro no está protegido como registro de menor de edad.")})
    if not confirmed:
        raise ValidationError({"confirmed": _("Confirme que revisó el interés superior de la niña, niño o "
                                              "adolescente antes de ampliar la distribución.")})
    if len((justification or "").strip()) < MIN_JUSTIFICATION:
        raise ValidationError({"justification": _("Explique el motivo (al menos %(n)s caracteres).")
                               % {"n": MIN_JUSTIFICATION}})
    before = _set_child_sharing(entity, distribution, sharing_group)
    log_event("sharing", user=user, obj=entity, before=before, after=sharing_snapshot(entity),
              purpose=justification[:300], detail={"reviewed_widening": True})
    return entity


def _set_child_sharing(record, distribution, sharing_group) -> dict:
    """Set a child record's distribution (never wider than its case); returns the sharing before."""
    if distribution == Distribution.PUBLIC:
        raise ValidationError({"distribution": _("Los datos personales nunca pueden ser públicos.")})
    before = sharing_snapshot(record)
    record.distribution, record.sharing_group = distribution, sharing_group
    record.clean_sharing()  # refuses anything wider than the case
    record.follows_case = (not getattr(record, "child_protection", False)
                           and distribution == record.case.distribution
                           and sharing_group == record.case.sharing_group)
    record.save()
    return before


@transaction.atomic
def do_delete_entity(user, entity: Entity) -> None:
    """Delete an entity (and its links). Refused while data of it was released after a hit."""
    entity = require(user, entity, "delete")
    before = _entity_after(entity)
    log_event("write", user=user, obj=entity, before=before, after=None, detail={"deleted": True})
    try:
        with transaction.atomic():
            entity.delete()
    except models.ProtectedError:
        raise ValidationError(_("No se puede eliminar: datos de esta persona se compartieron tras una "
                                "coincidencia.")) from None


# --- links ---------------------------------------------------------------------------------------------------------

LINK_RULES = {
    Link.Kind.ASSOCIATE: ({"Person"}, {"Person"}),
    Link.Kind.MEMBER_OF: ({"Person", "Organization"}, {"Organization"}),
    Link.Kind.PAID: ({"Person", "Organization", "BankAccount"}, {"Person", "Organization", "BankAccount"}),
    Link.Kind.TRAVELLED_WITH: ({"Person"}, {"Person", "Vehicle", "Vessel"}),
    Link.Kind.USES_PHONE: ({"Person", "Organization"}, set()),
    Link.Kind.HOLDS_DOCUMENT: ({"Person"}, {"Identification", "Passport"}),
}


def _create_link(user, case: Case, *, kind: str, source: Entity, target: Entity | None = None, value: str = "",
                 details: dict | None = None, ftm_id: str = "") -> Link:
    """Create one link of ``case`` (entities already checked by the calling action, which writes the audit
    event). A child's document is narrowed with the link that says the child holds it."""
    if kind not in Link.Kind.values:
        raise ValidationError({"kind": _("Tipo de vínculo desconocido.")})
    if source.case_id != case.pk or (target is not None and target.case_id != case.pk):
        raise ValidationError({"target": _("Las dos entidades deben pertenecer al mismo caso.")})
    sources, targets = LINK_RULES[kind]
    if source.schema not in sources:
        raise ValidationError({"source": _("Este tipo de vínculo no admite ese origen.")})
    if kind == Link.Kind.USES_PHONE:
        from .validation import CellError, clean_phone

        try:
            value = clean_phone(value)
        except CellError as exc:
            raise ValidationError({"value": str(exc)}) from None
        if not value:
            raise ValidationError({"value": _("Indique el número de teléfono.")})
        target = None
    else:
        if target is None or target.schema not in targets:
            raise ValidationError({"target": _("Este tipo de vínculo no admite ese destino.")})
        if target.pk == source.pk:
            raise ValidationError({"target": _("Una entidad no puede vincularse consigo misma.")})
        value = ""
    link = Link(case=case, owner_institution=case.owner_institution, created_by=user, kind=kind, source=source,
                target=target, value=value, details=details or {}, ftm_id=ftm_id or f"enlace-{uuid.uuid4().hex}")
    minor = source.child_protection or bool(target and target.child_protection)
    _default_child_sharing(link, case, minor=minor, distribution=None, sharing_group=None)
    link.clean_sharing()
    link.save()
    if kind == Link.Kind.USES_PHONE and value not in (source.phones or []):
        source.phones = [*(source.phones or []), value]
        source.save(update_fields=["phones", "updated_at"])
    if kind == Link.Kind.HOLDS_DOCUMENT and source.child_protection and not target.child_protection:
        # A child's document names the child: it is narrowed with the link.
        _protect(target)
        target.save()
    return link


@transaction.atomic
def do_add_link(user, case: Case, *, kind: str, source: Entity, target: Entity | None = None, value: str = "",
                details: dict | None = None) -> Link:
    """Link two entities of a case (or a person and a phone number); both ends re-read for the owner."""
    case = require(user, case, "change")
    source = require(user, source, "change")
    target = require(user, target, "change") if target is not None else None
    link = _create_link(user, case, kind=kind, source=source, target=target, value=value, details=details)
    detail = {"entity_ids": [link.target_id], "child_protection": True} if (
        link.kind == Link.Kind.HOLDS_DOCUMENT and source.child_protection) else {}
    log_event("write", user=user, obj=link, after={"kind": link.kind, "source_id": link.source_id,
                                                   "target_id": link.target_id, "value": link.value,
                                                   **sharing_snapshot(link)}, detail=detail)
    return link


@transaction.atomic
def do_delete_link(user, link: Link) -> None:
    """Delete a link of a case (owner institution)."""
    link = require(user, link, "delete")
    log_event("write", user=user, obj=link, before={"kind": link.kind, "source": link.source_id,
                                                    "target": link.target_id, "value": link.value}, after=None)
    link.delete()


# --- route legs ----------------------------------------------------------------------------------------------------

@transaction.atomic
def do_add_route_leg(user, case: Case, **fields) -> RouteLeg:
    """Add a leg to the route of a case; it follows the case's distribution."""
    case = require(user, case, "change")
    unknown = set(fields) - set(LEG_FIELDS)
    if unknown:
        raise ValueError(f"unknown route leg fields: {sorted(unknown)}")
    leg = RouteLeg(case=case, owner_institution=case.owner_institution, created_by=user, **fields)
    _validate_leg(leg)
    _default_child_sharing(leg, case, minor=False, distribution=None, sharing_group=None)
    leg.clean_sharing()
    leg.save()
    log_event("write", user=user, obj=leg, after={**_snapshot(leg, LEG_FIELDS), **sharing_snapshot(leg)})
    return leg


def _validate_leg(leg: RouteLeg) -> None:
    errors = {}
    for prefix in ("from", "to"):
        lat, lon = getattr(leg, f"{prefix}_lat"), getattr(leg, f"{prefix}_lon")
        if (lat is None) != (lon is None):
            errors[f"{prefix}_lat"] = _("Indique latitud y longitud, o ninguna de las dos.")
        if lat is not None and not -90 <= lat <= 90:
            errors[f"{prefix}_lat"] = _("La latitud debe estar entre -90 y 90.")
        if lon is not None and not -180 <= lon <= 180:
            errors[f"{prefix}_lon"] = _("La longitud debe estar entre -180 y 180.")
    if leg.departed_on and leg.arrived_on and leg.arrived_on < leg.departed_on:
        errors["arrived_on"] = _("La llegada no puede ser anterior a la salida.")
    if errors:
        raise ValidationError(errors)
    leg.full_clean(exclude=["case", "owner_institution", "created_by", "sharing_group"])


@transaction.atomic
def do_delete_route_leg(user, leg: RouteLeg) -> None:
    """Delete a leg of the route of a case (owner institution)."""
    leg = require(user, leg, "delete")
    log_event("write", user=user, obj=leg, before=_snapshot(leg, LEG_FIELDS), after=None)
    leg.delete()


# --- imports -------------------------------------------------------------------------------------------------------

@transaction.atomic
def do_upload_import(user, case: Case, upload) -> ImportBatch:
    """Check and store (encrypted) an uploaded file; read its header for the preview. Nothing is imported yet."""
    from enlace.core.uploads import store_encrypted

    from . import importing

    case = require(user, case, "change")
    parsed = importing.inspect_upload(upload)  # raises ValidationError with a clear message
    rel, digest, size = store_encrypted(upload)
    batch = ImportBatch(case=case, owner_institution=case.owner_institution, created_by=user,
                        distribution=Distribution.INSTITUTION, file_name=(upload.name or "archivo")[:255],
                        file_format=parsed.file_format, stored_path=rel, sha256=digest, size=size,
                        header=parsed.header, mapping=importing.guess_mapping(parsed.header),
                        total_rows=parsed.total_rows)
    batch.clean_sharing()
    batch.save()
    log_event("write", user=user, obj=batch, after={"file_name": batch.file_name, "format": batch.file_format,
                                                    "sha256": digest, "size": size, "rows": batch.total_rows})
    return batch


@transaction.atomic
def do_set_import_mapping(user, batch: ImportBatch, mapping: dict) -> ImportBatch:
    """Choose which column of the file feeds which field (before running the import)."""
    from . import importing

    batch = require(user, batch, "change")
    if batch.status == ImportBatch.Status.IMPORTED:
        raise ValidationError(_("Esta importación ya se realizó."))
    clean = importing.clean_mapping(mapping, batch.header)
    before = {"mapping": batch.mapping}
    batch.mapping = clean
    batch.save(update_fields=["mapping", "updated_at"])
    log_event("write", user=user, obj=batch, before=before, after={"mapping": clean})
    return batch


@transaction.atomic
def do_run_import(user, batch: ImportBatch, *, progress=None) -> ImportBatch:
    """Validate every line, then import all of it — or nothing, with line-level errors.

    The rows are written in a savepoint that is rolled back on the first error; the batch's outcome is
    kept either way. One audit event for the whole import, naming the records it created.
    """
    from enlace.core.uploads import read_decrypted

    from . import importing

    batch = require(user, batch, "change")
    if batch.status == ImportBatch.Status.IMPORTED:
        raise ValidationError(_("Esta importación ya se realizó."))
    data = read_decrypted(batch.stored_path)
    errors: list[dict] = []
    made: dict[str, list[int]] = {"entity_ids": [], "link_ids": []}

    def create_entity(*args, **kwargs):
        entity = _create_entity(*args, **kwargs)
        made["entity_ids"].append(entity.pk)
        return entity

    def create_link(*args, **kwargs):
        link = _create_link(*args, **kwargs)
        made["link_ids"].append(link.pk)
        return link

    created = 0
    try:
        with transaction.atomic():
            case = batch.case
            rows = importing.parse_rows(data, batch.file_format, batch.mapping, errors)
            if not errors:
                created = importing.apply_rows(user, case, rows, errors, create_entity=create_entity,
                                               create_link=create_link, progress=progress)
            if errors:
                raise importing.ImportFailed
    except importing.ImportFailed:
        created = 0
        made = {"entity_ids": [], "link_ids": []}
    before = {"status": batch.status}
    batch.errors = errors[:1000]
    batch.status = ImportBatch.Status.FAILED if errors else ImportBatch.Status.IMPORTED
    batch.imported_count = created
    batch.finished_at = timezone.now()
    batch.save(update_fields=["errors", "status", "imported_count", "finished_at", "updated_at"])
    log_event("import", user=user, obj=batch, before=before,
              after={"status": batch.status, "created": created, "count": len(errors)},
              detail={"case_id": batch.case_id, "entity_ids": made["entity_ids"][:5000],
                      "link_ids": made["link_ids"][:5000]})
    return batch


# --- reference data ------------------------------------------------------------------------------------------------

@transaction.atomic
def do_ensure_vocabulary() -> int:
    """Add the modus operandi tags that are missing; never remove or rename what the ST added (system)."""
    from .vocabulary import MODUS_OPERANDI

    existing = set(ModusOperandiTag.objects.values_list("code", flat=True))
    new = [ModusOperandiTag(code=code, name_es=es, name_en=en, order=order * 10)
           for order, (code, es, en) in enumerate(MODUS_OPERANDI, start=1) if code not in existing]
    if new:
        ModusOperandiTag.objects.bulk_create(new)
        log_event("write", object_type="cases.modusoperanditag", after={"created": len(new)},
                  detail={"ids": [t.code for t in new]})
    return len(new)
