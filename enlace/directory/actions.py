"""Every change to the directory. Atomic, audited, and the only place that writes its rows."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.accounts.actions import end_sessions
from enlace.accounts.models import EndedSession, User
from enlace.audit.log import log_event
from enlace.core.models import Country, Institution
from enlace.notifications.actions import do_notify
from enlace.sharing.access import require
from enlace.sharing.models import SharingGroup
from enlace.sharing.policy import SECRETARIAT_CODE, Distribution

from . import choices
from .models import Authorisation, Contact, PublicKeyActor, pack
from .validation import normalize_email, normalize_name, normalize_phone, validate_codes, validate_timezone

PROPOSAL_DAYS = 90
DEFAULT_VALIDITY_DAYS = 730
MAX_VALIDITY_DAYS = 5 * 366
REVIEW_GROUP_NAME = "Directorio: país propietario y Secretaría Técnica"
LIVE_STATUSES = (Contact.Status.PROPOSED, Contact.Status.ACTIVE, Contact.Status.SUSPENDED)
EDITABLE_FIELDS = ("first_name", "last_name", "position", "unit", "reports_to_id", "scope", "areas", "functions",
                   "languages", "email", "phone", "mobile", "timezone", "hours_start", "hours_end", "working_days",
                   "user_id", "owner_institution_id")
# What an entry designates: who (the account, the person's name), as what (position) and where
# (institution). Changing any of them on an authorised entry sends it back to the Cancillería.
IDENTITY_FIELDS = ("user_id", "first_name", "last_name", "position", "owner_institution_id")


# --- who may do what: the sharing policy (``Contact.write_rules``) ----------------------------------

def _require_any(user, contact, *action_names) -> Contact:
    """The current row if ``user`` may take any of ``action_names`` on it; else 404 (never a 403)."""
    for name in action_names:
        fresh = Contact.objects.restrict(user, name).filter(pk=contact.pk).select_related(
            "owner_institution__country").first()
        if fresh is not None:
            return fresh
    raise Http404


def may_be_listed(institution) -> bool:
    """Directory entries belong to member countries and to the ST (its own party, CRM)."""
    return institution.country.kind == Country.Kind.MEMBER or institution.country.code == SECRETARIAT_CODE


# --- helpers -----------------------------------------------------------------------------------------

def review_group() -> SharingGroup:
    """Sharing group {ST}: a proposal is seen by its own country and the Secretaría Técnica, nobody else."""
    crm = Country.objects.get(code=SECRETARIAT_CODE)
    group = SharingGroup.objects.filter(name=REVIEW_GROUP_NAME, countries=crm).first()
    if group is None:
        owner = Institution.objects.filter(country=crm).order_by("pk").first()
        group = SharingGroup.objects.create(name=REVIEW_GROUP_NAME, owner_institution=owner)
        group.countries.set([crm])
        log_event("sharing", obj=group, after={"countries": ["CRM"]})
    return group


def _narrow(contact) -> None:
    contact.distribution = Distribution.GROUP
    contact.sharing_group = review_group()


def _open(contact) -> None:
    contact.distribution = Distribution.NETWORK
    contact.sharing_group = None


def snapshot(contact) -> dict:
    data = {f: getattr(contact, f) for f in EDITABLE_FIELDS}
    data.update(status=contact.status, distribution=contact.distribution, valid_from=contact.valid_from,
                valid_until=contact.valid_until, proposal_expires_on=contact.proposal_expires_on)
    return data


def _record(contact, kind, user, reason="") -> Authorisation:
    auth = Authorisation(contact=contact, kind=kind, valid_from=contact.valid_from, valid_until=contact.valid_until,
                         reason=reason[:300], decided_by=user if getattr(user, "is_authenticated", False) else None,
                         owner_institution=contact.owner_institution, distribution=contact.distribution,
                         sharing_group=contact.sharing_group,
                         created_by=user if getattr(user, "is_authenticated", False) else None)
    auth.clean_sharing()
    auth.save()
    return auth


def _cut_access_if_no_other(contact, reason: str) -> dict:
    """End the linked account's sessions and tokens unless another entry still gives it standing."""
    if contact.user_id is None:
        return {}
    from .policy import is_authorised_focal_point

    # Asked after the save: the entry being closed no longer counts.
    if is_authorised_focal_point(contact.user):
        return {"kept": "another authorised entry"}
    return end_sessions(contact.user, reason=reason)


