"""Every change to joint investigation teams: atomic, audited, one event each.

The team thread is an exchange thread (``enlace.exchange.actions.do_send_thread``) addressed to the
accepted members: same message types, deadlines, receipts, live stream and audit as the exchange.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.core.widgets import date_pattern, parse_local_date
from enlace.core.uploads import store_encrypted, validate_upload
from enlace.core.models import Country
from enlace.notifications.actions import do_notify
from enlace.sharing.access import require
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.models import SharingGroup
from enlace.sharing.policy import Distribution, has_cross_border_standing

from .models import JointTeam, TeamEntry, TeamMember


def _require_standing(user) -> None:
    if not (user.institution_id and has_cross_border_standing(user)):
        raise PermissionDenied(_("Solo los funcionarios autorizados por su Cancillería y vigentes trabajan en equipos "
                                 "conjuntos."))


def _date(value, field, errors):
    if isinstance(value, datetime.date):
        return value
    # The page's order (dd/mm/aaaa in Spanish) or ISO (the API); the other order is refused, never swapped.
    try:
        return parse_local_date(value)
    except ValidationError as exc:
        if exc.code == "other_order":  # says which order the page expects
            errors.setdefault(field, []).extend(exc.messages)
        else:
            errors.setdefault(field, []).append(_("Indique una fecha válida (%(pattern)s).") % {"pattern": date_pattern()})
        return None


def clean_team_data(user, data: dict) -> dict:
    """Validate a new team; errors keyed by field, nothing written."""
    from enlace.agreements.actions import live_agreements_for

    errors: dict[str, list] = {}

    def fail(field, msg):
        errors.setdefault(field, []).append(msg)

    out = {"name": " ".join(str(data.get("name") or "").split())[:200],
           "purpose": str(data.get("purpose") or "").strip()[:5000]}
    if not out["name"]:
        fail("name", _("Indique el nombre del equipo."))
    if not out["purpose"]:
        fail("purpose", _("Indique la finalidad del equipo."))
    out["starts_on"] = _date(data.get("starts_on"), "starts_on", errors)
    out["ends_on"] = _date(data.get("ends_on"), "ends_on", errors)
    if out["starts_on"] and out["ends_on"] and out["ends_on"] < out["starts_on"]:
        fail("ends_on", _("La fecha de término no puede ser anterior a la de inicio."))
    own = user.institution.country_id
    invited = []
    for code in data.get("countries") or []:
        code = str(getattr(code, "code", code)).upper()[:5]
        country = Country.objects.restrict(user, "view").filter(code=code).first()
        if country is None:
            fail("countries", _("País desconocido: %(code)s.") % {"code": code})
        elif country.pk == own:
            fail("countries", _("Su país ya es parte del equipo: invite a otros países."))
        elif country not in invited:
            invited.append(country)
    if not invited and not errors.get("countries"):
        fail("countries", _("Invite al menos a otro país."))
    out["countries"] = invited
    out["agreement"] = None
    out["purpose_code"] = ""
    agreement_id = data.get("agreement")
    if agreement_id:
        agreement = live_agreements_for(user).filter(pk=getattr(agreement_id, "pk", agreement_id)).first() if str(
            getattr(agreement_id, "pk", agreement_id)).isdigit() else None
        if agreement is None:
            fail("agreement", _("Elija un acuerdo vigente del que su país sea parte."))
        else:
            code = str(data.get("purpose_code") or "")
            if code not in agreement.purposes:
                fail("purpose_code", _("Ese fin no está permitido por el acuerdo «%(title)s».") % {
                    "title": agreement.title})
            parties = set(agreement.parties.values_list("pk", flat=True))
            outside = [c.code for c in invited if c.pk not in parties]
            if outside:
                fail("countries", _("No son partes del acuerdo: %(codes)s.") % {"codes": ", ".join(outside)})
            out["agreement"], out["purpose_code"] = agreement, code
    if errors:
        raise ValidationError(errors)
    return out


def _snapshot(team: JointTeam) -> dict:
    return {"status": team.status, "starts_on": team.starts_on, "ends_on": team.ends_on,
            "members": sorted(f"{m.country.code}:{m.status}" for m in team.members.select_related("country"))}


def team_link(team) -> str:
    return reverse("teams:detail", args=[team.pk])


def _officials_of(countries, perm_codename: str):
    from enlace.accounts.models import User

    return list(User.objects.filter(institution__country__in=[c.pk for c in countries], is_active=True,
                                    groups__permissions__content_type__app_label="teams",
                                    groups__permissions__codename=perm_codename).distinct())


@transaction.atomic
def do_create_team(user, data: dict) -> JointTeam:
    """Create a team and invite countries. Nothing is shared with an invitee until it accepts."""
    _require_standing(user)
    if not user.has_perm("teams.add_jointteam"):
        raise PermissionDenied(_("Su función no permite crear equipos conjuntos."))
    clean = clean_team_data(user, data)
    invited = clean.pop("countries")
    own = user.institution.country
    header = SharingGroup.objects.create(name=f"Equipo: {clean['name']}"[:120], owner_institution=user.institution)
    header.countries.set([own, *invited])
    workspace = SharingGroup.objects.create(name=f"Espacio: {clean['name']}"[:120], owner_institution=user.institution,
                                            source="team")
    workspace.countries.set([own])
    team = JointTeam(owner_institution=user.institution, created_by=user, distribution=Distribution.GROUP,
                     sharing_group=header, workspace_group=workspace, **clean)
    team.clean_sharing()
    team.save()
    TeamMember.objects.bulk_create([TeamMember(team=team, country=c) for c in invited])
    log_event("write", user=user, obj=team, after=_snapshot(team), detail={"action": "create_team"})
    do_notify(_officials_of(invited, "accept_jointteam"), kind="teams.invitation", actor=user, link=team_link(team),
              title=_("Enlace: invitación a un equipo conjunto de %(country)s") % {"country": own.name})
    return team


@transaction.atomic
def do_answer_team_invitation(user, team: JointTeam, *, accept: bool) -> TeamMember:
    """An authorised official of an invited country accepts (its country joins the workspace) or declines."""
    _require_standing(user)
    team = require(user, team, "accept")
    if team.status != JointTeam.Status.OPEN:
        raise ValidationError(_("El equipo está cerrado."))
    member = TeamMember.objects.select_for_update().get(team=team, country=user.institution.country_id)
    before = _snapshot(team)
    member.status = TeamMember.Status.ACCEPTED if accept else TeamMember.Status.DECLINED
    member.decided_by, member.decided_at = user, timezone.now()
    member.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        team.workspace_group.countries.add(member.country)
    else:
        team.sharing_group.countries.remove(member.country)
    TeamEntry.objects.create(team=team, kind=TeamEntry.Kind.EVENT, owner_institution=user.institution, created_by=user,
                             title=(_("%(country)s aceptó") if accept else _("%(country)s declinó")) % {
                                 "country": member.country.code},
                             distribution=Distribution.GROUP, sharing_group=team.workspace_group)
    log_event("write", user=user, obj=team, before=before, after=_snapshot(team),
              detail={"action": "accept" if accept else "decline", "country": member.country.code})
    return member


def _accepted_countries(team) -> list:
    return [m.country for m in team.members.filter(status=TeamMember.Status.ACCEPTED).select_related("country")]


def require_member(user, team: JointTeam) -> JointTeam:
    """The team, if the user's country created it or accepted to join it and it is open (else 404)."""
    team = require(user, team, "view")
    country = user.institution.country_id if user.institution_id else None
    if team.owner_institution.country_id != country and not team.members.filter(
            country=country, status=TeamMember.Status.ACCEPTED).exists():
        from django.http import Http404

        raise Http404
    return team


