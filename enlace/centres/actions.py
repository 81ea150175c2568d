"""Every change to the centres app: atomic, audited (one event each), and the only place that writes.

Reads inside actions go through the policy (``require``); system reads (identity candidates,
figures computed from the register, the child-protection focal point to notify) through
``unrestricted(reason=...)``.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.cases.validation import iso3_codes
from enlace.notifications.actions import do_notify
from enlace.sharing.access import require
from enlace.sharing.policy import Distribution

from . import choices, figures, identity
from .models import (Belonging, CareRecord, Centre, CrisisLevel, FigureSet, Incident, PracticeNote, Standard, Stay,
                     pack, unpack)

BIOMETRIC_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:._-]{2,63}$")
MAX_REFS = 10


def _need(user, perm: str) -> None:
    if not user.has_perm(perm) or not user.institution_id:
        raise PermissionDenied(_("No tiene permiso para esta acción."))


def _codes(values, allowed, field: str) -> list[str]:
    allowed = {c for c, _l in allowed}
    out = []
    for v in values or []:
        v = str(v).strip()
        if v and v not in allowed:
            raise ValidationError({field: _("Valor desconocido: «%(v)s».") % {"v": v[:40]}})
        if v and v not in out:
            out.append(v)
    return out


def clean_nationality(value) -> str:
    code = str(value or "").strip().upper()
    if not code:
        raise ValidationError({"nationality": _("Indique la nacionalidad.")})
    if code not in iso3_codes():
        raise ValidationError({"nationality": _("Código de nacionalidad desconocido «%(v)s»: use ISO 3166-1 alfa-3, "
                                                "p. ej. GTM, HND, HTI.") % {"v": code[:10]}})
    return code


def _clean_refs(refs) -> list[str]:
    """Biometric *reference ids* only: short identifiers of a record kept in the national biometric
    system. Anything that looks like raw data (long, binary, base64 templates) is refused."""
    refs = [str(r).strip() for r in (refs or []) if str(r).strip()]
    if len(refs) > MAX_REFS:
        raise ValidationError({"biometric_refs": _("Como máximo %(n)s referencias.") % {"n": MAX_REFS}})
    for r in refs:
        if not BIOMETRIC_REF.match(r):
            raise ValidationError({"biometric_refs": _(
                "Solo se guardan identificadores de referencia (3 a 64 letras, cifras, «:», «.», «_» o «-»), "
                "nunca datos biométricos.")})
    return refs


def _clean_documents(docs) -> list[dict]:
    out = []
    for d in docs or []:
        if isinstance(d, str):
            d = {"type": d}
        if not isinstance(d, dict):
            raise ValidationError({"documents_seen": _("Cada documento es un objeto con tipo, número y país.")})
        out.append({"type": str(d.get("type") or "")[:60], "number": str(d.get("number") or "")[:100],
                    "country": str(d.get("country") or "")[:3].upper()})
    return out[:20]


# --- reference data -------------------------------------------------------------------------------------

@transaction.atomic
def do_ensure_standards() -> int:
    """Add the regional standards that are missing; never change what the ST edited (system)."""
    from .standards import STANDARDS

    existing = set(Standard.objects.values_list("code", flat=True))
    new = [Standard(code=code, area=area, text_es=es, text_en=en, order=i * 10)
           for i, (code, area, es, en) in enumerate(STANDARDS, start=1) if code not in existing]
    Standard.objects.bulk_create(new)
    log_event("write", object_type="centres.standard", after={"created": len(new)},
              detail={"ids": [s.code for s in new]})
    return len(new)


@transaction.atomic
def do_save_standard(user, *, code: str, area: str, text_es: str, text_en: str, active: bool = True) -> Standard:
    """The ST adds or edits an item of the regional checklist."""
    _need(user, "centres.change_standard")
    from enlace.sharing.policy import is_secretariat

    if not is_secretariat(user):
        raise PermissionDenied(_("Solo la Secretaría Técnica mantiene la lista de estándares."))
    if area not in Standard.Area.values:
        raise ValidationError({"area": _("Ámbito desconocido.")})
    std, created = Standard.objects.update_or_create(code=code, defaults={
        "area": area, "text_es": text_es[:300], "text_en": text_en[:300], "active": active})
    log_event("write", user=user, obj=std, detail={"created": created, "code": code, "active": active})
    return std


# --- centres --------------------------------------------------------------------------------------------

CENTRE_FIELDS = ("name", "centre_type", "place", "lat", "lon", "capacity_men", "capacity_women", "capacity_families",
                 "capacity_children", "active")


def _apply_centre(centre: Centre, data: dict) -> None:
    for f in CENTRE_FIELDS:
        if f in data:
            setattr(centre, f, data[f])
    if "services" in data:
        centre.services = pack(_codes(data["services"], choices.SERVICES, "services"))
    if centre.centre_type not in dict(choices.CENTRE_TYPES):
        raise ValidationError({"centre_type": _("Tipo de centro desconocido.")})
    if not (centre.name or "").strip():
        raise ValidationError({"name": _("Indique el nombre del centro.")})
    if (centre.lat is None) != (centre.lon is None):
        raise ValidationError({"lat": _("Indique latitud y longitud, o ninguna.")})
    if centre.lat is not None and not (-90 <= centre.lat <= 90 and -180 <= centre.lon <= 180):
        raise ValidationError({"lat": _("Coordenadas fuera de rango.")})
    if "thresholds" in data:
        centre.thresholds = clean_thresholds(data["thresholds"])
    if "escalation_plan" in data:
        centre.escalation_plan = clean_plan(data["escalation_plan"])


def clean_thresholds(raw) -> dict:
    out = {}
    for level in ("2", "3", "4"):
        row = (raw or {}).get(level) or (raw or {}).get(int(level)) or {}
        try:
            occ = int(row.get("occupancy", choices.DEFAULT_THRESHOLDS[level]["occupancy"]))
            inc = int(row.get("incidents", choices.DEFAULT_THRESHOLDS[level]["incidents"]))
        except (TypeError, ValueError, AttributeError):
            raise ValidationError({"thresholds": _("Los umbrales son números enteros.")}) from None
        if occ < 0 or inc < 0:
            raise ValidationError({"thresholds": _("Los umbrales son números enteros.")})
        out[level] = {"occupancy": occ, "incidents": inc}
    if not (out["2"]["occupancy"] <= out["3"]["occupancy"] <= out["4"]["occupancy"]):
        raise ValidationError({"thresholds": _("Los umbrales de ocupación deben crecer con el nivel.")})
    return out


def clean_plan(raw) -> dict:
    out = {}
    for level in ("1", "2", "3", "4"):
        row = (raw or {}).get(level) or (raw or {}).get(int(level)) or {}
        if not isinstance(row, dict):
            raise ValidationError({"escalation_plan": _("El plan indica, por nivel, a quién se avisa y qué se hace.")})
        out[level] = {"who": str(row.get("who") or "")[:1000], "what": str(row.get("what") or "")[:2000]}
    return out


@transaction.atomic
def do_create_centre(user, *, distribution: str = Distribution.INSTITUTION, sharing_group=None, coordinators=(),
                     **data) -> Centre:
    """Register a centre of the user's institution."""
    _need(user, "centres.add_centre")
    centre = Centre(owner_institution=user.institution, created_by=user, distribution=distribution,
                    sharing_group=sharing_group)
    _apply_centre(centre, data)
    centre.clean_sharing()
    centre.save()
    _set_coordinators(user, centre, coordinators)
    log_event("write", user=user, obj=centre, after={"centre_type": centre.centre_type, "capacity": centre.capacity,
                                                     "distribution": centre.distribution})
    return centre


