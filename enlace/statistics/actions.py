"""Every state change of the statistics capability (atomic, one audit event each)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.sharing.access import require
from enlace.sharing.policy import Distribution, is_secretariat

from .models import (Cell, DatabaseEntry, DataSet, Dimension, Indicator, IndicatorVersion, Period, Report,
                     Submission)
from .suppression import suppress_rows

CATALOGUE = Path(__file__).parent / "data" / "catalogue.json"
MAX_VALUE = 10_000_000
ENTRY_FIELDS = ("name", "holder", "content", "coverage", "legal_basis", "frequency", "access_rules", "completeness",
                "timeliness_days", "duplicates_pct", "formats", "has_api", "feeds_enlace")
INDICATOR_FIELDS = ("name_es", "name_en", "definition_es", "definition_en", "dimensions", "unit", "active")


# --- catalogue (reference data, edited by the ST) ----------------------------------------------------

@transaction.atomic
def do_load_catalogue(user=None, path: Path = CATALOGUE) -> dict:
    """Create the dimensions, data sets and indicators of the shipped catalogue. Idempotent: an
    indicator the ST already edited is left as it is (its history lives in ``IndicatorVersion``)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = 0
    for d in data["dimensions"]:
        _obj, new = Dimension.objects.get_or_create(code=d["code"], defaults={
            "name_es": d["es"], "name_en": d["en"], "categories": d["categories"]})
        created += new
    for ds_order, ds in enumerate(data["datasets"], start=1):
        dataset, new = DataSet.objects.get_or_create(code=ds["code"], defaults={
            "name_es": ds["es"], "name_en": ds["en"], "order": ds_order})
        created += new
        for order, ind in enumerate(ds["indicators"], start=1):
            _obj, new = Indicator.objects.get_or_create(code=ind["code"], defaults={
                "dataset": dataset, "name_es": ind["es"], "name_en": ind["en"], "definition_es": ind["def_es"],
                "definition_en": ind["def_en"], "dimensions": ind["dims"], "order": order})
            created += new
    if created:
        log_event("write", user=user, object_type="stats.indicator", detail={"created": created})
    return {"created": created, "indicators": Indicator.objects.count()}


def _check_manager(user):
    if not (user.has_perm("stats.manage_catalogue") and is_secretariat(user)):
        raise Http404


def _clean_dimensions(dims) -> list[str]:
    known = set(Dimension.objects.values_list("code", flat=True))
    if not isinstance(dims, list) or any(d not in known for d in dims) or len(set(dims)) != len(dims):
        raise ValidationError({"dimensions": _("Elija desagregaciones del catálogo, sin repetir.")})
    return dims


@transaction.atomic
def do_change_indicator(user, indicator: Indicator, **fields) -> Indicator:
    """The ST edits an indicator; the previous definition is kept as a version."""
    _check_manager(user)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    fields = {k: v for k, v in fields.items() if k in INDICATOR_FIELDS}
    if "dimensions" in fields:
        fields["dimensions"] = _clean_dimensions(fields["dimensions"])
    if not (fields.get("name_es", indicator.name_es) or "").strip():
        raise ValidationError({"name_es": _("El nombre es obligatorio.")})
    changed = [k for k, v in fields.items() if getattr(indicator, k) != v]
    if not changed:
        return indicator
    IndicatorVersion.objects.create(indicator=indicator, version=indicator.version, changed_by=user,
                                    snapshot={k: getattr(indicator, k) for k in INDICATOR_FIELDS})
    for k in changed:
        setattr(indicator, k, fields[k])
    indicator.version += 1
    indicator.save()
    log_event("write", user=user, obj=indicator, detail={"version": indicator.version, "changed": changed})
    return indicator


@transaction.atomic
def do_open_period(user, *, code: str, starts_on, ends_on, deadline=None) -> Period:
    """The ST opens a reporting period."""
    _check_manager(user)
    code = (code or "").strip()
    if not code or Period.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Ese período ya existe o el código está vacío.")})
    if starts_on > ends_on:
        raise ValidationError({"ends_on": _("El fin no puede ser anterior al inicio.")})
    period = Period.objects.create(code=code, starts_on=starts_on, ends_on=ends_on, deadline=deadline)
    log_event("write", user=user, obj=period, detail={"code": code})
    return period


# --- inventory -------------------------------------------------------------------------------------------

