"""Writers of hit/no-hit results. The engine runs as the system; officials judge and release.

System reads (the existing notices of a pair, the other side of a hit) go through
``HitNotice.objects.unrestricted(reason=...)``: the engine and the release workflow write the
other country's side, which the acting official may never read. Decisions of officials go through
the policy (``require(user, notice, "<decision>")``): a notice the user may not decide on is a 404.
"""

from __future__ import annotations

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

from .models import HitNotice, ReleasedRecord

JUDGED = {HitNotice.Status.SAME, HitNotice.Status.NOT_SAME, HitNotice.Status.UNSURE}
MATCH_FIELDS = ("given_names", "surname_1", "surname_2", "sex", "dob", "nationality", "doc_number", "phone")


def pair_key(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def _own_fields_only(explanation: dict, record: dict) -> dict:
    """The explanation in terms of fields this side holds: nothing about fields it does not have."""
    return {k: v for k, v in explanation.items() if k in MATCH_FIELDS and record.get(k)}


def _notice_distribution(person) -> str:
    # A notice is never wider than the owner's country, and never wider than the person record.
    return Distribution.INSTITUTION if person.distribution == Distribution.INSTITUTION else Distribution.COUNTRY


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


@transaction.atomic
def do_save_hit_notice(notice: HitNotice | None, *, person, own: dict, other: dict, other_person,
                       probability: float, explanation: dict) -> tuple[HitNotice, bool]:
    """Create one side of a hit, or refresh an open one (a judged notice is never re-proposed).

    Returns ``(notice, created)``. One audit event when something changed, none otherwise.
    """
    if notice is None:
        notice = HitNotice(own_person=person, own_record_id=own["record_id"], other_record_id=other["record_id"],
                           pair_key=pair_key(own["record_id"], other["record_id"]),
                           owner_institution=person.owner_institution, distribution=_notice_distribution(person),
                           other_country=Country.objects.get(code=other["source_country"]),
                           other_institution=other_person.owner_institution,
                           probability=probability, explanation=_own_fields_only(explanation, own))
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
    if (notice.status, round(notice.probability, 4), notice.explanation) == (HitNotice.Status.OPEN,
                                                                            round(probability, 4), explanation):
        return notice, False
    notice.probability, notice.explanation, notice.status = probability, explanation, HitNotice.Status.OPEN
    notice.save(update_fields=["probability", "explanation", "status", "updated_at"])
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
    existing = {(n.own_record_id, n.other_record_id): n for n in HitNotice.objects.unrestricted(
        reason="matching: existing notices of a pair, before recording a hit").filter(
        pair_key=pair_key(rec_a["record_id"], rec_b["record_id"]))}
    created = []
    for person, own, other, other_person in ((person_a, rec_a, rec_b, person_b), (person_b, rec_b, rec_a, person_a)):
        notice, is_new = do_save_hit_notice(existing.get((own["record_id"], other["record_id"])), person=person,
                                            own=own, other=other, other_person=other_person,
                                            probability=probability, explanation=explanation)
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
                   .exclude(status=HitNotice.Status.WITHDRAWN))
    for notice in notices:
        do_withdraw_hit_notice(notice, reason=reason)
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

    The request is written on the other country's side of the hit (its owner sees it there); the
    one audit event names the asker's own notice, the side it may read.
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
    other.release, other.release_purpose = HitNotice.Release.REQUESTED, purpose[:300]
    other.save(update_fields=["release", "release_purpose", "updated_at"])
    # The purpose text is kept on the owner's notice, not in the audit: the audit holds no content.
    log_event("write", user=user, obj=notice, after={"release": "requested"},
              detail={"other_notice_id": other.pk})
    recipients = _recipients(other, "decide_release")
    if recipients:
        do_notify(recipients, kind="hit_release", actor=user,
                  title=_("%(country)s pide los datos de una coincidencia") % {"country": notice.owner_country.name},
                  link=f"/coincidencias/{other.pk}/")
    return notice


@transaction.atomic
def do_release_record(user, notice: HitNotice) -> ReleasedRecord:
    """The snapshot the owner discloses on approval: shared with the asking country only (one event)."""
    person = notice.own_person
    group = do_create_sharing_group(user, name=f"Coincidencia {notice.pair_key}", countries=[notice.other_country])
    released = ReleasedRecord(owner_institution=notice.owner_institution, created_by=user,
                              distribution=Distribution.GROUP, sharing_group=group, notice=notice,
                              recipient_country=notice.other_country, pair_key=notice.pair_key,
                              handling_no_onward_sharing=True, handling_no_judicial_use=True,
                              content={"name": person.caption, "given_names": person.given_names,
                                       "surname_1": person.surname_1, "surname_2": person.surname_2,
                                       "dob": person.dob.isoformat() if person.dob else "",
                                       "nationality": person.nationality,
                                       "case": person.case.reference, "owner": str(notice.owner_institution)})
    released.clean_sharing()
    released.save()
    log_event("write", user=user, obj=released, after={"released_to": notice.other_country.code},
              detail={"notice_id": notice.pk})
    return released


@transaction.atomic
def do_decide_release(user, notice: HitNotice, approve: bool) -> ReleasedRecord | None:
    """The owner approves (a snapshot is shared with the asking country only) or declines."""
    notice = require(user, notice, "decide_release")
    if notice.release != HitNotice.Release.REQUESTED:
        raise ValidationError({"release": _("No hay una solicitud pendiente para esta coincidencia.")})
    asker = _other_side(notice, reason="matching: the answer to a release request is written on the asking side")
    released = do_release_record(user, notice) if approve else None
    status = HitNotice.Release.APPROVED if approve else HitNotice.Release.DECLINED
    for side in (notice, asker):
        side.release = status
        side.save(update_fields=["release", "updated_at"])
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