def _set_coordinators(user, centre, contacts) -> None:
    from enlace.directory.policy import authorised_contacts_for

    ids = [getattr(c, "pk", c) for c in contacts or []]
    found = list(authorised_contacts_for(user).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"coordinators": _("Elija contactos autorizados y vigentes del directorio.")})
    centre.coordinators.set(found)


@transaction.atomic
def do_update_centre(user, centre: Centre, *, coordinators=None, **data) -> Centre:
    """Change a centre's facts (capacity, services, thresholds, escalation plan, contacts)."""
    centre = require(user, centre, "change")
    before = {"capacity": centre.capacity, "centre_type": centre.centre_type}
    _apply_centre(centre, data)
    centre.save()
    if coordinators is not None:
        _set_coordinators(user, centre, coordinators)
    log_event("write", user=user, obj=centre, before=before, after={"capacity": centre.capacity,
                                                                    "centre_type": centre.centre_type})
    return centre


@transaction.atomic
def do_set_centre_standards(user, centre: Centre, standards) -> Centre:
    """Tick the regional standards a centre meets (its institution or the ST)."""
    centre = require(user, centre, "standards")
    ids = [getattr(s, "pk", s) for s in standards]
    found = list(Standard.objects.filter(pk__in=ids, active=True))
    before = sorted(centre.standards_met.values_list("code", flat=True))
    centre.standards_met.set(found)
    log_event("write", user=user, obj=centre, before={"standards": before},
              after={"standards": sorted(s.code for s in found)})
    return centre


# --- stays ----------------------------------------------------------------------------------------------

def _open_count(centre) -> int:
    return Stay.objects.unrestricted(reason="centre capacity check at entry").filter(
        centre=centre, exit_date__isnull=True).count()


def _check_band(stay: Stay) -> None:
    age = stay.age_on(stay.entry_date)
    if age is None:
        return
    if age < 0:
        raise ValidationError({"dob": _("La fecha de nacimiento es posterior a la fecha de ingreso.")})
    if stay.age_band == "adult" and age < 18:
        raise ValidationError({"age_band": _("La persona tiene %(age)s años según su fecha de nacimiento: no es "
                                             "una persona adulta.") % {"age": age}})
    if stay.age_band in ("child", "unaccompanied") and age >= 18:
        raise ValidationError({"age_band": _("La persona tiene %(age)s años según su fecha de nacimiento: no es "
                                             "menor de edad.") % {"age": age}})


IDENTITY_FIELDS = ("given_names", "surname_1", "surname_2", "sex", "dob", "doc_type", "doc_number",
                   "identity_verified", "verified_given_names", "verified_surname_1", "verified_surname_2",
                   "verified_dob", "verified_how", "allow_matching")