def _entry_values(values: dict) -> dict:
    values = {k: v for k, v in values.items() if k in ENTRY_FIELDS}
    for k in ("completeness", "duplicates_pct"):
        if k in values and not 0 <= int(values[k]) <= 100:
            raise ValidationError({k: _("Debe estar entre 0 y 100.")})
    return values


@transaction.atomic
def do_create_database_entry(user, *, distribution: str = Distribution.NETWORK, **values) -> DatabaseEntry:
    """A country adds one of its databases to the inventory (shared with the network by default so
    that the ST sees the regional picture)."""
    if not user.has_perm("stats.add_databaseentry"):
        raise Http404
    entry = DatabaseEntry(owner_institution=user.institution, created_by=user, distribution=distribution,
                          **_entry_values(values))
    if not entry.name.strip():
        raise ValidationError({"name": _("El nombre es obligatorio.")})
    entry.clean_sharing()
    entry.save()
    log_event("write", user=user, obj=entry, detail={"created": True, "maturity": entry.maturity})
    return entry


@transaction.atomic
def do_update_database_entry(user, entry: DatabaseEntry, **values) -> DatabaseEntry:
    """The owner institution updates an inventory entry."""
    entry = require(user, entry, "change")
    values = _entry_values(values)
    changed = [k for k, v in values.items() if getattr(entry, k) != v]
    for k in changed:
        setattr(entry, k, values[k])
    entry.save()
    log_event("write", user=user, obj=entry, detail={"changed": changed, "maturity": entry.maturity})
    return entry


# --- submissions -----------------------------------------------------------------------------------------

def expected_keys(indicators=None) -> list[tuple[str, str, str]]:
    """Every cell of the catalogue, in template order: (indicator, dimension, category)."""
    dims = {d.code: d for d in Dimension.objects.all()}
    keys = []
    for ind in indicators if indicators is not None else Indicator.objects.filter(active=True).select_related("dataset"):
        keys.append((ind.code, "", ""))
        for dim in ind.dimensions:
            keys.extend((ind.code, dim, c["code"]) for c in dims[dim].categories if dim in dims)
    return keys


def check_values(values: dict, *, where=None) -> dict:
    """Validate ``{(indicator, dimension, category): value}``. Raises a ``ValidationError`` listing every
    problem (``where(key)`` names the line/column of a key for imports). Empty values are dropped."""
    known = set(expected_keys())
    errors = []
    clean = {}
    place = where or (lambda key: "")
    for key, raw in values.items():
        if raw in (None, ""):
            continue
        if key not in known:
            errors.append(_("%(where)sla celda %(key)s no existe en el catálogo.") % {
                "where": place(key), "key": "/".join(k for k in key if k)})
            continue
        try:
            if isinstance(raw, float):
                value = int(raw) if raw.is_integer() else None
            else:
                value = int(str(raw).strip())
        except (ValueError, OverflowError):
            value = None
        if value is None or isinstance(raw, bool):
            errors.append(_("%(where)sel valor «%(raw)s» no es un número entero.") % {"where": place(key), "raw": raw})
        elif value < 0:
            errors.append(_("%(where)sun conteo no puede ser negativo (%(raw)s).") % {"where": place(key), "raw": raw})
        elif value > MAX_VALUE:
            errors.append(_("%(where)sel valor %(raw)s es demasiado grande.") % {"where": place(key), "raw": raw})
        else:
            clean[key] = value
    # Each breakdown given in full must add up to its indicator's total.
    groups: dict = {}
    for (ind, dim, cat), v in clean.items():
        if dim:
            groups.setdefault((ind, dim), {})[cat] = v
    cats = {d.code: len(d.categories) for d in Dimension.objects.all()}
    for (ind, dim), parts in sorted(groups.items()):
        total = clean.get((ind, "", ""))
        if total is None:
            errors.append(_("%(ind)s: hay desagregación por «%(dim)s» pero falta el total.") % {"ind": ind, "dim": dim})
        elif len(parts) == cats.get(dim) and sum(parts.values()) != total:
            errors.append(_("%(ind)s: la desagregación por «%(dim)s» suma %(sum)s y el total es %(total)s.") % {
                "ind": ind, "dim": dim, "sum": sum(parts.values()), "total": total})
        elif sum(parts.values()) > total:
            errors.append(_("%(ind)s: la desagregación por «%(dim)s» suma %(sum)s, más que el total %(total)s.") % {
                "ind": ind, "dim": dim, "sum": sum(parts.values()), "total": total})
    if errors:
        raise ValidationError(errors)
    return clean


