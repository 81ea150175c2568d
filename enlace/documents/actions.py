"""Writers of the document register and of the number index, and the audited hit/no-hit query.

The query answers only hit or no-hit. A no-hit writes one audit event and nothing else; a hit also
writes one notice for each side through the matching app's release flow
(``matching.actions.do_record_number_hit``), so the details of a hit travel exactly as a person's:
the asker requests, the owner decides, a ``ReleasedRecord`` is shared with the asker's country only.
No audit event holds the number (codes, ids and counts only).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.sharing.access import require
from enlace.sharing.policy import Distribution, has_cross_border_standing

from .models import DocumentReport, NumberEntry
from .normalize import NumberError, document_candidates, document_number, mask, phone_number

MAX_RECORDS_PER_QUERY = 20


def _notice_distribution(distribution: str) -> str:
    return Distribution.INSTITUTION if distribution == Distribution.INSTITUTION else Distribution.COUNTRY


def _replace_entries(record_id: str, institution, entries: set[tuple[str, str]], distribution: str) -> int:
    """Make the index rows of one record exactly ``entries`` ({(kind, value)}). Returns how many rows now."""
    NumberEntry.objects.filter(record_id=record_id).delete()
    NumberEntry.objects.bulk_create([
        NumberEntry(kind=kind, value=value, record_id=record_id, owner_institution=institution,
                    country_id=institution.country_id, distribution=_notice_distribution(distribution))
        for kind, value in sorted(entries)])
    return len(entries)


@transaction.atomic
def do_report_document(user, *, doc_type: str, number: str, issuing_country: str, status: str, reported_on,
                       note: str = "", distribution: str = Distribution.NETWORK, sharing_group=None) -> DocumentReport:
    """Add a lost, stolen, fraudulent or revoked document to the register (and to the number index).

    Raises ``ValidationError`` with a Spanish message per field; one audit event without the number.
    """
    if not user.has_perm("documents.add_documentreport"):
        from django.http import Http404

        raise Http404
    errors = {}
    if doc_type not in DocumentReport.DocType.values:
        errors["doc_type"] = _("Elija el tipo de documento.")
    if status not in DocumentReport.Status.values:
        errors["status"] = _("Elija la situación del documento.")
    country = (issuing_country or "").strip().upper()
    if len(country) != 3 or not country.isalpha():
        errors["issuing_country"] = _("Indique el país emisor con su código de tres letras, p. ej. GTM.")
    try:
        normalised = document_number(number, doc_type, country)
    except NumberError as exc:
        errors["number"] = str(exc)
    if errors:
        raise ValidationError(errors)
    report = DocumentReport(owner_institution=user.institution, created_by=user, distribution=distribution,
                            sharing_group=sharing_group, doc_type=doc_type, number=number.strip()[:60],
                            number_normalised=normalised, issuing_country=country, status=status,
                            reported_on=reported_on, note=(note or "").strip()[:500])
    report.clean_sharing()
    report.save()
    _replace_entries(report.record_id, report.owner_institution, {(NumberEntry.Kind.DOCUMENT, normalised)},
                     report.distribution)
    log_event("write", user=user, obj=report, after={"status": status, "doc_type": doc_type,
                                                     "issuing_country": country, "distribution": distribution})
    return report


@transaction.atomic
def do_withdraw_document_report(user, report: DocumentReport) -> DocumentReport:
    """The owner takes a document out of the register: no more hits, open hits withdrawn on both sides."""
    from enlace.matching.actions import do_withdraw_hits

    report = require(user, report, "withdraw")
    if report.withdrawn:
        raise ValidationError({"withdrawn": _("Este documento ya fue retirado del registro.")})
    report.withdrawn = True
    report.save(update_fields=["withdrawn", "updated_at"])
    NumberEntry.objects.filter(record_id=report.record_id).delete()
    log_event("write", user=user, obj=report, before={"withdrawn": False}, after={"withdrawn": True})
    do_withdraw_hits(report.record_id, reason="document withdrawn from the register")
    return report


def entity_entries(entity) -> set[tuple[str, str]]:
    """The (kind, value) numbers of one case entity: a person's phones and document, a document's number."""
    country = entity.case.owner_institution.country.code
    out = set()
    if entity.doc_number:
        try:
            out.add((NumberEntry.Kind.DOCUMENT, document_number(entity.doc_number, entity.doc_type, entity.doc_country)))
        except NumberError:
            pass  # an unreadable number in a case is not a hit for anyone
    if entity.is_person:
        for phone in entity.phones or []:
            try:
                out.add((NumberEntry.Kind.PHONE, phone_number(str(phone), country)))
            except NumberError:
                pass
    return out


def entity_record_id(entity) -> str:
    from enlace.cases.models import match_record_id

    return match_record_id(entity.pk) if entity.is_person else f"cases.entity.{entity.pk}"


def _indexable(entity) -> bool:
    from enlace.cases.models import Case, Entity

    if entity.schema not in (Entity.Schema.PERSON, Entity.Schema.PASSPORT, Entity.Schema.IDENTIFICATION):
        return False
    return (entity.allow_matching and entity.case.allow_matching and entity.case.status != Case.Status.WITHDRAWN
            and not (entity.child_protection and entity.distribution == Distribution.INSTITUTION))


@transaction.atomic
def do_index_entities(pks, *, reason: str = "case entities changed") -> int:
    """Refresh the number index for case entities (system action, after their transaction committed).

    An entity that left matching (consent withdrawn, case withdrawn, deleted) leaves the index and its
    document/phone hits are withdrawn on both sides. One audit event (ids and counts, no number).
    """
    from enlace.cases.models import Entity, match_record_id
    from enlace.matching.actions import do_withdraw_hits

    pks = sorted({pk for pk in pks if pk})
    found = {e.pk: e for e in Entity.objects.unrestricted(reason="documents: index the numbers of changed entities")
             .filter(pk__in=pks).select_related("case__owner_institution__country", "owner_institution")}
    rows = 0
    gone = []
    for pk in pks:
        entity = found.get(pk)
        if entity is None or not _indexable(entity):
            for record_id in (match_record_id(pk), f"cases.entity.{pk}"):
                if NumberEntry.objects.filter(record_id=record_id).delete()[0]:
                    gone.append(record_id)
            continue
        rows += _replace_entries(entity_record_id(entity), entity.owner_institution, entity_entries(entity),
                                 entity.distribution)
    log_event("write", object_type="documents.numberentry", purpose=reason[:300],
              detail={"entities": len(pks), "rows": rows, "removed": len(gone)})
    for record_id in gone:
        if record_id.startswith("cases.entity."):  # persons' hits are closed by the person check
            do_withdraw_hits(record_id, reason="no longer matchable")
    return rows


@transaction.atomic
def do_index_cases(case_pks) -> int:
    """Refresh the number index for every person and document of cases whose matching consent changed."""
    from enlace.cases.models import Entity

    pks = list(Entity.objects.unrestricted(reason="documents: re-index the entities of a case whose consent changed")
               .filter(case_id__in=list(case_pks), schema__in=["Person", "Passport", "Identification"])
               .values_list("pk", flat=True))
    return do_index_entities(pks, reason="case consent or status changed")


def _query_id(user, kind: str, value: str) -> str:
    """The asking side's record id: the institution and a keyed hash of the number (never the number)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:24]
    return f"documents.query.{user.institution_id}.{digest}"