def _apply_stay(stay: Stay, data: dict) -> None:
    for f in ("entry_date", "entry_place", "entry_mode", "age_band", "care_notes", "profile", *IDENTITY_FIELDS):
        if f in data:
            value = data[f]
            if isinstance(value, str):
                value = value.strip()
            setattr(stay, f, value)
    if "nationality" in data:
        stay.nationality = clean_nationality(data["nationality"])
    if "documents_seen" in data:
        stay.documents_seen = _clean_documents(data["documents_seen"])
    if "biometric_refs" in data:
        stay.biometric_refs = _clean_refs(data["biometric_refs"])
    if "vulnerabilities" in data:
        codes = _codes(data["vulnerabilities"], choices.VULNERABILITIES, "vulnerabilities")
        codes.sort(key=choices.VULNERABILITY_CODES.index)
        stay.vulnerabilities = pack(codes)
    if "care_decision" in data:
        stay.care_decision = pack(_codes(data["care_decision"], choices.CARE_DECISIONS, "care_decision"))
    errors = {}
    if not stay.entry_date:
        errors["entry_date"] = _("Indique la fecha de ingreso.")
    elif stay.entry_date > timezone.localdate():
        errors["entry_date"] = _("La fecha de ingreso no puede ser futura.")
    if stay.entry_mode not in dict(choices.ENTRY_MODES):
        errors["entry_mode"] = _("Indique cómo llegó la persona.")
    if stay.sex not in dict(choices.SEXES):
        errors["sex"] = _("Indique el sexo.")
    if stay.age_band not in dict(choices.AGE_BANDS):
        errors["age_band"] = _("Indique el grupo de edad.")
    if stay.profile not in dict(choices.PROFILES):
        errors["profile"] = _("Valor desconocido: «%(v)s».") % {"v": str(stay.profile)[:40]}
    if errors:
        raise ValidationError(errors)
    _check_band(stay)
    if stay.age_band == "unaccompanied" and "unaccompanied_child" not in stay.vulnerability_codes():
        stay.vulnerabilities = pack(sorted({*stay.vulnerability_codes(), "unaccompanied_child"},
                                           key=choices.VULNERABILITY_CODES.index))
    codes = stay.vulnerability_codes()
    stay.vulnerability = codes[0] if codes else ""
    stay.child_protection = stay.age_band in ("child", "unaccompanied")
    stay.allow_matching = bool(stay.allow_matching) and not stay.child_protection  # never abroad: see abroad_refusal
    if stay.child_protection and stay.distribution not in (Distribution.INSTITUTION, Distribution.COUNTRY):
        stay.distribution, stay.sharing_group = Distribution.INSTITUTION, None


def _run_identity_check(stay: Stay) -> None:
    earlier = identity.candidates(stay, Stay.objects.unrestricted(reason="same person? identity check at entry"))
    stay.identity_status, stay.identity_matches = identity.check(stay, earlier)


def _child_protection_recipients(country_id) -> list:
    """Authorised, in-force focal points for victim referral / protection of the country (system read:
    the notice must reach them whoever registers the child)."""
    from enlace.directory.models import Contact
    from enlace.directory.policy import in_force_q

    from django.db.models import Q

    contacts = Contact.objects.unrestricted(reason="child-protection focal point for an unaccompanied child").filter(
        in_force_q(), Q(functions__contains=",victim_referral,") | Q(areas__contains=",protection,"),
        owner_institution__country=country_id, user__isnull=False)
    return [c.user for c in contacts.select_related("user") if c.user and c.user.is_active]


def stay_link(stay) -> str:
    return reverse("centres:stay", args=[stay.pk])


@transaction.atomic
def do_register_entry(user, centre: Centre, data: dict, *, allow_over_capacity: bool = False) -> Stay:
    """Register a person's entry (3.3, 3.5): identity checked with the matching engine against the
    country's earlier stays; an unaccompanied child notifies the child-protection focal point at once.
    A full centre refuses the entry."""
    centre = require(user, centre, "register")
    if not centre.active:
        raise ValidationError({"centre": _("El centro no está en funcionamiento.")})
    stay = Stay(centre=centre, owner_institution=centre.owner_institution, created_by=user,
                distribution=data.get("distribution") or Distribution.INSTITUTION)
    if stay.distribution == Distribution.PUBLIC:
        raise ValidationError({"distribution": _("Los datos personales nunca pueden ser públicos.")})
    _apply_stay(stay, data)
    if stay.distribution == Distribution.GROUP:
        stay.sharing_group = data.get("sharing_group")
    if centre.capacity and _open_count(centre) >= centre.capacity and not allow_over_capacity:
        raise ValidationError({"centre": _("El centro está lleno (%(n)s plazas ocupadas): registre el ingreso en "
                                           "otro centro o eleve el nivel de crisis.") % {"n": centre.capacity}})
    referrals = _codes(data.get("referrals") or [], choices.REFERRALS, "referrals")
    stay.referrals = [{"kind": k, "date": stay.entry_date.isoformat(), "note": ""} for k in referrals]
    stay.clean_sharing()
    stay.save()
    _run_identity_check(stay)
    stay.save(update_fields=["identity_status", "identity_matches"])
    log_event("write", user=user, obj=stay, after={"centre": centre.pk, "entry_mode": stay.entry_mode,
                                                    "age_band": stay.age_band, "identity_status": stay.identity_status,
                                                    "distribution": stay.distribution},
              detail={"action": "entry", "matches": [m["stay"] for m in stay.identity_matches]})
    if stay.age_band == "unaccompanied":
        recipients = _child_protection_recipients(centre.owner_institution.country_id)
        do_notify(recipients, kind="centres.unaccompanied_child",
                  title=_("Niña, niño o adolescente no acompañado en %(centre)s") % {"centre": centre.name},
                  link=stay_link(stay), actor=user)
    if stay.identity_status == Stay.Identity.REUSED:
        managers = [u for u in centre.owner_institution.users.filter(is_active=True)
                    if u.has_perm("centres.change_stay") and u.pk != user.pk]
        do_notify([user, *managers], kind="centres.reused_identity",
                  title=_("Identidad posiblemente reutilizada en %(centre)s") % {"centre": centre.name},
                  link=stay_link(stay), actor=user, email=False)
    return stay