def completeness(values: dict) -> int:
    """Share of the catalogue's tables (indicator × breakdown, plus totals) that are complete."""
    keys = expected_keys()
    if not keys:
        return 0
    return round(100 * sum(1 for k in keys if k in values) / len(keys))


def _editable_draft(user, period: Period) -> Submission | None:
    country = user.institution.country
    mine = Submission.objects.restrict(user, "change").filter(period=period, country=country,
                                                              status=Submission.Status.DRAFT).first()
    if mine is not None:
        return mine
    others = Submission.objects.unrestricted(reason="one submission per country and period").filter(
        period=period, country=country)
    if others.filter(status=Submission.Status.DRAFT).exists():
        raise ValidationError(_("Otra institución de su país tiene un borrador para este período."))
    if others.exclude(status=Submission.Status.DRAFT).exists():
        raise ValidationError(_("El período %(period)s ya fue validado o cerrado para su país: registre una "
                                "corrección (nueva versión con motivo).") % {"period": period.code})
    return None


@transaction.atomic
def do_save_submission(user, period: Period, values: dict, *, channel: str = Submission.Channel.FORM,
                       where=None) -> Submission:
    """Save a country's figures for a period (form, XLSX template or API push). All or nothing:
    the draft's cells are replaced only when every value is valid."""
    if not user.has_perm("stats.add_submission") or user.institution is None or is_secretariat(user):
        raise Http404
    clean = check_values(values, where=where)
    submission = _editable_draft(user, period)
    if submission is None:
        submission = Submission.objects.create(
            owner_institution=user.institution, created_by=user, distribution=Distribution.COUNTRY,
            period=period, country=user.institution.country, version=1, channel=channel)
        created = True
    else:
        created = False
        Cell.objects.filter(submission=submission).delete()
    ind_ids = dict(Indicator.objects.values_list("code", "pk"))
    Cell.objects.bulk_create([Cell(submission=submission, indicator_id=ind_ids[i], dimension=d, category=c, value=v)
                              for (i, d, c), v in clean.items()], batch_size=2000)
    submission.completeness = completeness(clean)
    submission.channel = channel
    submission.save(update_fields=["completeness", "channel", "updated_at"])
    log_event("import" if channel != Submission.Channel.FORM else "write", user=user, obj=submission,
              detail={"created": created, "cells": len(clean), "channel": channel, "version": submission.version})
    return submission


def cell_values(submission: Submission) -> dict:
    """The stored values of a submission the caller already obtained through the policy."""
    return {(i, d, c): v for i, d, c, v in Cell.objects.filter(submission=submission).values_list(
        "indicator__code", "dimension", "category", "value")}


@transaction.atomic
def do_validate_submission(user, submission: Submission) -> Submission:
    """The country's approver (or the ST) validates a draft: it is checked again and can no longer be edited."""
    submission = require(user, submission, "validate")
    if submission.status != Submission.Status.DRAFT:
        raise ValidationError(_("Solo se valida un borrador."))
    values = cell_values(submission)
    if not values:
        raise ValidationError(_("El envío no tiene cifras."))
    check_values(values)
    submission.status = Submission.Status.VALIDATED
    submission.validated_at = timezone.now()
    submission.validated_by = user
    submission.save(update_fields=["status", "validated_at", "validated_by", "updated_at"])
    log_event("write", user=user, obj=submission, after={"status": submission.status})
    return submission


