"""Every change to the agreement register: atomic, audited, one event each."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.accounts.models import User
from enlace.audit.log import log_event
from enlace.core.models import Country
from enlace.core.uploads import store_encrypted, validate_upload
from enlace.notifications.actions import do_notify
from enlace.sharing.access import require
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.models import SharingGroup
from enlace.sharing.policy import Distribution, has_cross_border_standing, is_secretariat

from . import choices
from .models import Agreement, AgreementShare, AgreementText


def _date(value, field, errors):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append(_("Indique una fecha válida (AAAA-MM-DD)."))
        return None


def clean_agreement_data(user, data: dict) -> dict:
    """Validate an agreement; every error keyed by field, nothing written."""
    errors: dict[str, list] = {}

    def fail(field, msg):
        errors.setdefault(field, []).append(msg)

    out = {"title": " ".join(str(data.get("title") or "").split())[:200]}
    if not out["title"]:
        fail("title", _("Indique el título del acuerdo."))
    kind = data.get("kind") or ""
    if kind not in Agreement.Kind.values:
        fail("kind", _("Elija el tipo de acuerdo."))
    out["kind"] = kind
    parties = []
    for code in data.get("parties") or []:
        code = str(getattr(code, "code", code)).upper()[:5]
        # Only onboarded parties (members or observers) can sign: a new one comes through onboarding.
        country = Country.objects.restrict(user, "view").filter(
            code=code, kind__in=[Country.Kind.MEMBER, Country.Kind.OBSERVER]).first()
        if country is None:
            fail("parties", _("%(code)s no es miembro ni observador de la red: incorpórelo primero.") % {"code": code})
        elif country not in parties:
            parties.append(country)
    if not errors.get("parties"):
        if len(parties) < 2:
            fail("parties", _("Un acuerdo tiene al menos dos partes."))
        elif kind == Agreement.Kind.BILATERAL and len(parties) != 2:
            fail("parties", _("Un acuerdo bilateral tiene exactamente dos partes."))
        elif not is_secretariat(user) and user.institution.country_id not in {c.pk for c in parties}:
            fail("parties", _("Su país debe ser parte del acuerdo que registra."))
    out["parties"] = parties
    out["starts_on"] = _date(data.get("starts_on"), "starts_on", errors)
    if out["starts_on"] is None and not errors.get("starts_on"):
        fail("starts_on", _("Indique desde cuándo rige el acuerdo."))
    out["ends_on"] = _date(data.get("ends_on"), "ends_on", errors)
    if out["starts_on"] and out["ends_on"] and out["ends_on"] < out["starts_on"]:
        fail("ends_on", _("La fecha de término no puede ser anterior a la de inicio."))
    purposes = [str(p) for p in data.get("purposes") or []]
    if not purposes:
        fail("purposes", _("Indique al menos un fin permitido."))
    unknown = [p for p in purposes if p not in dict(choices.PURPOSES)]
    if unknown:
        fail("purposes", _("Fin desconocido: %(codes)s.") % {"codes": ", ".join(unknown)[:100]})
    out["purposes"] = purposes
    categories = [str(c) for c in data.get("data_categories") or []]
    unknown = [c for c in categories if c not in dict(choices.DATA_CATEGORIES)]
    if unknown:
        fail("data_categories", _("Categoría de datos desconocida: %(codes)s.") % {"codes": ", ".join(unknown)[:100]})
    out["data_categories"] = categories
    try:
        days = int(data.get("response_days") or 15)
        if not 1 <= days <= 365:
            raise ValueError
    except (TypeError, ValueError):
        fail("response_days", _("El plazo de respuesta es un número de días entre 1 y 365."))
        days = 15
    out["response_days"] = days
    out["limit_intelligence_only"] = bool(data.get("limit_intelligence_only"))
    out["limit_no_judicial_use"] = bool(data.get("limit_no_judicial_use", True))
    out["text"] = str(data.get("text") or "")[:100000]
    if errors:
        raise ValidationError(errors)
    return out


def _snapshot(a: Agreement) -> dict:
    return {"status": a.status, "kind": a.kind, "starts_on": a.starts_on, "ends_on": a.ends_on,
            "purposes": list(a.purposes), "text_version": a.text_version,
            "parties": sorted(a.parties.values_list("code", flat=True)) if a.pk else []}


def _end_of(day) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


@transaction.atomic
def do_register_agreement(user, data: dict, *, distribution: str | None = None,
                          sharing_group: SharingGroup | None = None) -> Agreement:
    """Register an agreement (in preparation). Its entry is shared with its parties unless told otherwise."""
    if not (user.institution_id and user.has_perm("agreements.add_agreement")):
        raise PermissionDenied(_("Solo la Cancillería o la Secretaría Técnica registran acuerdos."))
    clean = clean_agreement_data(user, data)
    parties = clean.pop("parties")
    agreement = Agreement(owner_institution=user.institution, created_by=user, **clean)
    if distribution is None:
        sharing_group = SharingGroup.objects.create(name=f"Partes: {clean['title']}"[:120],
                                                    owner_institution=user.institution)
        sharing_group.countries.set(parties)
        distribution = Distribution.GROUP
    agreement.distribution = distribution
    agreement.sharing_group = sharing_group
    agreement.clean_sharing()
    agreement.save()
    agreement.parties.set(parties)
    AgreementText.objects.create(agreement=agreement, version=1, text=agreement.text, created_by=user)
    log_event("write", user=user, obj=agreement, after=_snapshot(agreement), detail={"action": "register"})
    return agreement


@transaction.atomic
def do_update_agreement_text(user, agreement: Agreement, *, text: str, note: str = "", upload=None) -> AgreementText:
    """Add a version of the agreement's text (an amendment, a corrected or signed text), optionally with
    the signed document (type checked by content, stored encrypted). Earlier versions are kept."""
    agreement = require(user, agreement, "change")
    text = str(text or "")[:100000]
    if not text.strip() and upload is None:
        raise ValidationError({"text": _("Escriba el texto o adjunte el documento de la nueva versión.")})
    stored = {}
    if upload is not None:
        try:
            mime = validate_upload(upload)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from None
        rel, digest, size = store_encrypted(upload)
        stored = {"filename": str(upload.name or "documento")[-200:], "mime": mime, "size": size, "sha256": digest,
                  "stored_path": rel}
    before = _snapshot(agreement)
    agreement.text = text
    agreement.text_version += 1
    agreement.save(update_fields=["text", "text_version", "updated_at"])
    version = AgreementText.objects.create(agreement=agreement, version=agreement.text_version, text=text,
                                           note=" ".join(str(note or "").split())[:300], created_by=user, **stored)
    log_event("write", user=user, obj=agreement, before=before, after=_snapshot(agreement),
              detail={"action": "update_text", "version": version.version, "file": bool(stored)})
    return version


@transaction.atomic
def do_set_agreement_contact_points(user, agreement: Agreement, contact_ids) -> Agreement:
    """Name the agreement's contact points: directory entries of its parties whose Cancillería
    authorisation is in force (a suspended or expired entry cannot be the one to call)."""
    from enlace.directory.models import Contact

    agreement = require(user, agreement, "change")
    ids = {int(i) for i in contact_ids if str(i).isdigit()}
    party_ids = set(agreement.parties.values_list("pk", flat=True))
    contacts = list(Contact.objects.restrict(user, "view").filter(pk__in=ids)
                    .select_related("owner_institution"))
    problems = [c for c in contacts if c.owner_institution.country_id not in party_ids or not c.in_force()]
    if len(contacts) != len(ids) or problems:
        raise ValidationError({"contact_points": _(
            "Elija puntos de contacto autorizados y vigentes de los países parte del acuerdo.")})
    links = Agreement.contact_points.through.objects.filter(agreement=agreement)
    before = {"contact_points": sorted(links.values_list("contact_id", flat=True))}
    agreement.contact_points.set(contacts)
    log_event("write", user=user, obj=agreement, before=before, after={"contact_points": sorted(ids)},
              detail={"action": "set_contact_points"})
    return agreement


@transaction.atomic
def do_bring_agreement_into_force(user, agreement: Agreement) -> Agreement:
    """The agreement takes effect: its exchange group (the parties) becomes an audience records can be
    shared with, until its end date or a suspension."""
    agreement = require(user, agreement, "decide")
    if agreement.status == Agreement.Status.IN_FORCE:
        raise ValidationError(_("El acuerdo ya está vigente."))
    if agreement.ends_on and agreement.ends_on < timezone.localdate():
        raise ValidationError(_("El acuerdo ya venció: no puede entrar en vigor."))
    before = _snapshot(agreement)
    group = agreement.exchange_group
    if group is None:
        group = SharingGroup.objects.create(name=f"Acuerdo n.º {agreement.pk}"[:120],
                                            owner_institution=agreement.owner_institution, source="agreement")
        agreement.exchange_group = group
    group.countries.set(agreement.parties.all())
    group.suspended = False
    group.active_until = _end_of(agreement.ends_on)
    group.save(update_fields=["suspended", "active_until"])
    agreement.status = Agreement.Status.IN_FORCE
    agreement.save(update_fields=["status", "exchange_group", "updated_at"])
    log_event("write", user=user, obj=agreement, before=before, after=_snapshot(agreement),
              detail={"action": "bring_into_force"})
    return agreement


def _tell_owners(agreement: Agreement, actor, reason: str) -> int:
    """Mark what stopped being shared and tell each owner institution (title and link only)."""
    shares = AgreementShare.objects.unrestricted(reason="agreement ended: tell the owners").filter(
        agreement=agreement, stopped_at__isnull=True)
    institutions = set(shares.values_list("owner_institution_id", flat=True))
    count = shares.update(stopped_at=timezone.now())
    if institutions:
        owners = User.objects.filter(institution__in=institutions, is_active=True)
        do_notify(owners, kind="agreements.stopped", actor=actor, link=reverse("agreements:detail", args=[agreement.pk]),
                  title=_("Enlace: %(n)s registro(s) dejaron de compartirse (%(reason)s)") % {
                      "n": count, "reason": reason})
    return count


@transaction.atomic
def do_suspend_agreement(user, agreement: Agreement) -> Agreement:
    """Suspension narrows the audience at once and tells the owners what stopped being shared."""
    agreement = require(user, agreement, "decide")
    if agreement.status != Agreement.Status.IN_FORCE:
        raise ValidationError(_("Solo se suspende un acuerdo vigente."))
    before = _snapshot(agreement)
    group = agreement.exchange_group
    group.suspended = True
    group.save(update_fields=["suspended"])
    agreement.status = Agreement.Status.SUSPENDED
    agreement.save(update_fields=["status", "updated_at"])
    stopped = _tell_owners(agreement, user, _("acuerdo suspendido"))
    log_event("write", user=user, obj=agreement, before=before, after=_snapshot(agreement),
              detail={"action": "suspend", "stopped": stopped})
    return agreement


@transaction.atomic
def do_expire_agreements(now=None) -> dict:
    """Periodic: agreements past their end date are marked expired and owners told. (Access was already
    cut by the group's ``active_until`` on the first request after the end date.)"""
    today = timezone.localdate(now)
    due = list(Agreement.objects.unrestricted(reason="expire agreements past their end date").filter(
        status=Agreement.Status.IN_FORCE, ends_on__lt=today))
    stopped = 0
    for agreement in due:
        agreement.status = Agreement.Status.EXPIRED
        agreement.save(update_fields=["status", "updated_at"])
        stopped += _tell_owners(agreement, None, _("acuerdo vencido"))
    log_event("write", object_type="agreements.agreement",
              detail={"action": "expire", "ids": [a.pk for a in due][:200], "stopped": stopped})
    return {"expired": len(due), "stopped": stopped}


def live_agreements_for(user):
    """In-force agreements of which the user's country is a party (what they may share under)."""
    if not user.institution_id:
        return Agreement.objects.none()
    return Agreement.objects.restrict(user, "view").filter(
        status=Agreement.Status.IN_FORCE, parties=user.institution.country_id)


@transaction.atomic
def do_share_under_agreement(user, record, agreement: Agreement, *, purpose: str) -> AgreementShare:
    """Share ``record`` with the agreement's parties, for one of its purposes, with its handling limits.

    The record then carries the agreement (its group), the purpose and the limits; onward sharing
    outside the agreement is refused by ``sharing.actions.do_change_sharing``.
    """
    if not has_cross_border_standing(user):
        raise PermissionDenied(_("Solo los puntos focales autorizados y vigentes comparten fuera de su país."))
    agreement = live_agreements_for(user).filter(pk=agreement.pk).first()
    if agreement is None:
        raise ValidationError({"agreement": _("Su país no es parte de ningún acuerdo vigente con ese número.")})
    if purpose not in agreement.purposes:
        raise ValidationError({"purpose": _("Ese fin no está permitido por el acuerdo «%(title)s».")
                               % {"title": agreement.title}})
    record = require(user, record, "share")
    handling = {"handling_no_onward_sharing": True,
                "handling_intelligence_only": agreement.limit_intelligence_only or record.handling_intelligence_only,
                "handling_no_judicial_use": agreement.limit_no_judicial_use or record.handling_no_judicial_use,
                "handling_other": (_("Acuerdo n.º %(id)s; fin: %(purpose)s") % {
                    "id": agreement.pk, "purpose": choices.label(choices.PURPOSES, purpose)})[:500]}
    do_change_sharing(user, record, distribution=Distribution.GROUP, sharing_group=agreement.exchange_group,
                      handling=handling)
    share = AgreementShare(owner_institution=record.owner_institution, created_by=user,
                           distribution=Distribution.COUNTRY, agreement=agreement,
                           record_type=type(record)._meta.label_lower, record_id=record.pk,
                           record_label=str(record)[:200], purpose=purpose)
    share.clean_sharing()
    share.save()
    log_event("write", user=user, obj=share, detail={"action": "share_under_agreement", "agreement": agreement.pk,
                                                     "purpose": purpose, "record_type": share.record_type,
                                                     "record_id": record.pk})
    return share


# --- onboarding a new party -------------------------------------------------------------------------------

def _institution_types() -> set[str]:
    from enlace.core.models import Institution

    return set(Institution.Type.values)


def clean_party_data(data: dict) -> dict:
    """Validate a new party (code, names, kind, time zone, institutions, proposed contacts); nothing written."""
    from enlace.directory.validation import normalize_email, normalize_phone, validate_timezone

    errors: dict[str, list] = {}

    def fail(field, msg):
        errors.setdefault(field, []).append(msg)

    code = str(data.get("code") or "").strip().upper()
    if not (2 <= len(code) <= 5 and code.isalpha()):
        fail("code", _("El código tiene de 2 a 5 letras (ISO 3166-1 alfa-3 para un país, sigla para un organismo)."))
    elif Country.objects.filter(code=code).exists():  # reference data: the code must be new
        fail("code", _("Ya existe una parte con el código %(code)s.") % {"code": code})
    out = {"code": code, "name_es": " ".join(str(data.get("name_es") or "").split())[:120],
           "name_en": " ".join(str(data.get("name_en") or "").split())[:120]}
    if not out["name_es"] or not out["name_en"]:
        fail("name_es", _("Indique el nombre en español y en inglés."))
    kind = data.get("kind") or ""
    if kind not in Country.Kind.values:
        fail("kind", _("Elija si se incorpora como país miembro o como organismo observador."))
    out["kind"] = kind
    try:
        out["timezone"] = validate_timezone(data.get("timezone") or "")
    except ValidationError as exc:
        fail("timezone", exc.messages[0])
    institutions = []
    for row in data.get("institutions") or []:
        name = " ".join(str(row.get("name") or "").split())[:200]
        if not name or row.get("type") not in _institution_types():
            fail("institutions", _("Cada institución necesita nombre y un tipo válido."))
            continue
        institutions.append({"name": name, "type": row["type"], "acronym": str(row.get("acronym") or "")[:30]})
    if not institutions:
        fail("institutions", _("Indique al menos una institución de la nueva parte."))
    elif kind == Country.Kind.MEMBER and not any(i["type"] == "foreign_ministry" for i in institutions):
        fail("institutions", _("Un país miembro se incorpora con su Cancillería, que autorizará a sus puntos focales."))
    contacts = []
    acronyms = {i["acronym"] for i in institutions if i["acronym"]}
    for n, row in enumerate(data.get("contacts") or [], start=1):
        if kind == Country.Kind.OBSERVER:
            fail("contacts", _("Los organismos observadores no figuran en el directorio de puntos focales."))
            break
        try:
            contact = {"first_name": str(row.get("first_name") or "").strip()[:100],
                       "last_name": str(row.get("last_name") or "").strip()[:100],
                       "position": str(row.get("position") or "").strip()[:200],
                       "email": normalize_email(row.get("email") or ""),
                       "phone": normalize_phone(row.get("phone") or "", code),
                       "institution": str(row.get("institution") or "").strip()}
        except ValidationError as exc:
            fail("contacts", _("Contacto %(n)s: %(error)s") % {"n": n, "error": exc.messages[0]})
            continue
        if not (contact["first_name"] and contact["last_name"] and contact["position"] and contact["phone"]):
            fail("contacts", _("Contacto %(n)s: faltan nombre, apellidos, cargo o teléfono.") % {"n": n})
        elif contact["institution"] not in acronyms:
            fail("contacts", _("Contacto %(n)s: la institución «%(a)s» no está entre las de la nueva parte.")
                 % {"n": n, "a": contact["institution"][:30]})
        else:
            contacts.append(contact)
    out["institutions"], out["contacts"] = institutions, contacts
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def do_onboard_party(user, data: dict) -> Country:
    """The ST incorporates a new party (a corridor country as member, the Regional Coalition as observer):
    its reference row, its institutions and, for a member, its focal points proposed for the authorisation
    of its Cancillería — through this action, never by editing reference data."""
    from enlace.core.models import Institution
    from enlace.directory.actions import review_group
    from enlace.directory.models import Contact
    from enlace.directory.validation import normalize_name

    if not (is_secretariat(user) and user.has_perm("agreements.onboard_party")):
        raise PermissionDenied(_("Solo la Secretaría Técnica incorpora nuevas partes."))
    clean = clean_party_data(data)
    country = Country.objects.create(code=clean["code"], name_es=clean["name_es"], name_en=clean["name_en"],
                                     kind=clean["kind"], in_network=clean["kind"] == Country.Kind.MEMBER,
                                     timezone=clean["timezone"])
    by_acronym = {}
    for row in clean["institutions"]:
        inst = Institution.objects.create(country=country, **row)
        by_acronym[row["acronym"]] = inst
    group = review_group()
    proposed = []
    for row in clean["contacts"]:
        inst = by_acronym[row.pop("institution")]
        contact = Contact(owner_institution=inst, created_by=user, status=Contact.Status.PROPOSED,
                          timezone=clean["timezone"], handling_no_judicial_use=False,
                          distribution=Distribution.GROUP, sharing_group=group,
                          proposal_expires_on=timezone.localdate() + datetime.timedelta(days=60),
                          normalized_name=normalize_name(row["first_name"], row["last_name"]), **row)
        contact.clean_sharing()
        contact.save()
        proposed.append(contact.pk)
    log_event("write", user=user, obj=country, after={"code": country.code, "kind": country.kind,
                                                       "in_network": country.in_network},
              detail={"action": "onboard_party", "institutions": len(by_acronym), "proposed_contacts": proposed})
    return country