@transaction.atomic
def do_update_identity(user, stay: Stay, data: dict) -> Stay:
    """Record the identity as verified (documents, reference ids) and check it again with the engine."""
    stay = require(user, stay, "change")
    allowed = {k: v for k, v in data.items() if k in (*IDENTITY_FIELDS, "documents_seen", "biometric_refs",
                                                       "nationality", "vulnerabilities", "care_decision",
                                                       "care_notes", "age_band", "profile")}
    before = {"identity_status": stay.identity_status, "age_band": stay.age_band}
    _apply_stay(stay, allowed)
    stay.clean_sharing()
    stay.save()
    _run_identity_check(stay)
    stay.save(update_fields=["identity_status", "identity_matches"])
    log_event("write", user=user, obj=stay, before=before, after={"identity_status": stay.identity_status,
                                                                  "age_band": stay.age_band},
              detail={"action": "identity", "changed": sorted(allowed)})
    return stay


def abroad_refusal(stay: Stay) -> str:
    """Why ``stay`` is never sent to other countries ('' when its owner allows it).

    The matching rules admit a child's record only after its owner widened it through the reviewed
    action of the cases app (``matching_source.is_matchable``); stays have no such action, so a child's
    stay is never sent. Without the owner's consent (``allow_matching``, as a case's) nothing is sent.
    """
    if stay.child_protection:
        return _("La estancia de una persona menor de edad no se consulta en otros países: las reglas de "
                 "coincidencias solo admiten a menores tras una revisión que las estancias no tienen.")
    if not stay.allow_matching:
        return _("Esta estancia no permite coincidencias con otros países: márquelo en «Registrar identidad "
                 "verificada» si el propietario lo autoriza.")
    return ""


def may_check_abroad(user, stay: Stay) -> bool:
    """The official may send this stay's identity to the other countries' records (button, entry)."""
    from enlace.sharing.policy import can, has_cross_border_standing

    return (not abroad_refusal(stay) and has_cross_border_standing(user) and can(user, stay, "check_abroad")
            and user.has_perm("matching.view_hitnotice"))


@transaction.atomic
def do_check_stay_abroad(user, stay: Stay) -> Stay:
    """Same person abroad? (3.5, fn 16): the stay's identity against other countries' matchable persons.

    Reuses the matching app end to end: the engine's shared index scores the stay's identity (verified
    if present, else declared: ``Stay.to_match_record``) as a person's online check does, each hit is
    written as one notice per side by ``matching.actions.do_record_number_hit`` (subject person, the
    engine's probability) and the document number goes through ``documents.actions.do_query_number``;
    details then travel only through the matching release flow (request, the owner decides).

    Needs the owner institution's ``check_abroad`` rule (else 404) and cross-border standing (else
    ``PermissionDenied`` with a message); a child's stay or one without consent is refused
    (``ValidationError``). One audit event with counts only (no name, no number).
    """
    from enlace.cases.models import match_record_id
    from enlace.documents.actions import do_query_number
    from enlace.matching.actions import do_record_number_hit
    from enlace.matching.models import HitNotice
    from enlace.sharing.policy import has_cross_border_standing

    stay = require(user, stay, "check_abroad")
    if not has_cross_border_standing(user) or not user.has_perm("matching.view_hitnotice"):
        raise PermissionDenied(_("Consultar otros países requiere una autorización vigente en el directorio "
                                 "(habilitación transfronteriza). Pídala a su punto focal nacional."))
    refusal = abroad_refusal(stay)
    if refusal:
        raise ValidationError({"allow_matching": refusal})
    query_id, label = identity.query_record_id(stay), _("Estancia %(n)s") % {"n": stay.pk}
    notices = []
    for person, probability, fields in identity.abroad_candidates(stay):
        notices.append(do_record_number_hit(
            user, subject=HitNotice.Subject.PERSON, query_id=query_id, query_label=label,
            owner_record_id=match_record_id(person.pk), owner_label=person.caption,
            owner_institution=person.owner_institution, owner_entity=person,
            owner_distribution=(Distribution.INSTITUTION if person.distribution == Distribution.INSTITUTION
                                else Distribution.COUNTRY),
            probability=probability, explanation=fields, channel="centre_stay"))
    document = "none"
    if stay.doc_number and user.has_perm("documents.query_numbers"):
        try:
            notices += do_query_number(user, kind="document", raw=stay.doc_number)
            document = "checked"
        except ValidationError:
            document = "unreadable"  # a number the normaliser cannot read is no hit for anyone
    stay.abroad_checked_at = timezone.now()
    stay.abroad_notices = sorted({n.pk for n in notices})
    stay.save(update_fields=["abroad_checked_at", "abroad_notices", "updated_at"])
    log_event("search", user=user, obj=stay, personal_data=True,
              detail={"action": "check_abroad", "count": len(stay.abroad_notices), "ids": stay.abroad_notices,
                      "result": document})
    return stay


@transaction.atomic
def do_add_referral(user, stay: Stay, *, kind: str, date=None, note: str = "") -> Stay:
    """Refer the person (asylum, trafficking victim, child protection, consular, health)."""
    stay = require(user, stay, "change")
    if kind not in dict(choices.REFERRALS):
        raise ValidationError({"kind": _("Tipo de derivación desconocido.")})
    day = date or timezone.localdate()
    if day < stay.entry_date:
        raise ValidationError({"date": _("La derivación no puede ser anterior al ingreso.")})
    stay.referrals = [*stay.referrals, {"kind": kind, "date": day.isoformat(), "note": note[:500]}]
    stay.save(update_fields=["referrals", "updated_at"])
    log_event("write", user=user, obj=stay, detail={"action": "referral", "kind": kind})
    return stay