@transaction.atomic
def do_lock_submission(user, submission: Submission) -> Submission:
    """Lock a validated version: compute which cells may leave the country (suppression), make it the
    current version and publish it to the network (other countries see only published cells)."""
    submission = require(user, submission, "lock")
    if submission.status != Submission.Status.VALIDATED:
        raise ValidationError(_("Solo se cierra un envío validado."))
    cells = list(Cell.objects.filter(submission=submission).values_list("pk", "indicator_id", "dimension",
                                                                       "category", "value"))
    by_key = {(i, d, c): pk for pk, i, d, c, _v in cells}
    published = {by_key[(i, d, c)] for i, d, c, _v in suppress_rows([(i, d, c, v) for _pk, i, d, c, v in cells])}
    Cell.objects.filter(submission=submission).update(published=False)
    Cell.objects.filter(pk__in=published).update(published=True)
    Submission.objects.unrestricted(reason="previous version stops being current").filter(
        period=submission.period, country=submission.country, is_current=True).update(is_current=False)
    submission.status = Submission.Status.LOCKED
    submission.is_current = True
    submission.locked_at = timezone.now()
    submission.distribution = Distribution.NETWORK
    submission.save(update_fields=["status", "is_current", "locked_at", "distribution", "updated_at"])
    log_event("write", user=user, obj=submission, after={"status": submission.status,
                                                         "distribution": submission.distribution},
              detail={"published": len(published), "cells": len(cells)})
    return submission


@transaction.atomic
def do_correct_submission(user, submission: Submission, *, reason: str) -> Submission:
    """A correction of a locked version is a new draft version (with its reason) holding a copy of
    the cells; the locked version stays current until the new one is locked."""
    submission = require(user, submission, "correct")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indique el motivo de la corrección.")})
    if submission.status != Submission.Status.LOCKED:
        raise ValidationError(_("Solo se corrige una versión cerrada."))
    if Submission.objects.unrestricted(reason="one open correction at a time").filter(
            period=submission.period, country=submission.country).exclude(status=Submission.Status.LOCKED).exists():
        raise ValidationError(_("Ya hay una corrección abierta para este período."))
    latest = Submission.objects.unrestricted(reason="next version number").filter(
        period=submission.period, country=submission.country).order_by("-version").first()
    new = Submission.objects.create(
        owner_institution=submission.owner_institution, created_by=user, distribution=Distribution.COUNTRY,
        period=submission.period, country=submission.country, version=latest.version + 1, reason=reason,
        completeness=submission.completeness, channel=submission.channel)
    Cell.objects.bulk_create([Cell(submission=new, indicator_id=c.indicator_id, dimension=c.dimension,
                                   category=c.category, value=c.value)
                              for c in Cell.objects.filter(submission=submission)], batch_size=2000)
    log_event("write", user=user, obj=new, detail={"version": new.version, "corrects": submission.pk})
    return new


# --- reports ---------------------------------------------------------------------------------------------

@transaction.atomic
def do_request_report(user, period: Period) -> Report:
    """Queue the regional diagnosis of a period for the requester (give-to-get applies: a country that
    has not locked its own figures for the period gets a report of its own country only)."""
    if not user.has_perm("stats.add_report") or user.institution is None:
        raise Http404
    report = Report.objects.create(owner_institution=user.institution, created_by=user, period=period,
                                   distribution=Distribution.INSTITUTION, step=_("En cola"))
    log_event("write", user=user, obj=report, detail={"period": period.code})
    from .tasks import build_report  # local: tasks import actions

    # Enqueued in the same transaction: with the database backend the worker sees the task only
    # once the report row is committed.
    build_report.enqueue(report.pk)
    return report


@transaction.atomic
def do_report_progress(report: Report, *, progress: int, step: str) -> None:
    """The background job records how far it got (the page polls this)."""
    Report.objects.unrestricted(reason="report job progress").filter(pk=report.pk).update(
        status=Report.Status.RUNNING, progress=progress, step=step[:120])
    log_event("write", obj=report, detail={"progress": progress})


@transaction.atomic
def do_finish_report(report: Report, *, pdf: bytes, xlsx: bytes, inputs_digest: str, figures_digest: str) -> None:
    """Store the generated PDF and XLSX annex."""
    Report.objects.unrestricted(reason="report job result").filter(pk=report.pk).update(
        status=Report.Status.DONE, progress=100, step="", pdf=pdf, xlsx=xlsx, inputs_digest=inputs_digest,
        figures_digest=figures_digest, finished_at=timezone.now())
    log_event("write", obj=report, detail={"status": "done", "figures_digest": figures_digest})


@transaction.atomic
def do_fail_report(report: Report, *, error: str) -> None:
    """Record that the job failed (the page then offers to try again)."""
    Report.objects.unrestricted(reason="report job result").filter(pk=report.pk).update(
        status=Report.Status.FAILED, error=error[:300], finished_at=timezone.now())
    log_event("write", obj=report, detail={"status": "failed"})