def network_recipients():
    """Officials of the network who can read the directory: the audience of change notices."""
    return list(User.objects.filter(
        is_active=True, institution__country__in_network=True,
        groups__permissions__content_type__app_label="directory",
        groups__permissions__codename="view_contact").distinct())


def cancilleria_of(country_id):
    return list(User.objects.filter(is_active=True, institution__country_id=country_id,
                                    groups__name="cancilleria").distinct())


def _card(contact) -> str:
    return reverse("directory:contact", args=[contact.pk])


def _notice_network(actor, contact, kind: str, title: str) -> None:
    do_notify(network_recipients(), kind=kind, title=title, link=_card(contact) if contact.distribution ==
              Distribution.NETWORK else reverse("directory:country", args=[contact.owner_institution.country.code]),
              actor=actor)


# --- validation shared by forms, API and import ------------------------------------------------------

def clean_contact_data(user, data: dict, instance: Contact | None = None) -> dict:
    """Normalise and validate contact fields; raise ``ValidationError`` keyed by field."""
    errors: dict[str, list] = {}
    out: dict = {}

    def fail(field, message):
        errors.setdefault(field, []).append(message)

    institution = data.get("institution") or (instance.owner_institution if instance else None)
    if institution is None:
        fail("institution", _("Elija la institución del contacto."))
    elif not may_be_listed(institution):
        fail("institution", _("Solo las instituciones de los países miembros y la Secretaría Técnica tienen puntos "
                              "focales."))
    elif user.institution_id is None or user.institution.country_id != institution.country_id:
        # Each party keeps its own entries; the ST included (it is one party, CRM).
        fail("institution", _("Solo puede proponer contactos de instituciones de su propio país."))
    country_code = institution.country.code if institution else None

    for field, label_text in (("first_name", _("nombre")), ("last_name", _("apellidos")), ("position", _("cargo"))):
        value = " ".join(str(data.get(field) or "").split())
        if not value:
            fail(field, _("Este campo es obligatorio: %(field)s.") % {"field": label_text})
        out[field] = value
    out["unit"] = " ".join(str(data.get("unit") or "").split())
    out["scope"] = data.get("scope") or "both"
    if out["scope"] not in dict(choices.SCOPES):
        fail("scope", _("Elija tráfico ilícito de migrantes, trata de personas o ambos."))

    for field, catalogue, label_text, required in (
            ("areas", choices.AREAS, _("áreas"), True), ("functions", choices.FUNCTIONS, _("funciones"), False),
            ("languages", choices.LANGUAGES, _("idiomas"), True)):
        try:
            codes = validate_codes(data.get(field) or [], catalogue, label_text)
            if required and not codes:
                fail(field, _("Indique al menos un valor en %(field)s.") % {"field": label_text})
            out[field] = pack(codes)
        except ValidationError as exc:
            fail(field, exc.messages[0])
    days = [str(d) for d in (data.get("working_days") or ["0", "1", "2", "3", "4"])]
    if any(d not in dict(choices.WEEKDAYS) for d in days):
        fail("working_days", _("Días laborables no válidos."))
    out["working_days"] = pack(sorted(set(days)))

    try:
        out["email"] = normalize_email(data.get("email") or "")
    except ValidationError as exc:
        fail("email", exc.messages[0])
    for field in ("phone", "mobile"):
        raw = data.get(field) or ""
        if field == "phone" and not str(raw).strip():
            fail("phone", _("Indique el teléfono institucional."))
            continue
        try:
            out[field] = normalize_phone(str(raw), country_code)
        except ValidationError as exc:
            fail(field, exc.messages[0])
    tz = data.get("timezone") or (institution.country.timezone if institution else "")
    try:
        out["timezone"] = validate_timezone(tz)
    except ValidationError as exc:
        fail("timezone", exc.messages[0])
    start, end = data.get("hours_start") or datetime.time(8, 0), data.get("hours_end") or datetime.time(16, 0)
    if start >= end:
        fail("hours_end", _("El fin de la jornada debe ser posterior a su inicio."))
    out["hours_start"], out["hours_end"] = start, end

    linked = data.get("user")
    if linked is not None:
        if institution is not None and (linked.institution_id is None
                                        or linked.institution.country_id != institution.country_id):
            fail("user", _("La cuenta vinculada debe pertenecer a un funcionario del mismo país."))
        elif Contact.objects.restrict(user, "list").filter(user=linked, status__in=LIVE_STATUSES).exclude(
                pk=getattr(instance, "pk", None)).exists():
            fail("user", _("Esa cuenta ya está vinculada a otro contacto vigente del directorio."))
    out["user"] = linked
    boss = data.get("reports_to")
    if boss is not None and (institution is None or boss.owner_institution.country_id != institution.country_id
                             or (instance is not None and boss.pk == instance.pk)):
        fail("reports_to", _("El superior debe ser otro contacto del mismo país."))
    out["reports_to"] = boss
    out["owner_institution"] = institution

    if not errors:
        for dup_field, message in _duplicates(user, out, institution, instance):
            fail(dup_field, message)
    if errors:
        raise ValidationError(errors)
    return out