def _close(stay: Stay, exit_date, reason: str, destination: str) -> None:
    if stay.exit_date is not None:
        raise ValidationError({"exit_date": _("Esta estancia ya tiene salida registrada.")})
    if not exit_date:
        raise ValidationError({"exit_date": _("Indique la fecha de salida.")})
    if exit_date < stay.entry_date:
        raise ValidationError({"exit_date": _("La salida (%(exit)s) no puede ser anterior al ingreso (%(entry)s).")
                               % {"exit": exit_date.isoformat(), "entry": stay.entry_date.isoformat()}})
    if exit_date > timezone.localdate():
        raise ValidationError({"exit_date": _("La fecha de salida no puede ser futura.")})
    if reason not in dict(choices.EXIT_REASONS):
        raise ValidationError({"exit_reason": _("Indique el motivo de salida.")})
    stay.exit_date, stay.exit_reason, stay.exit_destination = exit_date, reason, destination[:200]


@transaction.atomic
def do_register_exit(user, stay: Stay, *, exit_date, exit_reason: str, destination: str = "") -> Stay:
    """Close a stay (return, release, transfer, regularisation, alternative to detention, escape, death)."""
    stay = require(user, stay, "exit")
    _close(stay, exit_date, exit_reason, destination)
    stay.save(update_fields=["exit_date", "exit_reason", "exit_destination", "updated_at"])
    log_event("write", user=user, obj=stay, after={"exit_reason": exit_reason}, detail={"action": "exit"})
    return stay


@transaction.atomic
def do_transfer_stay(user, stay: Stay, to_centre: Centre, *, date) -> Stay:
    """Transfer to another centre of the institution: the stay closes (``transfer``) and a new stay
    opens at the destination with the same identity (it is the same person, not a new match)."""
    stay = require(user, stay, "exit")
    to_centre = require(user, to_centre, "register")
    if to_centre.pk == stay.centre_id:
        raise ValidationError({"centre": _("Elija otro centro.")})
    if to_centre.capacity and _open_count(to_centre) >= to_centre.capacity:
        raise ValidationError({"centre": _("El centro de destino está lleno.")})
    # No centre names copied between stays: either stay may be shared more narrowly than the other's
    # centre; ``transferred_from`` links them and each is read through the policy.
    _close(stay, date, "transfer", "")
    stay.save(update_fields=["exit_date", "exit_reason", "exit_destination", "updated_at"])
    new = Stay(centre=to_centre, owner_institution=to_centre.owner_institution, created_by=user,
               entry_date=date, entry_mode="transfer", transferred_from=stay,
               distribution=stay.distribution if stay.distribution != Distribution.GROUP else Distribution.INSTITUTION)
    for f in (*IDENTITY_FIELDS, "nationality", "documents_seen", "biometric_refs", "age_band", "vulnerabilities", "profile",
              "vulnerability", "care_decision", "referrals", "child_protection"):
        setattr(new, f, getattr(stay, f))
    new.identity_status = Stay.Identity.RETURNING
    new.identity_matches = [{"stay": stay.pk, "open": False, "probability": None, "agreed": [],
                             "same_document": True, "reused": False}]
    new.clean_sharing()
    new.save()
    # Belongings travel with the person: current versions are copied to the new stay.
    for b in Belonging.objects.restrict(user, "change").filter(stay=stay, current=True):
        Belonging.objects.create(stay=new, owner_institution=new.owner_institution, created_by=user,
                                 distribution=Distribution.INSTITUTION, item_key=b.item_key, version=1, item=b.item,
                                 description=b.description, value=b.value, currency=b.currency,
                                 bag_number=b.bag_number, photo=b.photo, status=b.status,
                                 change_reason=_("Traslado"))
    log_event("write", user=user, obj=stay, after={"exit_reason": "transfer"},
              detail={"action": "transfer", "to_centre": to_centre.pk, "new_stay": new.pk})
    return new


# --- belongings -----------------------------------------------------------------------------------------

def _clean_belonging(data: dict) -> dict:
    item = str(data.get("item") or "").strip()[:120]
    if not item:
        raise ValidationError({"item": _("Indique el artículo.")})
    value = data.get("value")
    if value in ("", None):
        value = None
    else:
        try:
            value = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValidationError({"value": _("El valor es un número (p. ej. 125.50).")}) from None
        if value < 0 or value >= Decimal("1e10"):
            raise ValidationError({"value": _("El valor es un número (p. ej. 125.50).")})
        value = value.quantize(Decimal("0.01"))
    return {"item": item, "description": str(data.get("description") or "")[:500], "value": value,
            "currency": str(data.get("currency") or "").strip().upper()[:3],
            "bag_number": str(data.get("bag_number") or "").strip()[:40]}


@transaction.atomic
def do_add_belonging(user, stay: Stay, data: dict, *, photo=None) -> Belonging:
    """Add an item to the inventory taken at entry (version 1). A photo is stored encrypted."""
    stay = require(user, stay, "belongings")
    clean = _clean_belonging(data)
    if photo is not None:
        from enlace.core.uploads import store_encrypted, validate_upload

        validate_upload(photo, kinds=("image",))
        clean["photo"] = store_encrypted(photo)[0]
    key = (Belonging.objects.restrict(user, "change").filter(stay=stay).aggregate(m=Max("item_key"))["m"] or 0) + 1
    item = Belonging.objects.create(stay=stay, owner_institution=stay.owner_institution, created_by=user,
                                    distribution=Distribution.INSTITUTION, item_key=key, version=1, **clean)
    log_event("write", user=user, obj=item, detail={"action": "inventory", "stay": stay.pk, "item_key": key})
    return item


