"""Writers of hit/no-hit results. The engine runs as the system; officials judge and release.

System reads (the existing notices of a pair, the other side of a hit) go through
``HitNotice.objects.unrestricted(reason=...)``: the engine and the release workflow write the
other country's side, which the acting official may never read. Decisions of officials go through
the policy (``require(user, notice, "<decision>")``): a notice the user may not decide on is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.core.models import Country
from enlace.notifications.actions import do_notify
from enlace.sharing.access import require
from enlace.sharing.actions import do_create_sharing_group
from enlace.sharing.policy import Distribution, can

from .models import HitNotice, ReleasedRecord, UncertainPair

JUDGED = {HitNotice.Status.SAME, HitNotice.Status.NOT_SAME, HitNotice.Status.UNSURE}
MATCH_FIELDS = ("given_names", "surname_1", "surname_2", "sex", "dob", "nationality", "doc_number", "phone")


def pair_key(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def _own_fields_only(explanation: dict, record: dict) -> dict:
    """The explanation in terms of fields this side holds: nothing about fields it does not have."""
    return {k: v for k, v in explanation.items() if k in MATCH_FIELDS and record.get(k)}


def parents_allow_country(person) -> bool:
    """True when the person and its case both reach the owner's country: a notice may then be country-wide.

    Every other level a person or case may have (country, a group, the network) includes its owner's
    country, and the notice, its person and its case have one owner institution (``cases.actions``
    give an entity its case's owner, the notice its person's), so "institution" is the only narrowing
    of a parent a notice must copy (``HitNotice.sharing_parent``)."""
    case = person.case
    return (Distribution.INSTITUTION not in (person.distribution, case.distribution)
            and person.owner_institution_id == case.owner_institution_id)


def notice_distribution(person, wanted: str = Distribution.COUNTRY) -> str:
    """The distribution of a notice on ``person`` (a case entity, or None): ``wanted``, at most the owner's
    country (``HitNotice.widest_distribution``: a register entry shared with the network still gets a
    notice for its owner's country only), narrowed to the institution when the person or its case is."""
    if wanted != Distribution.INSTITUTION:
        wanted = Distribution.COUNTRY
    if wanted == Distribution.INSTITUTION or person is None:
        return wanted
    return wanted if parents_allow_country(person) else Distribution.INSTITUTION


def _notice_distribution(person) -> str:
    # A notice is never wider than the owner's country, and never wider than the person record or its case.
    return notice_distribution(person)


def _recipients(notice: HitNotice, action: str = "view") -> list:
    """Officials of the notice's owner institution who may ``action`` it *now* (standing included).

    Asked through the policy, one official at a time: a revoked or suspended official is not told
    about another country's records, not even by a notification.
    """
    return [u for u in notice.owner_institution.users.filter(is_active=True) if can(u, notice, action)]


def _other_side(notice: HitNotice, *, reason: str) -> HitNotice:
    """The other country's notice of the same pair, locked: a system read, never shown to the caller."""
    return HitNotice.objects.unrestricted(reason=reason).select_for_update().get(
        own_record_id=notice.other_record_id, other_record_id=notice.own_record_id)


def _model_version() -> str:
    """The linkage model in use, recorded on every hit (engine.registry)."""
    from .engine.registry import current_version

    return current_version()[:60]


def reply_hours() -> int:
    """Hours the asked country has to say whether it releases (Prüm II's follow-up; a setting)."""
    return int(getattr(settings, "ENLACE_HIT_REPLY_HOURS", 48))


def _note(notice: HitNotice, event: str, at) -> None:
    """Append one coded event to the notice's history (saved by the caller)."""
    notice.history = [*(notice.history or []), {"at": at.isoformat(), "event": event}]


def roles_conflict(role_a: str, role_b: str) -> bool:
    """The same person recorded with different roles (victim here, suspect there): review first."""
    return bool(role_a) and bool(role_b) and role_a != role_b


@transaction.atomic
def do_save_hit_notice(notice: HitNotice | None, *, person, own: dict, other: dict, other_person,
                       probability: float, explanation: dict, role_conflict: bool = False) -> tuple[HitNotice, bool]:
    """Create one side of a hit, or refresh an open one (a judged notice is never re-proposed).

    Returns ``(notice, created)``. One audit event when something changed, none otherwise.
    """
    if notice is None:
        notice = HitNotice(own_person=person, own_record_id=own["record_id"], other_record_id=other["record_id"],
                           pair_key=pair_key(own["record_id"], other["record_id"]),
                           owner_institution=person.owner_institution, distribution=_notice_distribution(person),
                           narrowed_by_parent=_notice_distribution(person) == Distribution.INSTITUTION,
                           other_country=Country.objects.get(code=other["source_country"]),
                           other_institution=other_person.owner_institution,
                           probability=probability, explanation=_own_fields_only(explanation, own),
                           role_conflict=role_conflict, model_version=_model_version())
        notice.clean_sharing()
        notice.save()
        log_event("write", obj=notice, after={"status": notice.status, "probability": round(probability, 4),
                                              "other_country": other["source_country"]},
                  detail={"channel": "engine"})
        return notice, True
    if notice.status in JUDGED:
        return notice, False  # a human decided: never re-proposed
    before = {"status": notice.status, "probability": round(notice.probability, 4)}
    explanation = _own_fields_only(explanation, own)
    conflict = notice.role_conflict or role_conflict  # a conflict once seen stays until reviewed
    if (notice.status, round(notice.probability, 4), notice.explanation, notice.role_conflict) == (
            HitNotice.Status.OPEN, round(probability, 4), explanation, conflict):
        return notice, False
    notice.probability, notice.explanation, notice.status = probability, explanation, HitNotice.Status.OPEN
    notice.role_conflict = conflict
    notice.model_version = _model_version()
    notice.save(update_fields=["probability", "explanation", "status", "role_conflict", "model_version", "updated_at"])
    log_event("write", obj=notice, before=before, after={"status": notice.status,
                                                         "probability": round(probability, 4)})
    return notice, False


@transaction.atomic
def do_record_hit(person_a, rec_a: dict, person_b, rec_b: dict, probability: float, explanation: dict):
    """Record a cross-border hit between two persons: one notice for each owner (system action).

    Each side is written by ``do_save_hit_notice`` (one audit event per notice that changed), and
    the officials of each side who may see their new notice are notified.
    """
    if rec_a["source_country"] == rec_b["source_country"]:
        raise ValueError("hits are only between different countries")
    key = pair_key(rec_a["record_id"], rec_b["record_id"])
    existing = {(n.own_record_id, n.other_record_id): n for n in HitNotice.objects.unrestricted(
        reason="matching: existing notices of a pair, before recording a hit").filter(pair_key=key)}
    band = UncertainPair.objects.unrestricted(reason="matching: reviewed or open pair, before recording a hit").filter(
        pair_key=key).first()
    if (band is not None and band.status == UncertainPair.Status.NOT_SAME) or any(
            n.status == HitNotice.Status.NOT_SAME for n in existing.values()):
        return []  # a reviewer said "not the same person": never proposed again, whatever the score
    if band is not None and band.status == UncertainPair.Status.OPEN:
        do_close_uncertain_pair(band, status=UncertainPair.Status.PROMOTED, reason="scored above the hit threshold")
    conflict = roles_conflict(getattr(person_a, "role", ""), getattr(person_b, "role", ""))
    created = []
    for person, own, other, other_person in ((person_a, rec_a, rec_b, person_b), (person_b, rec_b, rec_a, person_a)):
        notice, is_new = do_save_hit_notice(existing.get((own["record_id"], other["record_id"])), person=person,
                                            own=own, other=other, other_person=other_person,
                                            probability=probability, explanation=explanation, role_conflict=conflict)
        if is_new:
            created.append(notice)
    for notice in created:
        recipients = _recipients(notice)
        if recipients:
            do_notify(recipients, kind="hit", link=f"/coincidencias/{notice.pk}/",
                      title=_("Nueva coincidencia con %(country)s") % {"country": notice.other_country.name})
    return created


@transaction.atomic
def do_withdraw_hit_notice(notice: HitNotice, *, reason: str = "") -> HitNotice:
    """Close one side of a hit whose record left matching (system action, one audit event)."""
    before = notice.status
    notice.status = HitNotice.Status.WITHDRAWN
    notice.save(update_fields=["status", "updated_at"])
    log_event("write", obj=notice, before={"status": before}, after={"status": notice.status}, purpose=reason)
    return notice


@transaction.atomic
def do_withdraw_hits(record_id: str, reason: str = "") -> int:
    """The record left matching (withdrawn, unshared, deleted): its hits close on both sides."""
    from django.db.models import Q

    notices = list(HitNotice.objects.unrestricted(reason="matching: hits of a record that left matching")
                   .filter(Q(own_record_id=record_id) | Q(other_record_id=record_id))
                   .exclude(status__in=(HitNotice.Status.WITHDRAWN, HitNotice.Status.NOT_SAME)))
    for notice in notices:
        do_withdraw_hit_notice(notice, reason=reason)
    for pair in UncertainPair.objects.unrestricted(reason="matching: uncertain pairs of a record that left matching"
                                                   ).filter(Q(own_record_id=record_id) | Q(other_record_id=record_id),
                                                            status=UncertainPair.Status.OPEN):
        do_close_uncertain_pair(pair, status=UncertainPair.Status.WITHDRAWN, reason=reason)
    return len(notices)


@transaction.atomic
def do_judge_hit(user, notice: HitNotice, verdict: str, note: str = "") -> HitNotice:
    """The owner says whether the other record is the same person; a judged notice is never re-proposed."""
    notice = require(user, notice, "judge")
    if verdict not in JUDGED:
        raise ValidationError({"verdict": _("Elija: es la misma persona, no es la misma persona o no se puede determinar.")})
    if notice.status == HitNotice.Status.WITHDRAWN:
        raise ValidationError({"verdict": _("Esta coincidencia fue retirada.")})
    before = {"status": notice.status}
    notice.status, notice.judged_by, notice.judged_at, notice.judgement_note = verdict, user, timezone.now(), note[:500]
    notice.save(update_fields=["status", "judged_by", "judged_at", "judgement_note", "updated_at"])
    log_event("write", user=user, obj=notice, before=before, after={"status": verdict, "note": note[:500]})
    return notice


@transaction.atomic
def do_request_release(user, notice: HitNotice, purpose: str) -> HitNotice:
    """Ask the other country for the details of its matching record (it decides).

    The request is written on the other country's side of the hit (its owner sees it there); both
    sides get the time of the request, the reply deadline and a line of history. The one audit
    event names the asker's own notice, the side it may read.
    """
    notice = require(user, notice, "request_release")
    purpose = (purpose or "").strip()
    if len(purpose) < 10:
        raise ValidationError({"purpose": _("Indique la finalidad de la solicitud (al menos 10 caracteres).")})
    if notice.status in (HitNotice.Status.WITHDRAWN, HitNotice.Status.NOT_SAME):
        raise ValidationError({"purpose": _("No se pueden pedir datos de una coincidencia retirada o descartada.")})
    other = _other_side(notice, reason="matching: a release request is written on the other side of the hit")
    if other.release in (HitNotice.Release.REQUESTED, HitNotice.Release.APPROVED):
        raise ValidationError({"purpose": _("Ya hay una solicitud en curso para esta coincidencia.")})
    now = timezone.now()
    due = now + dt.timedelta(hours=reply_hours())
    other.release, other.release_purpose = HitNotice.Release.REQUESTED, purpose[:300]
    for side, event in ((notice, "requested"), (other, "request_received")):
        side.release_requested_at, side.reply_due_at, side.escalated_at = now, due, None
        _note(side, event, now)
    if notice.release == HitNotice.Release.DECLINED:
        notice.release = HitNotice.Release.NONE  # a new request after a refusal: pending again
    other.save(update_fields=["release", "release_purpose", "release_requested_at", "reply_due_at", "escalated_at",
                              "history", "updated_at"])
    notice.save(update_fields=["release", "release_requested_at", "reply_due_at", "escalated_at", "history",
                               "updated_at"])
    # The purpose text is kept on the owner's notice, not in the audit: the audit holds no content.
    log_event("write", user=user, obj=notice, after={"release": "requested"},
              detail={"other_notice_id": other.pk})
    recipients = _recipients(other, "decide_release")
    if recipients:
        do_notify(recipients, kind="hit_release", actor=user,
                  title=_("%(country)s pide los datos de una coincidencia") % {"country": notice.owner_country.name},
                  link=f"/coincidencias/{other.pk}/")
    return notice


def release_content(notice: HitNotice) -> dict:
    """What the owner discloses on approval, by the kind of its own record (field codes, labelled on pages)."""
    entity = notice.own_person
    owner = str(notice.owner_institution)
    if entity is None:
        if notice.own_record_id.startswith("documents.report."):
            from enlace.documents.hits import report_release_content

            return {**report_release_content(notice.own_record_id), "owner": owner}
        return {"record": notice.own_label, "owner": owner}
    if entity.is_person:
        return {"name": entity.caption, "given_names": entity.given_names, "surname_1": entity.surname_1,
                "surname_2": entity.surname_2, "dob": entity.dob.isoformat() if entity.dob else "",
                "nationality": entity.nationality, "role": entity.get_role_display(),
                "case": entity.case.reference, "owner": owner}
    return {"doc_type": entity.get_schema_display(), "doc_number": entity.doc_number,
            "doc_country": entity.doc_country, "case": entity.case.reference, "owner": owner}


@transaction.atomic
def do_release_record(user, notice: HitNotice) -> ReleasedRecord:
    """The snapshot the owner discloses on approval: shared with the asking country only (one event)."""
    group = do_create_sharing_group(user, name=f"Coincidencia {notice.pair_key}"[:120], countries=[notice.other_country])
    released = ReleasedRecord(owner_institution=notice.owner_institution, created_by=user,
                              distribution=Distribution.GROUP, sharing_group=group, notice=notice,
                              recipient_country=notice.other_country, pair_key=notice.pair_key,
                              handling_no_onward_sharing=True, handling_no_judicial_use=True,
                              content=release_content(notice))
    released.clean_sharing()
    released.save()
    log_event("write", user=user, obj=released, after={"released_to": notice.other_country.code},
              detail={"notice_id": notice.pk})
    return released


def _role_review_pending(notice: HitNotice, other: HitNotice) -> bool:
    return (notice.role_conflict or other.role_conflict) and not (notice.role_reviewed_at and other.role_reviewed_at)


@transaction.atomic
def do_decide_release(user, notice: HitNotice, approve: bool) -> ReleasedRecord | None:
    """The owner approves (a snapshot is shared with the asking country only) or declines.

    A person recorded with a different role on each side is released only once both sides reviewed it.
    """
    notice = require(user, notice, "decide_release")
    if notice.release != HitNotice.Release.REQUESTED:
        raise ValidationError({"release": _("No hay una solicitud pendiente para esta coincidencia.")})
    asker = _other_side(notice, reason="matching: the answer to a release request is written on the asking side")
    if approve and _role_review_pending(notice, asker):
        raise ValidationError({"release": _(
            "La función de esta persona difiere entre los dos países: ambos deben revisarla antes de compartir datos.")})
    released = do_release_record(user, notice) if approve else None
    status = HitNotice.Release.APPROVED if approve else HitNotice.Release.DECLINED
    now = timezone.now()
    for side in (notice, asker):
        side.release = status
        _note(side, status, now)
        side.save(update_fields=["release", "history", "updated_at"])
    log_event("write", user=user, obj=notice, before={"release": HitNotice.Release.REQUESTED},
              after={"release": status}, detail={"other_notice_id": asker.pk,
                                                 "released_record_id": released.pk if released else None})
    recipients = _recipients(asker)
    if recipients:
        do_notify(recipients, kind="hit_release", actor=user, link=f"/coincidencias/{asker.pk}/",
                  title=(_("%(country)s compartió los datos de una coincidencia") if approve
                         else _("%(country)s denegó los datos de una coincidencia"))
                  % {"country": notice.owner_country.name})
    return released


@transaction.atomic
def do_review_hit_role(user, notice: HitNotice) -> HitNotice:
    """The owner confirms it reviewed its own record's role after a role conflict (needed before release)."""
    notice = require(user, notice, "review_role")
    if not notice.role_conflict:
        raise ValidationError({"role": _("Esta coincidencia no tiene una diferencia de función que revisar.")})
    if notice.role_reviewed_at:
        raise ValidationError({"role": _("La función ya fue revisada.")})
    now = timezone.now()
    notice.role_reviewed_at, notice.role_reviewed_by = now, user
    _note(notice, "role_reviewed", now)
    notice.save(update_fields=["role_reviewed_at", "role_reviewed_by", "history", "updated_at"])
    other = _other_side(notice, reason="matching: the other side learns that the role was reviewed here")
    _note(other, "role_reviewed_other", now)
    other.save(update_fields=["history", "updated_at"])
    log_event("write", user=user, obj=notice, after={"role_reviewed": True}, detail={"other_notice_id": other.pk})
    recipients = _recipients(other)
    if recipients:
        do_notify(recipients, kind="hit", actor=user, link=f"/coincidencias/{other.pk}/",
                  title=_("%(country)s revisó la función de la persona de una coincidencia")
                  % {"country": notice.owner_country.name})
    return notice


@transaction.atomic
def do_escalate_release_request(notice: HitNotice) -> HitNotice:
    """The reply deadline passed (system action): both sides are marked and told again (one event)."""
    asker = _other_side(notice, reason="matching: an overdue release request is escalated on both sides")
    now = timezone.now()
    for side in (notice, asker):
        side.escalated_at = now
        _note(side, "escalated", now)
        side.save(update_fields=["escalated_at", "history", "updated_at"])
    log_event("write", obj=notice, after={"escalated": True}, detail={"other_notice_id": asker.pk})
    owners = _recipients(notice, "decide_release")
    if owners:
        do_notify(owners, kind="hit_release", link=f"/coincidencias/{notice.pk}/",
                  title=_("Plazo vencido: %(country)s espera su respuesta sobre una coincidencia")
                  % {"country": asker.owner_country.name})
    askers = _recipients(asker)
    if askers:
        do_notify(askers, kind="hit_release", link=f"/coincidencias/{asker.pk}/",
                  title=_("%(country)s no respondió a tiempo su solicitud de datos; se le ha recordado")
                  % {"country": notice.owner_country.name})
    return notice


def escalate_overdue_requests() -> str:
    """Periodic task: escalate once every release request whose reply deadline passed."""
    overdue = list(HitNotice.objects.unrestricted(reason="matching: release requests past their reply deadline")
                   .filter(release=HitNotice.Release.REQUESTED, reply_due_at__lt=timezone.now(),
                           escalated_at__isnull=True)
                   .select_related("owner_institution__country"))
    for notice in overdue:
        do_escalate_release_request(notice)
    return f"hit release requests escalated: {len(overdue)}"


@transaction.atomic
def do_save_number_notice(user, notice: HitNotice | None, *, key: str, own_id: str, other_id: str, subject: str,
                          label: str, institution, other_institution, entity, distribution: str,
                          probability: float = 1.0, explanation: dict | None = None,
                          channel: str = "document_query") -> HitNotice:
    """Create (or reopen) one side of a document/phone hit (one audit event; no number in it).

    ``probability``/``explanation``: a scored person query (a centre stay checked abroad) passes the
    engine's; a number hit is exact.
    """
    before = {"status": notice.status} if notice else None
    if notice is None:
        notice = HitNotice(own_record_id=own_id, other_record_id=other_id, pair_key=key)
    notice.own_person, notice.subject, notice.own_label = entity, subject, label[:80]
    notice.owner_institution, notice.distribution = institution, notice_distribution(entity, distribution)
    notice.narrowed_by_parent = notice.distribution != notice_distribution(None, distribution)
    notice.other_country, notice.other_institution = other_institution.country, other_institution
    notice.probability, notice.status = probability, HitNotice.Status.OPEN
    notice.explanation = explanation if explanation is not None else {
        "phone" if subject == HitNotice.Subject.PHONE else "doc_number": "exact"}
    notice.clean_sharing()
    notice.save()
    log_event("write", user=user, obj=notice, before=before, after={"status": notice.status, "subject": subject},
              detail={"channel": channel})
    return notice


@transaction.atomic
def do_record_number_hit(user, *, subject: str, query_id: str, query_label: str, owner_record_id: str,
                         owner_label: str, owner_institution, owner_entity=None,
                         owner_distribution: str = Distribution.COUNTRY, probability: float = 1.0,
                         explanation: dict | None = None, channel: str = "document_query") -> HitNotice:
    """A document or phone query hit another country's record: one notice for each side (as persons).

    The asking side names the query (``query_id``, ``query_label``: what the asker typed, masked),
    the owner side names its own record (a case entity or a register entry); each side is written by
    ``do_save_number_notice`` (one audit event each). The owner is told that a country asked about
    one of its records. Returns the asker's notice (the existing one when the institution asked before).
    A scored person query (``centres``: a stay checked abroad) passes the engine's ``probability`` and
    ``explanation`` (fields both sides hold), and its ``channel``.
    """
    key = pair_key(query_id, owner_record_id)
    existing = {n.own_record_id: n for n in HitNotice.objects.unrestricted(
        reason="matching: existing notices of a document/phone hit").filter(pair_key=key)
        .select_related("other_country", "other_institution")}
    asker = existing.get(query_id)
    if asker is not None and asker.status != HitNotice.Status.WITHDRAWN:
        return asker
    asker = do_save_number_notice(user, asker, key=key, own_id=query_id, other_id=owner_record_id, subject=subject,
                                  label=query_label, institution=user.institution,
                                  other_institution=owner_institution, entity=None,
                                  distribution=Distribution.INSTITUTION, probability=probability,
                                  explanation=explanation, channel=channel)
    owner = do_save_number_notice(user, existing.get(owner_record_id), key=key, own_id=owner_record_id,
                                  other_id=query_id, subject=subject, label=owner_label,
                                  institution=owner_institution, other_institution=user.institution,
                                  entity=owner_entity, distribution=owner_distribution, probability=probability,
                                  explanation=explanation, channel=channel)
    recipients = _recipients(owner)
    if recipients:
        do_notify(recipients, kind="hit", link=f"/coincidencias/{owner.pk}/",
                  title=_("Una consulta de %(country)s coincide con un registro suyo")
                  % {"country": user.institution.country.name})
    return asker


@transaction.atomic
def do_follow_parent_sharing(*, person=None, case=None) -> int:
    """Copy a person's or a case's narrowing onto its hit notices, in the transaction that re-shared it.

    A notice becomes "institution" when its person or case does (``narrowed_by_parent``) and returns
    to the owner's country when both reach it again; a notice its owner narrowed stays as it is.
    System action, called by the cases' save signals; one audit event when a notice changed.
    Returns the number of notices changed."""
    notices = HitNotice.objects.unrestricted(reason="matching: notices follow their person's or case's sharing")
    notices = notices.filter(own_person=person) if person is not None else notices.filter(own_person__case=case)
    changed = 0
    for notice in notices.select_related("own_person__case").select_for_update(of=("self",)):
        allowed = parents_allow_country(notice.own_person)
        if not allowed and notice.distribution != Distribution.INSTITUTION:
            notice.distribution, notice.sharing_group, notice.narrowed_by_parent = Distribution.INSTITUTION, None, True
        elif allowed and notice.narrowed_by_parent:
            notice.distribution, notice.narrowed_by_parent = Distribution.COUNTRY, False
        else:
            continue
        notice.save(update_fields=["distribution", "sharing_group", "narrowed_by_parent", "updated_at"])
        changed += 1
    if changed:
        record = person if person is not None else case
        log_event("sharing", object_type="matching.hitnotice", personal_data=True,
                  detail={"parent": record._meta.label_lower, "parent_id": record.pk, "notices": changed})
    return changed


# --- the uncertain band: pairs below the hit threshold, for the owner's reviewers only ----------------

@transaction.atomic
def do_save_uncertain_pair(person, own: dict, other: dict, probability: float,
                           explanation: dict) -> tuple[UncertainPair | None, bool]:
    """Store (or refresh) a pair the online check scored in the uncertain band (system action).

    Nothing is sent to the other country and nobody is notified: the pair waits in the owning
    institution's review queue. A pair already reviewed, already a hit or judged "not the same" on
    either side is left alone (never proposed again). Returns ``(pair, created)``; one audit event
    when something changed.
    """
    key = pair_key(own["record_id"], other["record_id"])
    if HitNotice.objects.unrestricted(reason="matching: is the uncertain pair already a hit").filter(
            pair_key=key).exists():
        return None, False
    pair = UncertainPair.objects.unrestricted(reason="matching: existing uncertain pair").select_for_update().filter(
        pair_key=key).first()
    if pair is not None and pair.status != UncertainPair.Status.OPEN:
        return pair, False
    if pair is not None:
        # refreshed from either side's check; its owner (the side that found it first) stays
        explanation = _own_fields_only(explanation, own if pair.own_record_id == own["record_id"] else other)
        if round(pair.probability, 4) == round(probability, 4) and pair.explanation == explanation:
            return pair, False
        before = {"probability": round(pair.probability, 4)}
        pair.probability, pair.explanation, pair.model_version = probability, explanation, _model_version()
        pair.save(update_fields=["probability", "explanation", "model_version", "updated_at"])
        log_event("write", obj=pair, before=before, after={"probability": round(probability, 4)},
                  detail={"channel": "engine"})
        return pair, False
    pair = UncertainPair(own_person=person, own_record_id=own["record_id"], other_record_id=other["record_id"],
                         pair_key=key, owner_institution=person.owner_institution,
                         distribution=Distribution.INSTITUTION,
                         other_country=Country.objects.get(code=other["source_country"]), probability=probability,
                         explanation=_own_fields_only(explanation, own), model_version=_model_version())
    pair.clean_sharing()
    pair.save()
    log_event("write", obj=pair, after={"status": pair.status, "probability": round(probability, 4)},
              detail={"channel": "engine"})
    return pair, True


@transaction.atomic
def do_close_uncertain_pair(pair: UncertainPair, *, status: str, reason: str = "") -> UncertainPair:
    """Close an open uncertain pair without a verdict (system action, one audit event): it became a hit
    by its score (``promoted``) or a record left matching or the band (``withdrawn``)."""
    before = pair.status
    pair.status = status
    pair.save(update_fields=["status", "updated_at"])
    log_event("write", obj=pair, before={"status": before}, after={"status": status}, purpose=reason)
    return pair


@transaction.atomic
def do_judge_uncertain_pair(user, pair: UncertainPair, verdict: str, note: str = "") -> UncertainPair:
    """A reviewer of the owning institution says whether the pair is the same person (final).

    "The same person": the pair becomes an ordinary hit on both sides through ``do_record_hit``
    (notices, notifications, reply deadline and audit as any hit), the reviewer's own side already
    judged the same. "Not the same": closed for good, never proposed again, not even as a hit after
    a re-estimation. Every verdict is a label of the next estimation (``enlace train-matching``).
    """
    pair = require(user, pair, "judge")
    if verdict not in {UncertainPair.Status.SAME, UncertainPair.Status.NOT_SAME, UncertainPair.Status.UNSURE}:
        raise ValidationError({"verdict": _("Elija: es la misma persona, no es la misma persona o no se puede determinar.")})
    if pair.status != UncertainPair.Status.OPEN:
        raise ValidationError({"verdict": _("Este par ya fue revisado o retirado.")})
    before = {"status": pair.status}
    pair.status, pair.judged_by, pair.judged_at, pair.judgement_note = verdict, user, timezone.now(), note[:500]
    pair.save(update_fields=["status", "judged_by", "judged_at", "judgement_note", "updated_at"])
    log_event("write", user=user, obj=pair, before=before, after={"status": verdict, "note": note[:500]})
    if verdict == UncertainPair.Status.SAME:
        pair.hit = _promote_judged_pair(user, pair, note)
        pair.save(update_fields=["hit", "updated_at"])
    return pair


def _promote_judged_pair(user, pair: UncertainPair, note: str) -> HitNotice:
    """The reviewer said "the same person": record the hit on both sides and the reviewer's verdict on its side."""
    from enlace.cases.matching_source import is_matchable, match_record, persons_by_pk
    from enlace.cases.models import entity_pk_from_record_id

    people = persons_by_pk([pair.own_person_id, entity_pk_from_record_id(pair.other_record_id)],
                           reason="matching: a reviewed pair becomes a hit on both sides")
    own, other = people.get(pair.own_person_id), people.get(entity_pk_from_record_id(pair.other_record_id))
    if own is None or other is None or not is_matchable(own) or not is_matchable(other):
        raise ValidationError({"verdict": _("Uno de los dos registros ya no participa en las coincidencias: "
                                            "el par no se puede confirmar.")})
    do_record_hit(own, match_record(own), other, match_record(other), pair.probability, pair.explanation)
    notice = HitNotice.objects.unrestricted(reason="matching: the reviewer's side of the new hit").get(
        own_record_id=pair.own_record_id, other_record_id=pair.other_record_id)
    if notice.status == HitNotice.Status.OPEN:
        do_judge_hit(user, notice, HitNotice.Status.SAME, note)
    return notice