def _duplicates(user, out, institution, instance):
    """Probable duplicates among the live entries the user may see."""
    seen = Contact.objects.restrict(user, "search").filter(status__in=LIVE_STATUSES)
    if instance is not None:
        seen = seen.exclude(pk=instance.pk)
    name = normalize_name(out["first_name"], out["last_name"])
    found = []
    same = seen.filter(normalized_name=name, owner_institution__country=institution.country).first()
    if same:
        found.append(("last_name", _("Ya existe un contacto con este nombre en %(country)s (n.º %(id)s). Si es la "
                                     "misma persona, edite o renueve ese registro.")
                      % {"country": institution.country.name, "id": same.pk}))
    same = seen.filter(email__iexact=out["email"]).first()
    if same:
        found.append(("email", _("Este correo ya figura en el contacto n.º %(id)s.") % {"id": same.pk}))
    if out.get("phone"):
        same = seen.filter(Q(phone=out["phone"]) | Q(mobile=out["phone"])).first()
        if same:
            found.append(("phone", _("Este teléfono ya figura en el contacto n.º %(id)s.") % {"id": same.pk}))
    return found


# --- lifecycle ---------------------------------------------------------------------------------------

@transaction.atomic
def do_propose_contact(user, data: dict, *, notify: bool = True) -> Contact:
    """An official of a party (a member country or the ST) proposes a contact of an institution of that party.

    Only its own country and the ST see the proposal until the party's Cancillería authorises it.
    """
    if not user.has_perm("directory.add_contact"):
        raise PermissionDenied(_("No tiene permiso para proponer contactos."))
    clean = clean_contact_data(user, data)
    contact = Contact(created_by=user, status=Contact.Status.PROPOSED,
                      proposal_expires_on=timezone.localdate() + datetime.timedelta(days=PROPOSAL_DAYS),
                      handling_no_judicial_use=False, **clean)
    contact.normalized_name = normalize_name(contact.first_name, contact.last_name)
    contact.confirmed_at = timezone.now()
    _narrow(contact)
    contact.clean_sharing()
    contact.save()
    log_event("write", user=user, obj=contact, after=snapshot(contact), detail={"action": "propose"})
    if notify:
        do_notify(cancilleria_of(contact.owner_institution.country_id), kind="directory.proposal",
                  title=_("Directorio: nueva propuesta de punto focal pendiente de autorización"),
                  link=_card(contact), actor=user)
    return contact