def _entry(user, team, **fields) -> TeamEntry:
    entry = TeamEntry(team=team, owner_institution=user.institution, created_by=user,
                      distribution=Distribution.GROUP, sharing_group=team.workspace_group, **fields)
    entry.clean_sharing()
    entry.save()
    return entry


def _open_member(user, team) -> JointTeam:
    _require_standing(user)
    team = require_member(user, team)
    if team.status != JointTeam.Status.OPEN:
        raise ValidationError(_("El equipo está cerrado."))
    return team


@transaction.atomic
def do_share_into_team(user, team: JointTeam, record) -> TeamEntry:
    """Share one of the user's records (a case with its entities, or any protected record) with the team.
    It stays owned by its country; closing the team or leaving it takes it out of the team's audience."""
    team = _open_member(user, team)
    from enlace.cases.actions import do_change_case_sharing
    from enlace.cases.models import Case

    if isinstance(record, Case):
        do_change_case_sharing(user, record, distribution=Distribution.GROUP, sharing_group=team.workspace_group)
    else:
        do_change_sharing(user, record, distribution=Distribution.GROUP, sharing_group=team.workspace_group)
    entry = _entry(user, team, kind=TeamEntry.Kind.SHARED, title=str(record)[:200],
                   record_type=type(record)._meta.label_lower, record_id=record.pk)
    log_event("write", user=user, obj=entry, detail={"action": "share_into_team", "team": team.pk,
                                                     "record_type": entry.record_type, "record_id": record.pk})
    return entry