def _new_version(user, old: Belonging, **changes) -> Belonging:
    old.current = False  # superseded, never deleted
    old.save(update_fields=["current"])
    fields = {f: getattr(old, f) for f in ("item", "description", "value", "currency", "bag_number", "photo",
                                            "status", "discrepancy")}
    fields.update(changes)
    return Belonging.objects.create(stay=old.stay, owner_institution=old.owner_institution, created_by=user,
                                    distribution=old.distribution, sharing_group=old.sharing_group,
                                    item_key=old.item_key, version=old.version + 1, current=True, **fields)


@transaction.atomic
def do_correct_belonging(user, item: Belonging, data: dict, *, reason: str) -> Belonging:
    """A correction is a new version; the previous one stays in the history."""
    item = require(user, item, "change")
    if not item.current:
        raise ValidationError({"item": _("Solo se corrige la versión vigente.")})
    if not (reason or "").strip():
        raise ValidationError({"change_reason": _("Indique el motivo de la corrección.")})
    new = _new_version(user, item, **_clean_belonging(data), change_reason=reason.strip()[:300])
    log_event("write", user=user, obj=new, detail={"action": "correct", "previous": item.pk, "version": new.version})
    return new


@transaction.atomic
def do_return_belongings(user, stay: Stay, outcomes: dict) -> list[Belonging]:
    """Return the belongings at exit: each held item becomes a new version ``returned``, ``missing``
    or ``damaged`` (with the discrepancy). Discrepancies are reported to the institution's managers."""
    stay = require(user, stay, "belongings")
    current = list(Belonging.objects.restrict(user, "change").filter(stay=stay, current=True, status="held"))
    if not current:
        raise ValidationError({"items": _("No hay pertenencias en custodia.")})
    out, discrepancies = [], []
    for item in current:
        status, note = outcomes.get(item.item_key, ("returned", ""))
        if status not in ("returned", "missing", "damaged"):
            raise ValidationError({"items": _("Estado de devolución desconocido.")})
        if status != "returned" and not (note or "").strip():
            raise ValidationError({"items": _("Describa la discrepancia del artículo %(n)s.") % {"n": item.item_key}})
        new = _new_version(user, item, status=status, discrepancy=(note or "").strip()[:500],
                           change_reason=_("Devolución a la salida"))
        out.append(new)
        if status != "returned":
            discrepancies.append(item.item_key)
    log_event("write", user=user, obj=stay, detail={"action": "return_belongings", "items": len(out),
                                                    "discrepancies": discrepancies})
    if discrepancies:
        managers = [u for u in stay.owner_institution.users.filter(is_active=True)
                    if u.has_perm("centres.change_belonging")]
        do_notify(managers, kind="centres.belongings_discrepancy",
                  title=_("Discrepancia en la devolución de pertenencias (%(n)s artículos)") % {"n": len(discrepancies)},
                  link=stay_link(stay), actor=user, email=False)
    return out


# --- occupancy figures ----------------------------------------------------------------------------------

@transaction.atomic
def do_compute_figures(day: datetime.date, *, user=None, centres=None) -> list[FigureSet]:
    """Figures of ``day`` computed from the register, one set per registered centre (never typed).

    By an official (their institution's centres) or by the system (periodic task, every centre).
    A centre's figures go as far as the centre's registry entry (capped at the network)."""
    if user is not None:
        _need(user, "centres.add_figureset")
        qs = Centre.objects.restrict(user, "register")
    else:
        qs = Centre.objects.unrestricted(reason="daily occupancy figures")
    qs = qs.select_related("owner_institution").prefetch_related(None)
    if centres is not None:
        qs = qs.filter(pk__in=[getattr(c, "pk", c) for c in centres])
    centre_list = list(qs)
    cells = figures.register_cells(
        Stay.objects.unrestricted(reason="occupancy figures from the register").filter(
            centre__in=[c.pk for c in centre_list]), day)
    existing = {fs.centre_id: fs for fs in FigureSet.objects.unrestricted(reason="figures to refresh").filter(
        date=day, source=FigureSet.Source.REGISTER, centre__in=[c.pk for c in centre_list])}
    out = []
    for c in centre_list:
        rows = cells.get(c.pk, [])
        fs = existing.get(c.pk) or FigureSet(centre=c, owner_institution=c.owner_institution, date=day,
                                             source=FigureSet.Source.REGISTER, created_by=user)
        fs.centre_name = c.name
        fs.cells = rows
        fs.total = sum(r[4] for r in rows)
        fs.capacity = c.capacity
        fs.distribution = c.distribution if c.distribution != Distribution.PUBLIC else Distribution.NETWORK
        fs.sharing_group = c.sharing_group if fs.distribution == Distribution.GROUP else None
        fs.save()
        out.append(fs)
    log_event("write", user=user, object_type="centres.figureset",
              detail={"action": "compute", "date": day.isoformat(), "centres": len(out),
                      "ids": [fs.pk for fs in out][:500]})
    return out