@transaction.atomic
def do_update_contact(user, contact: Contact, data: dict) -> Contact:
    """An ordinary edit, by the owner institution only.

    Changing what an authorised (or suspended, or expired) entry designates — the linked account, the person's
    name, the position or the institution — sends it back to the Cancillería: the entry becomes a
    proposal again, narrowed to its country and the ST, so neither the old nor the new account has
    cross-border standing through it until the Cancillería decides again (the policy asks on every
    request). Its portal listing, if any, is withdrawn.
    """
    contact = require(user, contact, "change")
    before = snapshot(contact)
    clean = clean_contact_data(user, {"institution": contact.owner_institution, **data}, instance=contact)
    if clean["owner_institution"].country_id != contact.owner_institution.country_id:
        raise ValidationError({"institution": _("Un contacto no puede cambiar de país.")})
    for key, value in clean.items():
        setattr(contact, key, value)
    contact.normalized_name = normalize_name(contact.first_name, contact.last_name)
    contact.confirmed_at = timezone.now()
    # Expired entries too: a renewal must not hand the old authorisation to a new holder.
    redesignated = (before["status"] in (Contact.Status.ACTIVE, Contact.Status.SUSPENDED, Contact.Status.EXPIRED)
                    and any(before[k] != getattr(contact, k) for k in IDENTITY_FIELDS))
    was_on_network = before["distribution"] == Distribution.NETWORK
    if redesignated:
        contact.status = Contact.Status.PROPOSED
        contact.status_reason = ""
        contact.valid_from = contact.valid_until = None
        contact.proposal_expires_on = timezone.localdate() + datetime.timedelta(days=PROPOSAL_DAYS)
        _narrow(contact)
        contact.clean_sharing()
    contact.save()
    detail = {"action": "reproposed" if redesignated else "update"}
    if redesignated:
        _record(contact, Authorisation.Kind.REPROPOSED, user)
        if _withdraw_listing(contact):
            detail["key_actor_withdrawn"] = True
    after = snapshot(contact)
    changed = sorted(k for k in after if before[k] != after[k])
    log_event("write", user=user, obj=contact, before=before, after=after, detail={"changed": changed, **detail})
    if redesignated:
        do_notify(cancilleria_of(contact.owner_institution.country_id), kind="directory.proposal",
                  title=_("Directorio: un punto focal cambió de titular, cargo o institución y espera su autorización"),
                  link=_card(contact), actor=user)
        if was_on_network:
            _notice_network(user, contact, "directory.change",
                            _("Directorio: un punto focal de %(country)s vuelve a la autorización de su Cancillería")
                            % {"country": contact.country.name})
    elif changed and contact.status == Contact.Status.ACTIVE:
        _notice_network(user, contact, "directory.change", _("Directorio: cambio en los datos de un punto focal de "
                                                              "%(country)s") % {"country": contact.country.name})
    return contact


def _withdraw_listing(contact) -> bool:
    """Off the portal: a key actor is public only while its person is an authorised focal point."""
    # The listing is the contact's own projection; the action deciding on the contact decides on it.
    actor = PublicKeyActor.objects.unrestricted(reason="withdraw the portal listing of a closed entry").filter(
        contact=contact).exclude(status=PublicKeyActor.Status.WITHDRAWN).first()
    if actor is None:
        return False
    actor.status, actor.distribution, actor.sharing_group = PublicKeyActor.Status.WITHDRAWN, Distribution.NETWORK, None
    actor.save(update_fields=["status", "distribution", "sharing_group", "updated_at"])
    return True


