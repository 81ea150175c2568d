"""Writers of hit/no-hit results. The engine runs as the system; officials judge and release."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.core.models import Country
from enlace.notifications.actions import do_notify
from enlace.sharing.actions import do_create_sharing_group
from enlace.sharing.policy import Distribution

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


def _upsert_side(person, own: dict, other: dict, other_person, probability: float, explanation: dict):
    notice = HitNotice._default_manager.filter(own_record_id=own["record_id"], other_record_id=other["record_id"]).first()
    if notice is None:
        notice = HitNotice(own_person=person, own_record_id=own["record_id"], other_record_id=other["record_id"],
                           pair_key=pair_key(own["record_id"], other["record_id"]),
                           owner_institution=person.owner_institution, distribution=_notice_distribution(person),
                           other_country=Country.objects.get(code=other["source_country"]),
                           other_institution=other_person.owner_institution,
                           probability=probability, explanation=_own_fields_only(explanation, own))
        notice.clean_sharing()
        notice.save()
        return notice, True
    if notice.status in JUDGED:
        return notice, False  # a human decided: never re-proposed
    notice.probability = probability
    notice.explanation = _own_fields_only(explanation, own)
    notice.status = HitNotice.Status.OPEN
    notice.save(update_fields=["probability", "explanation", "status", "updated_at"])
    return notice, False


@transaction.atomic
def do_record_hit(person_a, rec_a: dict, person_b, rec_b: dict, probability: float, explanation: dict):
    """Record a cross-border hit between two persons: one notice for each owner."""
    if rec_a["source_country"] == rec_b["source_country"]:
        raise ValueError("hits are only between different countries")
    created = []
    for person, own, other, other_person in ((person_a, rec_a, rec_b, person_b), (person_b, rec_b, rec_a, person_a)):
        notice, is_new = _upsert_side(person, own, other, other_person, probability, explanation)
        if is_new:
            created.append(notice)
            log_event("write", obj=notice, after={"pair": notice.pair_key, "probability": round(probability, 4),
                                                  "other_country": other["source_country"]},
                      detail={"engine": "online"})
    for notice in created:
        recipients = [u for u in notice.owner_institution.users.filter(is_active=True)
                      if u.has_perm("matching.view_hitnotice")]
        do_notify(recipients, kind="hit", title=_("Nueva coincidencia con %(country)s") % {"country": notice.other_country.name},
                  link=f"/coincidencias/{notice.pk}/")
    return created


@transaction.atomic
def do_withdraw_hits(record_id: str, reason: str = "") -> int:
    """The record left matching (withdrawn, unshared, deleted): its hits close on both sides."""
    qs = HitNotice._default_manager.filter(own_record_id=record_id) | HitNotice._default_manager.filter(other_record_id=record_id)
    notices = list(qs.exclude(status=HitNotice.Status.WITHDRAWN))
    for notice in notices:
        before = notice.status
        notice.status = HitNotice.Status.WITHDRAWN
        notice.save(update_fields=["status", "updated_at"])
        log_event("write", obj=notice, before={"status": before}, after={"status": notice.status}, detail={"reason": reason})
    return len(notices)


def _writable(user, notice) -> HitNotice:
    notice = HitNotice.objects.restrict(user, "change").filter(pk=notice.pk).first()
    if notice is None:
        raise PermissionDenied(_("Solo la institución propietaria puede actuar sobre esta coincidencia."))
    return notice


@transaction.atomic
def do_judge_hit(user, notice: HitNotice, verdict: str, note: str = "") -> HitNotice:
    notice = _writable(user, notice)
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
    """Ask the other country for the details of its matching record (it decides)."""
    notice = _writable(user, notice)
    purpose = (purpose or "").strip()
    if len(purpose) < 10:
        raise ValidationError({"purpose": _("Indique la finalidad de la solicitud (al menos 10 caracteres).")})
    if notice.status in (HitNotice.Status.WITHDRAWN, HitNotice.Status.NOT_SAME):
        raise ValidationError({"purpose": _("No se pueden pedir datos de una coincidencia retirada o descartada.")})
    other = HitNotice._default_manager.select_for_update().get(own_record_id=notice.other_record_id,
                                                               other_record_id=notice.own_record_id)
    if other.release in (HitNotice.Release.REQUESTED, HitNotice.Release.APPROVED):
        raise ValidationError({"purpose": _("Ya hay una solicitud en curso para esta coincidencia.")})
    other.release, other.release_purpose = HitNotice.Release.REQUESTED, purpose[:300]
    other.save(update_fields=["release", "release_purpose", "updated_at"])
    log_event("write", user=user, obj=other, after={"release": "requested"}, purpose=purpose[:300])
    recipients = [u for u in other.owner_institution.users.filter(is_active=True) if u.has_perm("matching.change_hitnotice")]
    do_notify(recipients, kind="hit_release", actor=user,
              title=_("%(country)s pide los datos de una coincidencia") % {"country": notice.owner_country.name},
              link=f"/coincidencias/{other.pk}/")
    return notice


@transaction.atomic
def do_decide_release(user, notice: HitNotice, approve: bool) -> ReleasedRecord | None:
    """The owner approves (a snapshot is shared with the asking country only) or declines."""
    notice = _writable(user, notice)
    if notice.release != HitNotice.Release.REQUESTED:
        raise ValidationError({"release": _("No hay una solicitud pendiente para esta coincidencia.")})
    asker = HitNotice._default_manager.select_for_update().get(own_record_id=notice.other_record_id,
                                                               other_record_id=notice.own_record_id)
    released = None
    if approve:
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
        released.save()
        log_event("write", user=user, obj=released, after={"released_to": notice.other_country.code},
                  detail={"release": "approved", "pair": notice.pair_key})
    status = HitNotice.Release.APPROVED if approve else HitNotice.Release.DECLINED
    for side in (notice, asker):
        side.release = status
        side.save(update_fields=["release", "updated_at"])
    log_event("write", user=user, obj=notice, after={"release": status})
    recipients = [u for u in asker.owner_institution.users.filter(is_active=True) if u.has_perm("matching.view_hitnotice")]
    do_notify(recipients, kind="hit_release", actor=user, link=f"/coincidencias/{asker.pk}/",
              title=(_("%(country)s compartió los datos de una coincidencia") if approve
                     else _("%(country)s denegó los datos de una coincidencia")) % {"country": notice.owner_country.name})
    return released