@transaction.atomic
def do_import_figures(user, rows, *, distribution: str = Distribution.COUNTRY, file_name: str = "") -> list[FigureSet]:
    """Figures for centres not registered in Enlace, from the XLSX template (already parsed and
    validated by ``importing.parse``): all of the file or nothing."""
    _need(user, "centres.add_figureset")
    if distribution == Distribution.PUBLIC or distribution not in dict(Distribution.CHOICES):
        raise ValidationError({"distribution": _("Distribución no válida.")})
    if distribution == Distribution.GROUP:
        raise ValidationError({"distribution": _("Para compartir con un grupo, importe y luego cambie la distribución.")})
    grouped: dict[tuple, list] = {}
    capacity: dict[tuple, int] = {}
    for r in rows:
        key = (r["centre"], r["date"])
        grouped.setdefault(key, []).append([r["nationality"], r["sex"], r["age_band"], r["vulnerability"], r["count"]])
        capacity[key] = max(capacity.get(key, 0), r.get("capacity") or 0)
    out = []
    for (name, day), cells in grouped.items():
        merged = figures.merge([cells])
        cells = [[*k, n] for k, n in sorted(merged.items())]
        fs, _created = FigureSet.objects.unrestricted(reason="import replaces the same centre and date").get_or_create(
            owner_institution=user.institution, centre_name=name, date=day, source=FigureSet.Source.IMPORT,
            defaults={"created_by": user})
        fs.cells, fs.total, fs.capacity = cells, sum(merged.values()), capacity[(name, day)]
        fs.distribution = distribution
        fs.save()
        out.append(fs)
    log_event("import", user=user, object_type="centres.figureset",
              detail={"rows": len(rows), "sets": len(out), "ids": [fs.pk for fs in out][:500]})
    return out


# --- crisis levels --------------------------------------------------------------------------------------

def occupancy_now(centre) -> tuple[int, int | None]:
    n = _open_count(centre)
    return n, (round(100 * n / centre.capacity) if centre.capacity else None)


def incidents_last_week(centre) -> int:
    since = timezone.localdate() - datetime.timedelta(days=7)
    return Incident.objects.unrestricted(reason="crisis thresholds").filter(centre=centre, occurred_on__gte=since).count()


def suggested_level(centre) -> int:
    _n, pct = occupancy_now(centre)
    inc = incidents_last_week(centre)
    level = 1
    for lv in ("2", "3", "4"):
        t = centre.thresholds_or_default()[lv]
        if (pct is not None and pct >= t["occupancy"]) or inc >= t["incidents"]:
            level = int(lv)
    return level


def neighbour_coordinators(user, centre) -> list:
    """Authorised, in-force centre coordinators of the neighbouring member countries, as the sender sees them."""
    from enlace.directory.policy import authorised_contacts_for

    codes = choices.NEIGHBOURS.get(centre.owner_institution.country.code, [])
    if not codes:
        return []
    return list(authorised_contacts_for(user, function="centre_coordinator").filter(
        user__isnull=False, owner_institution__country__code__in=codes).order_by("pk"))


@transaction.atomic
def do_set_crisis_level(user, centre: Centre, *, level: int, reason: str) -> CrisisLevel:
    """Change a centre's crisis level (3.9): history, escalation plan, and an alert through the secure
    exchange to the neighbouring countries' centre coordinators, delivered live to their inboxes."""
    centre = require(user, centre, "crisis")
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in dict(choices.CRISIS_LEVELS):
        raise ValidationError({"level": _("El nivel de crisis va de 1 a 4.")})
    reason = " ".join(str(reason or "").split())[:1000]
    if not reason:
        raise ValidationError({"reason": _("Indique el motivo del cambio de nivel.")})
    if level == centre.crisis_level:
        raise ValidationError({"level": _("El centro ya está en ese nivel.")})
    n, pct = occupancy_now(centre)
    change = CrisisLevel.objects.create(centre=centre, owner_institution=centre.owner_institution, created_by=user,
                                        distribution=centre.distribution, sharing_group=centre.sharing_group,
                                        level=level, previous_level=centre.crisis_level, reason=reason,
                                        occupancy_pct=pct, incidents=incidents_last_week(centre))
    centre.crisis_level = level
    centre.save(update_fields=["crisis_level", "updated_at"])
    log_event("write", user=user, obj=change, after={"level": level, "previous_level": change.previous_level},
              detail={"action": "crisis_level", "centre": centre.pk})
    _alert_neighbours(user, centre, change, n, pct)
    # The escalation plan of the new level: the centre's own institution is told who does what.
    managers = [u for u in centre.owner_institution.users.filter(is_active=True)
                if u.has_perm("centres.change_crisislevel") and u.pk != user.pk]
    do_notify(managers, kind="centres.crisis", title=_("%(centre)s pasa al nivel de crisis %(level)s")
              % {"centre": centre.name, "level": level}, link=reverse("centres:centre", args=[centre.pk]), actor=user)
    return change


def _sees_centre(recipient, centre) -> bool:
    """Whether the centre itself is visible to a recipient under the policy (its distribution, and the
    recipient's cross-border standing)."""
    return recipient is not None and Centre.objects.restrict(recipient, "view").filter(pk=centre.pk).exists()