@transaction.atomic
def do_confirm_contact(user, contact: Contact) -> Contact:
    """"These data are still right": the person themself, the owner institution or the Cancillería confirm."""
    contact = _require_any(user, contact, "confirm", "change", "authorise")
    before = contact.confirmed_at
    contact.confirmed_at = timezone.now()
    contact.save(update_fields=["confirmed_at", "updated_at"])
    log_event("write", user=user, obj=contact, before={"confirmed_at": before},
              after={"confirmed_at": contact.confirmed_at}, detail={"action": "confirm"})
    return contact


def _validity(valid_from, valid_until):
    today = timezone.localdate()
    valid_from = valid_from or today
    if valid_until is None:
        valid_until = valid_from + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)
    if valid_until < today:
        raise ValidationError({"valid_until": _("La fecha de fin de vigencia ya pasó.")})
    if valid_until <= valid_from:
        raise ValidationError({"valid_until": _("El fin de la vigencia debe ser posterior a su inicio.")})
    if (valid_until - valid_from).days > MAX_VALIDITY_DAYS:
        raise ValidationError({"valid_until": _("La vigencia no puede superar cinco años.")})
    return valid_from, valid_until


@transaction.atomic
def do_authorise_contact(user, contact: Contact, *, valid_from=None, valid_until=None, notify: bool = True) -> Contact:
    """The Cancillería of the contact's country authorises a proposal for a validity period: it joins the network.

    For the ST's own entries (CRM) the ST decides, as a Cancillería does for its country.
    """
    contact = require(user, contact, "authorise")
    today = timezone.localdate()
    if contact.status == Contact.Status.EXPIRED and contact.valid_from is None:
        raise ValidationError({"status": _("Esta propuesta venció el %(date)s sin ser autorizada. Pida que se vuelva "
                                           "a presentar.") % {"date": contact.proposal_expires_on}})
    if contact.status == Contact.Status.PROPOSED and contact.proposal_expires_on and contact.proposal_expires_on < today:
        raise ValidationError({"status": _("Esta propuesta venció el %(date)s sin ser autorizada. Pida que se vuelva "
                                           "a presentar.") % {"date": contact.proposal_expires_on}})
    if contact.status != Contact.Status.PROPOSED:
        raise ValidationError({"status": _("Solo se autorizan propuestas; este contacto está «%(status)s». Use "
                                           "renovar o reactivar.") % {"status": contact.get_status_display()}})
    before = snapshot(contact)
    contact.valid_from, contact.valid_until = _validity(valid_from, valid_until)
    contact.status = Contact.Status.ACTIVE
    contact.status_reason = ""
    contact.proposal_expires_on = None
    _open(contact)
    contact.clean_sharing()
    contact.save()
    _record(contact, Authorisation.Kind.AUTHORISED, user)
    log_event("write", user=user, obj=contact, before=before, after=snapshot(contact), detail={"action": "authorise"})
    if notify:
        _notice_network(user, contact, "directory.added", _("Directorio: nuevo punto focal autorizado en %(country)s")
                        % {"country": contact.country.name})
    return contact


@transaction.atomic
def do_designate_principal_contact(user, contact: Contact) -> Contact:
    """The Cancillería designates its country's principal focal point (one per country): listed first in
    the directory and the country's default addressee. The previous principal, if any, stops being it."""
    contact = require(user, contact, "authorise")
    if not contact.in_force():
        raise ValidationError({"principal": _("Solo un punto focal autorizado y vigente puede ser el principal.")})
    country = contact.owner_institution.country_id
    previous = list(Contact.objects.restrict(user, "authorise").filter(
        owner_institution__country=country, principal=True).exclude(pk=contact.pk).values_list("pk", flat=True))
    Contact.objects.restrict(user, "authorise").filter(pk__in=previous).update(principal=False)
    contact.principal = True
    contact.save(update_fields=["principal", "updated_at"])
    log_event("write", user=user, obj=contact, before={"principal": False, "previous": previous},
              after={"principal": True}, detail={"action": "designate_principal"})
    return contact