@transaction.atomic
def do_add_team_entry(user, team: JointTeam, *, kind: str, title: str, body: str = "", due_on=None,
                      upload=None) -> TeamEntry:
    """A task with a deadline, or a document (a file — type checked by content, stored encrypted — and/or
    a note) in the workspace."""
    team = _open_member(user, team)
    errors: dict[str, list] = {}
    if kind not in (TeamEntry.Kind.TASK, TeamEntry.Kind.DOCUMENT):
        errors.setdefault("kind", []).append(_("Elija tarea o documento."))
    title = " ".join(str(title or "").split())[:200]
    if not title:
        errors.setdefault("title", []).append(_("Indique el título."))
    due = None
    if kind == TeamEntry.Kind.TASK:
        due = _date(due_on, "due_on", errors)
        if due and due < team.starts_on:
            errors.setdefault("due_on", []).append(_("El plazo no puede ser anterior al inicio del equipo."))
    stored = {}
    if upload is not None and kind == TeamEntry.Kind.DOCUMENT:
        try:
            mime = validate_upload(upload)
        except ValidationError as exc:
            errors.setdefault("file", []).extend(exc.messages)
        else:
            if not errors:
                rel, digest, size = store_encrypted(upload)
                stored = {"filename": str(upload.name or "documento")[-200:], "mime": mime, "size": size,
                          "sha256": digest, "stored_path": rel}
    if errors:
        raise ValidationError(errors)
    entry = _entry(user, team, kind=kind, title=title, body=str(body or "")[:20000], due_on=due, **stored)
    log_event("write", user=user, obj=entry, detail={"action": "add_team_entry", "kind": kind, "team": team.pk,
                                                     "file": bool(stored)})
    return entry


@transaction.atomic
def do_complete_team_task(user, entry: TeamEntry) -> TeamEntry:
    """Mark a task done (any accepted member may)."""
    entry = require(user, entry, "view")
    _open_member(user, entry.team)
    if entry.kind != TeamEntry.Kind.TASK:
        raise ValidationError(_("Solo las tareas se marcan como hechas."))
    before = {"done": entry.done}
    entry.done = True
    entry.save(update_fields=["done", "updated_at"])
    log_event("write", user=user, obj=entry, before=before, after={"done": True}, detail={"action": "complete_task"})
    return entry


@transaction.atomic
def do_start_team_thread(user, team: JointTeam, *, subject: str, body: str):
    """Open the team's thread: an exchange message to every accepted member (the creator's country and
    the accepted ones), with the exchange's deadlines, receipts, live stream and audit."""
    from enlace.exchange.actions import do_send_thread

    team = _open_member(user, team)
    if team.thread_id:
        raise ValidationError(_("El equipo ya tiene su hilo."))
    own = user.institution.country_id
    countries = [c for c in [team.owner_institution.country, *_accepted_countries(team)] if c.pk != own]
    if not countries:
        raise ValidationError(_("Ningún país aceptó todavía: el hilo se abre cuando haya al menos un miembro."))
    thread, _created = do_send_thread(user, {"kind": "info_request", "priority": "normal", "subject": subject,
                                             "body": body, "recipient_countries": [c.code for c in countries],
                                             "case_reference": f"ECI-{team.pk}"})
    team.thread = thread
    team.save(update_fields=["thread", "updated_at"])
    log_event("write", user=user, obj=team, detail={"action": "start_team_thread", "thread": thread.pk})
    return thread