def _alert_neighbours(user, centre, change, n, pct) -> None:
    """Every neighbour learns that a centre of the country is in crisis (level, occupancy, plan); the
    centre's name and place only go to the recipients who may see the centre itself. So there are up to
    two alert threads: one naming the centre, one that does not (``alert_thread_id`` is the first sent)."""
    from enlace.exchange.actions import can_exchange, do_send_thread

    contacts = neighbour_coordinators(user, centre)
    if not contacts or not can_exchange(user):
        return
    plan = centre.escalation_plan.get(str(change.level)) or {}
    country = centre.owner_institution.country.name
    figures = {"prev": change.previous_level, "level": change.level, "reason": change.reason, "n": n,
               "pct": pct if pct is not None else "—", "who": plan.get("who") or "—", "what": plan.get("what") or "—"}
    named = [c for c in contacts if _sees_centre(c.user, centre)]
    unnamed = [c for c in contacts if c not in named]
    threads = []
    if named:
        body = _("El centro %(centre)s (%(place)s, %(country)s) pasó del nivel de crisis %(prev)s al nivel %(level)s.\n"
                 "Motivo: %(reason)s\nOcupación: %(n)s personas (%(pct)s %% de la capacidad).\n"
                 "Plan de escalamiento — a quién se avisa: %(who)s; qué se hace: %(what)s") % {
            "centre": centre.name, "place": centre.place or "—", "country": country, **figures}
        subject = _("Nivel de crisis %(level)s en %(centre)s") % {"level": change.level, "centre": centre.name}
        threads.append(_send_alert(do_send_thread, user, change, named, subject, body, centre.place, n, ""))
    if unnamed:
        body = _("Un centro de %(country)s pasó del nivel de crisis %(prev)s al nivel %(level)s.\n"
                 "Motivo: %(reason)s\nOcupación: %(n)s personas (%(pct)s %% de la capacidad).\n"
                 "Plan de escalamiento — a quién se avisa: %(who)s; qué se hace: %(what)s") % {
            "country": country, **figures}
        subject = _("Nivel de crisis %(level)s en un centro de %(country)s") % {"level": change.level,
                                                                                 "country": country}
        threads.append(_send_alert(do_send_thread, user, change, unnamed, subject, body, "", n, "-unnamed"))
    codes = sorted({c.owner_institution.country.code for c in contacts})
    change.alert_thread_id, change.alerted_countries = threads[0].pk, ",".join(codes)
    change.save(update_fields=["alert_thread_id", "alerted_countries"])


def _send_alert(do_send_thread, user, change, contacts, subject, body, route, n, suffix):
    thread, _created = do_send_thread(user, {
        "kind": "alert", "priority": "urgent" if change.level >= 3 else "normal", "subject": subject,
        "body": body, "details": {"alert_type": "other", "route": route, "group_size": n},
        "recipient_contacts": contacts}, idempotency_key=f"centres-crisis-{change.pk}{suffix}")
    return thread


# --- incidents, care, good practices ---------------------------------------------------------------------

@transaction.atomic
def do_record_incident(user, centre: Centre, data: dict) -> Incident:
    """A conflict incident (3.7). Confidential: its institution only."""
    centre = require(user, centre, "register")
    _need(user, "centres.add_incident")
    kind = data.get("kind")
    if kind not in dict(choices.INCIDENT_KINDS):
        raise ValidationError({"kind": _("Tipo de incidente desconocido.")})
    day = data.get("occurred_on")
    if not day or day > timezone.localdate():
        raise ValidationError({"occurred_on": _("Indique una fecha que no sea futura.")})
    try:
        severity = int(data.get("severity") or 1)
        persons = int(data.get("persons_involved") or 0)
    except (TypeError, ValueError):
        raise ValidationError({"severity": _("Gravedad de 1 a 3.")}) from None
    if severity not in (1, 2, 3) or persons < 0:
        raise ValidationError({"severity": _("Gravedad de 1 a 3.")})
    description = str(data.get("description") or "").strip()
    if not description:
        raise ValidationError({"description": _("Describa el incidente.")})
    incident = Incident.objects.create(centre=centre, owner_institution=centre.owner_institution, created_by=user,
                                       distribution=Distribution.INSTITUTION, occurred_on=day, kind=kind,
                                       severity=severity, persons_involved=persons, description=description[:5000],
                                       measures=str(data.get("measures") or "")[:5000])
    log_event("write", user=user, obj=incident, after={"kind": kind, "severity": severity}, detail={"centre": centre.pk})
    return incident


@transaction.atomic
def do_add_care_record(user, stay: Stay, data: dict) -> CareRecord:
    """A psychosocial-care record (3.8). Confidential: its institution and the caring role only."""
    stay = require(user, stay, "care")
    kind = data.get("kind")
    if kind not in dict(choices.CARE_KINDS):
        raise ValidationError({"kind": _("Tipo de atención desconocido.")})
    day = data.get("given_on")
    if not day or day > timezone.localdate() or day < stay.entry_date:
        raise ValidationError({"given_on": _("La fecha debe estar dentro de la estancia y no ser futura.")})
    notes = str(data.get("notes") or "").strip()
    if not notes:
        raise ValidationError({"notes": _("Escriba las notas de la atención.")})
    record = CareRecord.objects.create(stay=stay, owner_institution=stay.owner_institution, created_by=user,
                                       distribution=Distribution.INSTITUTION, given_on=day, kind=kind,
                                       notes=notes[:10000])
    log_event("write", user=user, obj=record, after={"kind": kind}, detail={"stay": stay.pk})
    return record


@transaction.atomic
def do_add_practice_note(user, *, title: str, topic: str, body: str,
                         distribution: str = Distribution.INSTITUTION) -> PracticeNote:
    """A good-practice note (3.7, fn 12–14); its owner may share it with the network."""
    _need(user, "centres.add_practicenote")
    title = " ".join(str(title or "").split())[:200]
    if not title or not str(body or "").strip():
        raise ValidationError({"title": _("Indique título y texto.")})
    if topic not in dict(PracticeNote._meta.get_field("topic").choices):
        raise ValidationError({"topic": _("Tema desconocido.")})
    if distribution == Distribution.PUBLIC:
        raise ValidationError({"distribution": _("Para hacer público un registro use el paso de publicación del portal.")})
    note = PracticeNote(owner_institution=user.institution, created_by=user, title=title, topic=topic,
                        body=str(body)[:20000], distribution=distribution)
    note.clean_sharing()
    note.save()
    log_event("write", user=user, obj=note, after={"topic": topic, "distribution": distribution})
    return note


__all__ = [n for n in dir() if n.startswith("do_")] + ["clean_nationality", "neighbour_coordinators",
                                                        "occupancy_now", "suggested_level", "unpack"]