@transaction.atomic
def do_renew_contact(user, contact: Contact, *, valid_until, valid_from=None) -> Contact:
    """Extend an active (or expired) authorisation; an expired contact comes back to the network."""
    contact = require(user, contact, "authorise")
    if contact.status not in (Contact.Status.ACTIVE, Contact.Status.EXPIRED) or contact.valid_from is None:
        raise ValidationError({"status": _("Solo se renuevan autorizaciones vigentes o vencidas.")})
    before = snapshot(contact)
    start = valid_from or (contact.valid_from if contact.status == Contact.Status.ACTIVE else timezone.localdate())
    contact.valid_from, contact.valid_until = _validity(start, valid_until)
    was_expired = contact.status == Contact.Status.EXPIRED
    contact.status = Contact.Status.ACTIVE
    contact.status_reason = ""
    _open(contact)
    contact.save()
    _record(contact, Authorisation.Kind.RENEWED, user)
    log_event("write", user=user, obj=contact, before=before, after=snapshot(contact), detail={"action": "renew"})
    if was_expired:
        _notice_network(user, contact, "directory.added", _("Directorio: punto focal renovado en %(country)s")
                        % {"country": contact.country.name})
    return contact


def _close(user, contact, status, kind, reason, action):
    """Take an entry off the network (suspend, revoke, departure, expiry) and end the access it gave.

    The linked account's standing ends with the save (the policy asks on every request); its
    sessions and tokens are ended too, with the reason kept for the login page.
    """
    before = snapshot(contact)
    contact.status = status
    contact.status_reason = reason[:300]
    _narrow(contact)
    contact.save()
    _record(contact, kind, user, reason)
    cut = _cut_access_if_no_other(contact, SESSION_END_REASON[kind])
    if _withdraw_listing(contact):
        cut["key_actor_withdrawn"] = True
    log_event("write", user=user, obj=contact, before=before, after=snapshot(contact),
              detail={"action": action, "reason": reason[:300], **cut})
    return contact


SESSION_END_REASON = {
    Authorisation.Kind.SUSPENDED: EndedSession.Reason.SUSPENDED,
    Authorisation.Kind.REVOKED: EndedSession.Reason.REVOKED,
    Authorisation.Kind.DEPARTED: EndedSession.Reason.DEPARTED,
    Authorisation.Kind.EXPIRED: EndedSession.Reason.EXPIRED,
}


@transaction.atomic
def do_suspend_contact(user, contact: Contact, *, reason: str) -> Contact:
    """The Cancillería suspends an active entry: off the network and without standing until reinstated."""
    contact = require(user, contact, "authorise")
    if contact.status != Contact.Status.ACTIVE:
        raise ValidationError({"status": _("Solo se suspende un contacto activo.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Indique el motivo.")})
    _close(user, contact, Contact.Status.SUSPENDED, Authorisation.Kind.SUSPENDED, reason, "suspend")
    _notice_network(user, contact, "directory.departed", _("Directorio: un punto focal de %(country)s fue suspendido")
                    % {"country": contact.country.name})
    return contact


@transaction.atomic
def do_reinstate_contact(user, contact: Contact) -> Contact:
    """The Cancillería lifts a suspension within the validity period: back on the network."""
    contact = require(user, contact, "authorise")
    if contact.status != Contact.Status.SUSPENDED:
        raise ValidationError({"status": _("Solo se reactiva un contacto suspendido.")})
    if contact.valid_until and contact.valid_until < timezone.localdate():
        raise ValidationError({"status": _("La autorización venció mientras estaba suspendida; renuévela.")})
    before = snapshot(contact)
    contact.status = Contact.Status.ACTIVE
    contact.status_reason = ""
    _open(contact)
    contact.save()
    _record(contact, Authorisation.Kind.REINSTATED, user)
    log_event("write", user=user, obj=contact, before=before, after=snapshot(contact), detail={"action": "reinstate"})
    _notice_network(user, contact, "directory.added", _("Directorio: punto focal reactivado en %(country)s")
                    % {"country": contact.country.name})
    return contact