def normalise_query(kind: str, raw: str, user) -> tuple[str, set[str]]:
    """(the number's display form, every indexed form to look up); ``NumberError`` with a Spanish message."""
    if kind == NumberEntry.Kind.PHONE:
        value = phone_number(raw, user.institution.country.code)
        return value, {value}
    if kind == NumberEntry.Kind.DOCUMENT:
        forms = document_candidates(raw)
        return document_number(raw), forms
    raise NumberError(_("Elija qué consulta: un documento o un teléfono."))


def lookup(kind: str, values: set[str], exclude_country_id: int | None):
    """The index rows of other countries holding one of ``values`` (one indexed query)."""
    qs = NumberEntry.objects.filter(kind=kind, value__in=sorted(values)).select_related(
        "owner_institution__country")
    if exclude_country_id is not None:
        qs = qs.exclude(country_id=exclude_country_id)
    return list(qs.order_by("record_id")[:MAX_RECORDS_PER_QUERY])


@transaction.atomic
def do_query_number(user, *, kind: str, raw: str) -> list:
    """Hit/no-hit for one document number or phone against every other country's cases and register.

    Returns the asker's notices (empty list: no hit). Needs the query permission and cross-border
    standing (else 404). Bad input raises ``ValidationError`` with a Spanish message. One audit
    event (kind of number and number of hits, never the number); each hit adds its notices.
    """
    from django.http import Http404

    from enlace.cases.models import Entity, entity_pk_from_record_id
    from enlace.matching.actions import do_record_number_hit

    if not user.has_perm("documents.query_numbers") or not has_cross_border_standing(user):
        raise Http404
    try:
        value, forms = normalise_query(kind, raw, user)
    except NumberError as exc:
        raise ValidationError({"number": str(exc)}) from None
    rows = lookup(kind, forms, user.institution.country_id)
    log_event("search", user=user, object_type="documents.numberentry", personal_data=True,
              detail={"subject": kind, "hits": len(rows)})
    if not rows:
        return []
    entity_pks = [entity_pk_from_record_id(r.record_id) or int(r.record_id.rsplit(".", 1)[1])
                  for r in rows if r.record_id.startswith("cases.")]
    entities = {e.pk: e for e in Entity.objects.unrestricted(reason="documents: the case entities of a hit")
                .filter(pk__in=entity_pks)} if entity_pks else {}
    notices = []
    for row in rows:
        entity = None
        if row.record_id.startswith("cases."):
            entity = entities.get(entity_pk_from_record_id(row.record_id) or int(row.record_id.rsplit(".", 1)[1]))
            if entity is None:
                continue
        notices.append(do_record_number_hit(
            user, subject=kind, query_id=_query_id(user, kind, value), query_label=mask(value),
            owner_record_id=row.record_id, owner_label=mask(row.value), owner_institution=row.owner_institution,
            owner_entity=entity, owner_distribution=row.distribution))
    return notices