def _withdraw_own_records(user, team) -> list[str]:
    """The records the leaving country shared in the team go back to its country (those the user may
    re-share; any other stays until its owner institution narrows it)."""
    from django.apps import apps

    from enlace.cases.actions import do_change_case_sharing
    from enlace.cases.models import Case

    out = []
    entries = list(TeamEntry.objects.restrict(user, "view").filter(
        team=team, kind=TeamEntry.Kind.SHARED, owner_institution__country=user.institution.country_id))
    shareable = set(TeamEntry.objects.restrict(user, "share").filter(pk__in=[e.pk for e in entries])
                    .values_list("pk", flat=True))
    for entry in entries:
        if entry.pk in shareable:  # its label leaves the team's timeline too
            do_change_sharing(user, entry, distribution=Distribution.COUNTRY)
        model = apps.get_model(entry.record_type)
        record = model.objects.restrict(user, "share").filter(
            pk=entry.record_id, distribution=Distribution.GROUP, sharing_group=team.workspace_group).first()
        if record is None:
            continue
        if isinstance(record, Case):
            do_change_case_sharing(user, record, distribution=Distribution.COUNTRY)
        else:
            do_change_sharing(user, record, distribution=Distribution.COUNTRY)
        out.append(f"{entry.record_type}:{record.pk}")
    return out


@transaction.atomic
def do_leave_team(user, team: JointTeam) -> TeamMember:
    """A member country leaves: the team's audience no longer includes it; its own records stay its own."""
    _require_standing(user)
    team = require(user, team, "view")
    member = TeamMember.objects.select_for_update().filter(team=team, country=user.institution.country_id,
                                                           status=TeamMember.Status.ACCEPTED).first()
    if member is None or not user.has_perm("teams.accept_jointteam"):
        from django.http import Http404

        raise Http404
    before = _snapshot(team)
    withdrawn = _withdraw_own_records(user, team)
    member.status, member.decided_by, member.decided_at = TeamMember.Status.LEFT, user, timezone.now()
    member.save(update_fields=["status", "decided_by", "decided_at"])
    team.workspace_group.countries.remove(member.country)
    team.sharing_group.countries.remove(member.country)
    if team.thread_id and team.thread.sharing_group_id:
        # The team's thread is an exchange thread shared with the members' countries: a country
        # that leaves stops reading it (and its messages, receipts and attachments) at once.
        team.thread.sharing_group.countries.remove(member.country)
    log_event("write", user=user, obj=team, before=before, after=_snapshot(team),
              detail={"action": "leave", "country": member.country.code, "withdrawn": withdrawn})
    return member


@transaction.atomic
def do_close_team(user, team: JointTeam) -> JointTeam:
    """The creating institution closes the team: its audience is gone on the next request (both groups
    suspended); every record stays with its owner, who still sees it."""
    team = require(user, team, "change")
    if team.status == JointTeam.Status.CLOSED:
        raise ValidationError(_("El equipo ya está cerrado."))
    before = _snapshot(team)
    accepted = _accepted_countries(team)
    thread_group = team.thread.sharing_group if team.thread_id else None
    for group in (team.workspace_group, team.sharing_group, thread_group):
        if group is not None:
            group.suspended = True
            group.save(update_fields=["suspended"])
    # The team record itself goes back to its creator's country (its workspace follows: a child never
    # reaches wider than its team).
    team.status = JointTeam.Status.CLOSED
    team.distribution, team.sharing_group = Distribution.COUNTRY, None
    team.save(update_fields=["status", "distribution", "sharing_group", "updated_at"])
    log_event("write", user=user, obj=team, before=before, after=_snapshot(team), detail={"action": "close"})
    do_notify(_officials_of(accepted, "view_jointteam"), kind="teams.closed", actor=user, link=reverse("teams:list"),
              title=_("Enlace: un equipo conjunto se cerró; lo compartido en él volvió a sus propietarios"))
    return team