@transaction.atomic
def do_revoke_contact(user, contact: Contact, *, reason: str, departure: bool = False) -> Contact:
    """Revocation by the Cancillería, or a departure from the post registered by the Cancillería or the owner
    institution: cross-border standing, sessions and tokens end at once."""
    contact = _require_any(user, contact, "authorise", "change") if departure else require(user, contact, "authorise")
    if contact.status not in LIVE_STATUSES:
        raise ValidationError({"status": _("Este contacto ya no está vigente.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Indique el motivo.")})
    was_active = contact.status == Contact.Status.ACTIVE
    kind = Authorisation.Kind.DEPARTED if departure else Authorisation.Kind.REVOKED
    _close(user, contact, Contact.Status.REVOKED, kind, reason, "departure" if departure else "revoke")
    if was_active:
        _notice_network(user, contact, "directory.departed",
                        _("Directorio: baja de un punto focal de %(country)s") % {"country": contact.country.name})
    return contact


@transaction.atomic
def do_expire_contact(contact: Contact, *, today=None) -> Contact:
    """The clock's decision (periodic task): past its validity, a contact leaves the network."""
    # ``contact`` comes from the periodic task's system read (``Contact.objects.unrestricted``); the
    # clock acts for nobody, so there is no official to re-read it for.
    today = today or timezone.localdate()
    if contact.status == Contact.Status.PROPOSED:
        if contact.proposal_expires_on and contact.proposal_expires_on < today:
            before = snapshot(contact)
            contact.status = Contact.Status.EXPIRED
            contact.status_reason = _("Propuesta no autorizada a tiempo.")
            contact.save()
            log_event("write", obj=contact, before=before, after=snapshot(contact), detail={"action": "expire_proposal"})
        return contact
    if contact.status != Contact.Status.ACTIVE or not contact.valid_until or contact.valid_until >= today:
        return contact
    _close(None, contact, Contact.Status.EXPIRED, Authorisation.Kind.EXPIRED, _("Fin del periodo de vigencia."),
           "expire")
    _notice_network(None, contact, "directory.departed",
                    _("Directorio: venció la autorización de un punto focal de %(country)s") % {"country": contact.country.name})
    do_notify(cancilleria_of(contact.owner_institution.country_id) + ([contact.user] if contact.user else []),
              kind="directory.expired", title=_("Directorio: venció la autorización de %(name)s")
              % {"name": contact.full_name}, link=_card(contact))
    return contact


@transaction.atomic
def do_resubmit_proposal(user, contact: Contact) -> Contact:
    """An expired (never authorised) proposal goes back to the Cancillería for a new period of review."""
    contact = require(user, contact, "change")
    if contact.status != Contact.Status.EXPIRED or contact.valid_from is not None:
        raise ValidationError({"status": _("Solo se vuelve a presentar una propuesta vencida.")})
    before = snapshot(contact)
    contact.status = Contact.Status.PROPOSED
    contact.status_reason = ""
    contact.proposal_expires_on = timezone.localdate() + datetime.timedelta(days=PROPOSAL_DAYS)
    contact.save()
    log_event("write", user=user, obj=contact, before=before, after=snapshot(contact), detail={"action": "resubmit"})
    do_notify(cancilleria_of(contact.owner_institution.country_id), kind="directory.proposal",
              title=_("Directorio: nueva propuesta de punto focal pendiente de autorización"), link=_card(contact),
              actor=user)
    return contact


@transaction.atomic
def do_send_expiry_reminder(contact: Contact, days: int) -> bool:
    """Reminder ``days`` (30 or 7) before expiry, to the person and their Cancillería; never twice."""
    # ``contact`` comes from the periodic task's system read, as in ``do_expire_contact``.
    field = "reminded_30_for" if days == 30 else "reminded_7_for"
    if getattr(contact, field) == contact.valid_until:
        return False
    recipients = cancilleria_of(contact.owner_institution.country_id) + ([contact.user] if contact.user else [])
    do_notify(recipients, kind="directory.reminder",
              title=_("Directorio: la autorización de %(name)s vence el %(date)s")
              % {"name": contact.full_name, "date": contact.valid_until.strftime("%d/%m/%Y")}, link=_card(contact))
    setattr(contact, field, contact.valid_until)
    contact.save(update_fields=[field])
    log_event("write", obj=contact, after={field: contact.valid_until}, detail={"action": f"reminder_{days}"})
    return True


# --- public key actors ---------------------------------------------------------------------------------

@transaction.atomic
def do_consent_public_listing(user, contact: Contact, *, public_email: str = "", public_phone: str = "") -> PublicKeyActor:
    """The person themself consents to appear on the portal, with institutional data only."""
    contact = require(user, contact, "consent")
    if not contact.in_force():
        raise ValidationError({"status": _("Solo un punto focal autorizado y vigente puede figurar en el portal.")})
    errors = {}
    if public_email:
        try:
            public_email = normalize_email(public_email)
        except ValidationError as exc:
            errors["public_email"] = exc.messages
    if public_phone:
        try:
            public_phone = normalize_phone(public_phone, contact.country.code)
        except ValidationError as exc:
            errors["public_phone"] = exc.messages
    if public_email and public_email.lower() == contact.email.lower():
        errors["public_email"] = [_("Use un correo genérico de la institución, no su correo personal de trabajo.")]
    if errors:
        raise ValidationError(errors)
    # The person's own listing (at most one per contact), read to update it: the consent decides on it.
    actor, _created = PublicKeyActor.objects.unrestricted(reason="the person's own portal listing").get_or_create(
        contact=contact, defaults={"owner_institution": contact.owner_institution, "country": contact.country,
                                   "consent_at": timezone.now(), "position": contact.position,
                                   "institution_name": contact.owner_institution.name, "created_by": user})
    before = {"status": actor.status} if not _created else None
    actor.position, actor.institution_name, actor.areas = contact.position, contact.owner_institution.name, contact.areas
    actor.public_email, actor.public_phone = public_email, public_phone
    actor.consent_at, actor.status = timezone.now(), PublicKeyActor.Status.PENDING
    actor.distribution, actor.sharing_group = Distribution.NETWORK, None
    actor.clean_sharing()
    actor.save()
    log_event("write", user=user, obj=actor, before=before, after={"status": actor.status, "consent": True})
    return actor


@transaction.atomic
def do_approve_key_actor(user, actor: PublicKeyActor) -> PublicKeyActor:
    """The ST approves: the institutional projection goes public through the portal's publish step."""
    from enlace.sharing.actions import do_publish_record

    actor = require(user, actor, "approve")
    if actor.status != PublicKeyActor.Status.PENDING:
        raise ValidationError({"status": _("Este actor clave no está pendiente de aprobación.")})
    actor.status, actor.approved_by, actor.approved_at = PublicKeyActor.Status.PUBLISHED, user, timezone.now()
    # The publish step saves the record and writes the one audit event ("published").
    do_publish_record(user, actor)
    return actor


@transaction.atomic
def do_withdraw_key_actor(user, actor: PublicKeyActor) -> PublicKeyActor:
    """The person withdraws consent, or the ST withdraws the listing: off the portal at once."""
    fresh = None
    for name in ("withdraw", "approve"):
        fresh = PublicKeyActor.objects.restrict(user, name).filter(pk=actor.pk).first()
        if fresh is not None:
            break
    if fresh is None:
        raise Http404
    actor = fresh
    before = {"status": actor.status, "distribution": actor.distribution}
    actor.status, actor.distribution, actor.sharing_group = PublicKeyActor.Status.WITHDRAWN, Distribution.NETWORK, None
    actor.save()
    log_event("write", user=user, obj=actor, before=before, after={"status": actor.status,
                                                                     "distribution": actor.distribution})
    return actor
