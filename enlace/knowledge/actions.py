"""Every state change of the knowledge base: import, proposals and decisions, reports, rounds."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.core.models import Country
from enlace.core.uploads import store_encrypted, validate_upload
from enlace.notifications.actions import do_notify
from enlace.sharing.access import require
from enlace.sharing.policy import Distribution, is_secretariat

from . import parsing, search, themes
from .models import (
    ActionLink,
    Axis,
    Evidence,
    ImplementationReport,
    ImportRun,
    Meeting,
    PlanAction,
    PlanSection,
    Recommendation,
    ReportingRound,
    RoundReceipt,
    RoundReminder,
    SearchEntry,
    SourceDocument,
    Tagging,
    Theme,
)

SEED_FILES = {
    "plan-2019": "003_1d71fa7304ef80ea.txt",
    "plan-2018": "001_6b63a7616d30819d.txt",
    "tim": "000_908ebfb700dc2b69.txt",
    "tdp": "002_e7aaeccdcdd1dbe6.txt",
}
BUNDLED_SEEDS = Path(__file__).resolve().parent / "data" / "seeds"


class KnowledgeImportError(Exception):
    """The seed texts could not be understood; nothing was imported."""


def seeds_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``--seeds``, else ``ENLACE_SEEDS_DIR``, else ``../shared/seeds``, else the copy shipped in the app."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("ENLACE_SEEDS_DIR")
    if env:
        return Path(env)
    shared = Path(settings.BASE_DIR).parent / "shared" / "seeds"
    if all((shared / name).exists() for name in SEED_FILES.values()):
        return shared
    return BUNDLED_SEEDS


# --- import ------------------------------------------------------------------------------------


class _Diff:
    def __init__(self):
        self.items: list[dict] = []
        self.first_import = False

    def compare(self, key: str, obj, values: dict) -> bool:
        changed = False
        for field, value in values.items():
            old = getattr(obj, field)
            if old != value:
                if obj.pk is not None and not self.first_import:
                    self.items.append({"key": key, "field": field, "before": old, "after": value})
                setattr(obj, field, value)
                changed = True
        return changed


def _footnotes(notes) -> list[dict]:
    return [{"number": n.number, "text": n.text} for n in notes]


def _items(items) -> list[dict]:
    return [{"letter": i.letter, "text": i.text} for i in items]


def _upsert_document(code, kind, group, title, filename, sha, diff, **extra):
    doc = SourceDocument.objects.filter(code=code).first() or SourceDocument(code=code)
    if doc.pk is not None and doc.sha256 != sha:
        diff.items.append({"key": code, "field": "sha256", "before": doc.sha256, "after": sha})
    for k, v in dict(kind=kind, group=group, title=title, filename=filename, sha256=sha, **extra).items():
        setattr(doc, k, v)
    doc.imported_at = timezone.now()
    doc.save()
    return doc


def _import_plan(doc, plan: parsing.Plan, diff: _Diff, *, key_prefix: str = "") -> dict[int, list[PlanAction]]:
    counts = {}
    seen_actions = set()
    if not key_prefix:
        for order, section in enumerate(plan.sections, start=1):
            obj = PlanSection.objects.filter(document=doc, order=order).first() or PlanSection(document=doc, order=order)
            if diff.compare(f"plan-{order}", obj, {"kind": section.kind, "title": section.title, "text": section.text,
                                                   "footnotes": _footnotes(section.footnotes)}) or obj.pk is None:
                obj.save()
        PlanSection.objects.filter(document=doc, order__gt=len(plan.sections)).delete()
    for ax in plan.axes:
        axis = Axis.objects.filter(document=doc, number=ax.number).first() or Axis(document=doc, number=ax.number)
        if diff.compare(f"{key_prefix}eje-{ax.number}", axis, {
                "title": ax.title, "objective": ax.objective, "commitment": ax.commitment,
                "footnotes": _footnotes(ax.footnotes)}) or axis.pk is None:
            axis.save()
        counts[ax.number] = len(ax.actions)
        for act in ax.actions:
            key = f"{key_prefix}{ax.number}.{act.number}"
            obj = PlanAction.objects.filter(axis=axis, number=act.number).first() or PlanAction(
                axis=axis, number=act.number)
            if diff.compare(key, obj, {"key": key, "text": act.text, "items": _items(act.items),
                                       "footnotes": _footnotes(act.footnotes), "withdrawn": False}) or obj.pk is None:
                obj.save()
            seen_actions.add(obj.pk)
    for gone in PlanAction.objects.filter(axis__document=doc, withdrawn=False).exclude(pk__in=seen_actions):
        diff.items.append({"key": gone.key, "field": "withdrawn", "before": False, "after": True})
        gone.withdrawn = True
        gone.save(update_fields=["withdrawn"])
    return counts


def _import_compilation(doc, comp: parsing.Compilation, diff: _Diff) -> dict[str, int]:
    counts = {}
    seen = set()
    order = 0
    for mt in comp.meetings:
        meeting = Meeting.objects.filter(group=comp.group, ordinal=mt.ordinal).first() or Meeting(
            group=comp.group, ordinal=mt.ordinal)
        meeting.document = doc
        if diff.compare(f"{parsing.citation_prefix(comp.group)}-{mt.roman}", meeting, {
                "roman": mt.roman, "heading": mt.heading, "place": mt.place, "dates": mt.dates, "year": mt.year,
                "note": mt.note}) or meeting.pk is None:
            meeting.save()
        else:
            meeting.save(update_fields=["document"])
        counts[mt.roman] = len(mt.recommendations)
        for rec in mt.recommendations:
            order += 1
            key = parsing.citation_key(comp.group, mt.ordinal, rec.number)
            obj = Recommendation.objects.filter(key=key).first() or Recommendation(key=key)
            if diff.compare(key, obj, {"meeting_id": meeting.pk, "parent_id": None, "number": rec.number,
                                       "letter": "", "text": rec.text, "footnotes": _footnotes(rec.footnotes),
                                       "order": order, "withdrawn": False}) or obj.pk is None:
                obj.save()
            seen.add(obj.pk)
            for item in rec.items:
                order += 1
                ikey = parsing.citation_key(comp.group, mt.ordinal, rec.number, item.letter)
                child = Recommendation.objects.filter(key=ikey).first() or Recommendation(key=ikey)
                if diff.compare(ikey, child, {"meeting_id": meeting.pk, "parent_id": obj.pk, "number": rec.number,
                                              "letter": item.letter, "text": item.text, "footnotes": [],
                                              "order": order, "withdrawn": False}) or child.pk is None:
                    child.save()
                seen.add(child.pk)
    for gone in Recommendation.objects.filter(meeting__group=comp.group, withdrawn=False).exclude(pk__in=seen):
        diff.items.append({"key": gone.key, "field": "withdrawn", "before": False, "after": True})
        gone.withdrawn = True
        gone.save(update_fields=["withdrawn"])
    return counts


def _sync_themes() -> None:
    for order, (code, es, en, keywords) in enumerate(themes.THEMES, start=1):
        Theme.objects.update_or_create(code=code, defaults={"name_es": es, "name_en": en, "keywords": keywords,
                                                            "order": order})


def _action_text(a: PlanAction) -> str:
    return " ".join([a.text] + [i["text"] for i in a.items])


def _rec_text(r: Recommendation) -> str:
    return r.text if r.parent_id is None else f"{r.parent.text} {r.text}"


def _propose() -> dict[str, int]:
    """Theme and link proposals for what has none; decided pairs are never proposed again."""
    theme_vocab = {t.code: f"{t.name_es} {t.keywords}" for t in Theme.objects.all()}
    theme_ids = dict(Theme.objects.values_list("code", "pk"))
    actions = {a.pk: _action_text(a) for a in PlanAction.objects.filter(axis__document__superseded=False, withdrawn=False)}
    recs = {r.pk: _rec_text(r) for r in Recommendation.objects.filter(withdrawn=False).select_related("parent")}
    existing_tags = set(Tagging.objects.values_list("theme_id", "recommendation_id", "action_id"))
    tagged_recs = set(Tagging.objects.exclude(status=Tagging.Status.REJECTED).filter(
        recommendation__isnull=False).values_list("recommendation_id", flat=True))
    tagged_actions = set(Tagging.objects.exclude(status=Tagging.Status.REJECTED).filter(
        action__isnull=False).values_list("action_id", flat=True))
    new_tags = []
    texts = {("r", k): v for k, v in recs.items() if k not in tagged_recs}
    texts.update({("a", k): v for k, v in actions.items() if k not in tagged_actions})
    if texts:
        for (kind, pk), proposals in themes.propose_themes(texts, theme_vocab).items():
            for code, score in proposals:
                rec_id, act_id = (pk, None) if kind == "r" else (None, pk)
                if (theme_ids[code], rec_id, act_id) in existing_tags:
                    continue
                new_tags.append(Tagging(theme_id=theme_ids[code], recommendation_id=rec_id, action_id=act_id,
                                        score=score))
    Tagging.objects.bulk_create(new_tags)
    existing_links = set(ActionLink.objects.values_list("recommendation_id", "action_id"))
    new_links = [ActionLink(recommendation_id=r, action_id=a, score=s)
                 for r, a, s in themes.propose_links(recs, actions) if (r, a) not in existing_links]
    ActionLink.objects.bulk_create(new_links)
    return {"tags": len(new_tags), "links": len(new_links)}


def _link_draft_actions(draft_doc, final_doc) -> int:
    old = {a.pk: _action_text(a) for a in PlanAction.objects.filter(axis__document=draft_doc)}
    new = {a.pk: _action_text(a) for a in PlanAction.objects.filter(axis__document=final_doc, withdrawn=False)}
    matches = themes.best_matches(old, new)
    n = 0
    for a in PlanAction.objects.filter(axis__document=draft_doc):
        succ = matches.get(a.pk)
        if a.successor_id != succ:
            a.successor_id = succ
            a.save(update_fields=["successor"])
        n += succ is not None
    return n


def rebuild_search_entries() -> int:
    SearchEntry.objects.all().delete()
    entries = []
    for a in PlanAction.objects.filter(axis__document__superseded=False, withdrawn=False).select_related("axis"):
        entries.append(SearchEntry(kind=SearchEntry.Kind.ACTION, key=a.key, title=str(_plan_title(a)),
                                   text=_action_text(a), group="plan", axis=a.axis.number, action=a))
    for s in PlanSection.objects.filter(document__code="plan-2019"):
        entries.append(SearchEntry(kind=SearchEntry.Kind.SECTION, key=f"plan-{s.order}", title=s.title or s.get_kind_display(),
                                   text=s.text, group="plan", section=s))
    for r in Recommendation.objects.filter(withdrawn=False).select_related("meeting"):
        entries.append(SearchEntry(kind=SearchEntry.Kind.RECOMMENDATION, key=r.key, title=r.key, text=r.text,
                                   group=r.meeting.group, meeting=r.meeting.ordinal, year=r.meeting.year,
                                   recommendation=r))
    SearchEntry.objects.bulk_create(entries, batch_size=500)
    return search.rebuild_index()


def _plan_title(a: PlanAction) -> str:
    return f"Eje {a.axis.number}, acción {a.number}"


@transaction.atomic
def do_import_knowledge(seeds: str | os.PathLike | None = None, *, user=None) -> dict:
    """Parse the four seed texts and bring the database in line with them. Idempotent.

    Changed texts are updated in place and reported as differences; records that disappeared are
    marked withdrawn (never deleted: reports may point at them). Any parse problem aborts the whole
    import (one transaction).
    """
    base = seeds_dir(seeds)
    raw = {}
    for code, name in SEED_FILES.items():
        path = base / name
        if not path.exists():
            raise KnowledgeImportError(_("No se encontró el archivo %(file)s en %(dir)s.") % {"file": name, "dir": base})
        raw[code] = path.read_bytes()
    texts = {code: data.decode("utf-8") for code, data in raw.items()}
    sha = {code: hashlib.sha256(data).hexdigest() for code, data in raw.items()}
    plan = parsing.parse_plan(texts["plan-2019"])
    draft = parsing.parse_draft_plan(texts["plan-2018"])
    tim = parsing.parse_recommendations(texts["tim"], "tim")
    tdp = parsing.parse_recommendations(texts["tdp"], "tdp")
    problems = plan.warnings + draft.warnings + tim.warnings + tdp.warnings
    if problems or not plan.axes or not tim.meetings or not tdp.meetings:
        raise KnowledgeImportError(_("Los textos fuente no tienen la estructura esperada: %(p)s") % {
            "p": "; ".join(problems[:10]) or _("faltan ejes o reuniones")})

    diff = _Diff()
    diff.first_import = not SourceDocument.objects.exists()
    _sync_themes()
    plan_doc = _upsert_document("plan-2019", SourceDocument.Kind.PLAN, "",
                                "Plan de Trabajo en materia de tráfico ilícito de migrantes 2019–2025",
                                SEED_FILES["plan-2019"], sha["plan-2019"], diff,
                                general_objective=plan.general_objective, superseded=False)
    draft_doc = _upsert_document("plan-2018", SourceDocument.Kind.PLAN, "",
                                 "Borrador del Plan de Trabajo (2018)", SEED_FILES["plan-2018"], sha["plan-2018"],
                                 diff, general_objective=draft.general_objective, superseded=True)
    docs = {}
    for comp, code in ((tim, "tim"), (tdp, "tdp")):
        docs[code] = _upsert_document(code, SourceDocument.Kind.RECOMMENDATIONS, code, comp.title, SEED_FILES[code],
                                      sha[code], diff, date=comp.date, related_symbols=comp.symbols,
                                      symbol=comp.symbols[0].rsplit("/", 2)[0] if comp.symbols else "",
                                      superseded=False)
    summary = {
        "plan": _import_plan(plan_doc, plan, diff),
        "draft": _import_plan(draft_doc, draft, diff, key_prefix="2018-"),
        "tim": _import_compilation(docs["tim"], tim, diff),
        "tdp": _import_compilation(docs["tdp"], tdp, diff),
        "items": {"tim": sum(len(r.items) for m in tim.meetings for r in m.recommendations),
                  "tdp": sum(len(r.items) for m in tdp.meetings for r in m.recommendations)},
    }
    summary["draft_links"] = _link_draft_actions(draft_doc, plan_doc)
    summary["proposals"] = _propose()
    summary["indexed"] = rebuild_search_entries()
    summary["differences"] = len(diff.items)
    ImportRun.objects.create(summary=summary, differences=diff.items[:2000])
    # The audit keeps counts only: the differences themselves (texts) are in the ImportRun.
    log_event("import", user=user, object_type="knowledge.sourcedocument",
              detail={"rows": summary["indexed"], "count": len(diff.items)})
    summary["difference_list"] = diff.items
    return summary


# --- proposals and decisions ------------------------------------------------------------------


def _require_st(user, perm: str, message: str) -> None:
    """A capability of the Secretaría Técnica: its permission, held by an official of the ST party."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perm) or not is_secretariat(user):
        raise PermissionDenied(message)


@transaction.atomic
def do_decide_tagging(user, tagging: Tagging, decision: str) -> Tagging:
    """The ST confirms or rejects a theme proposed for a record (a rejected pair is never proposed again)."""
    _require_st(user, "knowledge.decide_proposals", _("Solo la Secretaría Técnica decide sobre las propuestas."))
    if decision not in (Tagging.Status.CONFIRMED, Tagging.Status.REJECTED):
        raise ValidationError(_("Decisión no válida."))
    before = {"status": tagging.status}
    tagging.status = decision
    tagging.decided_by = user
    tagging.decided_at = timezone.now()
    tagging.save()
    log_event("write", user=user, obj=tagging, before=before,
              after={"status": decision, "theme_id": tagging.theme_id, "recommendation_id": tagging.recommendation_id,
                     "action_id": tagging.action_id})
    return tagging


@transaction.atomic
def do_decide_link(user, link: ActionLink, decision: str) -> ActionLink:
    """The ST confirms or rejects a proposed recommendation ↔ plan action link."""
    _require_st(user, "knowledge.decide_proposals", _("Solo la Secretaría Técnica decide sobre las propuestas."))
    if decision not in (Tagging.Status.CONFIRMED, Tagging.Status.REJECTED):
        raise ValidationError(_("Decisión no válida."))
    before = {"status": link.status}
    link.status = decision
    link.decided_by = user
    link.decided_at = timezone.now()
    link.save()
    log_event("write", user=user, obj=link, before=before,
              after={"status": decision, "recommendation_id": link.recommendation_id, "action_id": link.action_id})
    return link


@transaction.atomic
def do_add_theme(user, theme: Theme, *, recommendation=None, action=None) -> Tagging:
    """The ST tags a record by hand (confirmed at once; the decision is the one audited step)."""
    _require_st(user, "knowledge.decide_proposals", _("Solo la Secretaría Técnica decide sobre las propuestas."))
    tagging, _created = Tagging.objects.get_or_create(theme=theme, recommendation=recommendation, action=action)
    return do_decide_tagging(user, tagging, Tagging.Status.CONFIRMED)


# --- reporting rounds ---------------------------------------------------------------------------


@transaction.atomic
def do_create_round(user, *, title: str, period: str, opens_on, deadline) -> ReportingRound:
    """The ST opens a reporting round (title, period, opening date and deadline)."""
    _require_st(user, "knowledge.manage_rounds", _("Solo la Secretaría Técnica abre rondas de reporte."))
    if deadline < opens_on:
        raise ValidationError({"deadline": _("La fecha límite no puede ser anterior a la apertura.")})
    rnd = ReportingRound.objects.create(title=title, period=period, opens_on=opens_on, deadline=deadline,
                                        created_by=user)
    log_event("write", user=user, obj=rnd, after={"title": title, "period": period, "opens_on": opens_on,
                                                  "deadline": deadline})
    return rnd


@transaction.atomic
def do_close_round(user, rnd: ReportingRound) -> ReportingRound:
    """The ST closes a round: drafts can still be saved, no longer submitted."""
    _require_st(user, "knowledge.manage_rounds", _("Solo la Secretaría Técnica cierra rondas de reporte."))
    before = {"closed_at": rnd.closed_at}
    rnd.closed_at = timezone.now()
    rnd.save(update_fields=["closed_at"])
    log_event("write", user=user, obj=rnd, before=before, after={"closed_at": rnd.closed_at})
    return rnd


def countries_without_report(rnd: ReportingRound):
    done = RoundReceipt.objects.filter(round=rnd, submitted__gt=0).values("country_id")
    return Country.objects.filter(kind=Country.Kind.MEMBER).exclude(pk__in=done).order_by("name_es")


@transaction.atomic
def do_send_round_reminders(user, rnd: ReportingRound, *, stage: str = "manual") -> list[str]:
    """Remind the focal points and the Cancillería of every member country that has not reported.

    ``user`` is the ST official pressing the button, or ``None`` for the periodic task (which sends
    each ``stage`` once per country).
    """
    from enlace.accounts.models import User

    if user is not None:
        _require_st(user, "knowledge.manage_rounds", _("Solo la Secretaría Técnica envía recordatorios."))
    if not rnd.is_open:
        raise ValidationError(_("La ronda está cerrada: ya no se envían recordatorios."))
    sent = []
    for country in countries_without_report(rnd):
        if user is None and RoundReminder.objects.filter(round=rnd, country=country, stage=stage).exists():
            continue
        recipients = list(User.objects.filter(is_active=True, institution__country=country,
                                              groups__name__in=["focal_point", "cancilleria"]).distinct())
        if recipients:
            do_notify(recipients, kind="knowledge.reminder", actor=user,
                      title=_("Recordatorio: reporte de avances «%(round)s», fecha límite %(date)s") % {
                          "round": rnd.title, "date": rnd.deadline.strftime("%d/%m/%Y")},
                      body=_("Su país aún no ha enviado reportes de implementación en esta ronda."),
                      link=f"/conocimiento/reportes/?round={rnd.pk}")
        RoundReminder.objects.create(round=rnd, country=country, sent_by=user, stage=stage)
        sent.append(country.code)
    log_event("write", user=user, obj=rnd, after={"countries": sent, "step": stage})
    return sent


# --- implementation reports --------------------------------------------------------------------

REPORT_FIELDS = ("status", "narrative", "responsible_institution", "next_steps")


def _snapshot(report: ImplementationReport) -> dict:
    return {"target": report.target_key, "round": report.round_id, "state": report.state,
            "distribution": report.distribution, **{f: getattr(report, f) for f in REPORT_FIELDS}}


def resolve_action(key: str) -> PlanAction:
    """A final plan action from its key ``<axis>.<number>``, or a translated ``ValidationError``."""
    try:
        axis, number = (int(x) for x in str(key).strip().split("."))
        return PlanAction.objects.get(axis__document__code="plan-2019", axis__number=axis, number=number,
                                      withdrawn=False)
    except (ValueError, PlanAction.DoesNotExist):
        raise ValidationError({"action": _("La acción «%(key)s» no existe en el Plan de Trabajo 2019–2025.") % {
            "key": str(key)[:20]}}) from None


def resolve_recommendation(key: str) -> Recommendation:
    rec = Recommendation.objects.filter(key=parsing.normalize_key(key), withdrawn=False).first()
    if rec is None:
        raise ValidationError({"recommendation": _("La recomendación «%(key)s» no existe.") % {"key": str(key)[:30]}})
    return rec


@transaction.atomic
def do_save_report(user, *, round: ReportingRound, action: PlanAction | None = None,
                   recommendation: Recommendation | None = None, status: str, narrative: str = "",
                   responsible_institution: str = "", next_steps: str = "",
                   distribution: str = Distribution.COUNTRY, report: ImplementationReport | None = None
                   ) -> ImplementationReport:
    """Create or update the draft of a country's report on one action or recommendation.

    A draft can always be saved (even after the round closed: nothing typed is lost); it is the
    submission that the deadline governs.
    """
    if not getattr(user, "is_authenticated", False) or not user.has_perm("knowledge.change_implementationreport"):
        raise PermissionDenied(_("Su función no permite redactar reportes de implementación."))
    if user.institution_id is None:
        raise PermissionDenied(_("Su cuenta no pertenece a ninguna institución."))
    if (action is None) == (recommendation is None):
        raise ValidationError(_("Indique una acción del plan o una recomendación."))
    if action is not None and (action.axis.document.superseded or action.withdrawn):
        raise ValidationError({"action": _("Solo se reporta sobre acciones vigentes del Plan de Trabajo 2019–2025.")})
    if status not in ImplementationReport.Status.values:
        raise ValidationError({"status": _("Estado de implementación no válido.")})
    if distribution not in (Distribution.COUNTRY, Distribution.NETWORK):
        raise ValidationError({"distribution": _("Elija mantener el reporte en su país o compartirlo con la red.")})
    if report is None:
        report = ImplementationReport.objects.restrict(user, "change").filter(
            round=round, action=action, recommendation=recommendation).first()
    if report is not None:
        report = require(user, report, "change")
        if report.state in (ImplementationReport.State.SUBMITTED, ImplementationReport.State.VALIDATED):
            raise ValidationError(_("Este reporte ya fue enviado; no puede modificarse salvo que se devuelva para corrección."))
        before = _snapshot(report)
        kind = "write"
    else:
        report = ImplementationReport(owner_institution=user.institution, created_by=user, round=round,
                                      action=action, recommendation=recommendation)
        before = None
        kind = "write"
    report.status = status
    report.narrative = narrative
    report.responsible_institution = responsible_institution
    report.next_steps = next_steps
    report.distribution = distribution
    report.sharing_group = None
    report.clean_sharing()
    report.save()
    log_event(kind, user=user, obj=report, before=before, after=_snapshot(report))
    return report


@transaction.atomic
def do_submit_report(user, report: ImplementationReport) -> ImplementationReport:
    """The drafting institution sends its report to its Cancillería for validation (round must be open)."""
    report = require(user, report, "submit")
    if report.state not in (ImplementationReport.State.DRAFT, ImplementationReport.State.RETURNED):
        raise ValidationError(_("Este reporte ya fue enviado."))
    if not report.round.is_open:
        raise ValidationError(_("La ronda «%(round)s» cerró el %(date)s: el reporte quedó guardado como borrador, "
                                "pero ya no puede enviarse. Comuníquese con la Secretaría Técnica.") % {
            "round": report.round.title, "date": report.round.deadline.strftime("%d/%m/%Y")})
    if not report.narrative.strip() and report.status != ImplementationReport.Status.NOT_STARTED:
        raise ValidationError({"narrative": _("Describa lo realizado antes de enviar el reporte.")})
    before = _snapshot(report)
    report.state = ImplementationReport.State.SUBMITTED
    report.submitted_at = timezone.now()
    report.save()
    country = report.owner_institution.country
    receipt, _created = RoundReceipt.objects.get_or_create(round=report.round, country=country)
    receipt.submitted += 1
    receipt.last_submitted_at = report.submitted_at
    receipt.save()
    log_event("write", user=user, obj=report, before=before, after=_snapshot(report), detail={"submitted": True})
    from enlace.accounts.models import User  # local: accounts imports the apps' permissions

    validators = User.objects.filter(is_active=True, institution__country=country, groups__name="cancilleria")
    do_notify(list(validators), kind="knowledge.to_validate", actor=user,
              title=_("Reporte de implementación por validar: %(key)s") % {"key": report.target_key},
              link=f"/conocimiento/reportes/{report.pk}/")
    return report


@transaction.atomic
def do_validate_report(user, report: ImplementationReport, *, approve: bool = True, note: str = "") -> ImplementationReport:
    """The Cancillería of the reporting country (or the ST, for reports shared with it) validates or
    returns a submitted report (the ``validate`` rule; anyone else gets 404)."""
    report = require(user, report, "validate")
    if report.state != ImplementationReport.State.SUBMITTED:
        raise ValidationError(_("Solo se validan reportes enviados y pendientes de validación."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Indique qué debe corregirse al devolver el reporte.")})
    before = _snapshot(report)
    report.state = ImplementationReport.State.VALIDATED if approve else ImplementationReport.State.RETURNED
    report.validated_by = user if approve else None
    report.validated_at = timezone.now() if approve else None
    report.validation_note = note
    report.save()
    log_event("write", user=user, obj=report, before=before, after=_snapshot(report),
              detail={"verdict": "approved" if approve else "returned"})
    if report.created_by_id:
        do_notify([report.created_by], kind="knowledge.validated", actor=user,
                  title=(_("Su reporte %(key)s fue validado") if approve else _("Su reporte %(key)s fue devuelto"))
                  % {"key": report.target_key}, link=f"/conocimiento/reportes/{report.pk}/")
    return report


@transaction.atomic
def do_add_evidence(user, report: ImplementationReport, *, upload=None, url: str = "", title: str = "") -> Evidence:
    """Attach a link or a file (checked by content, stored encrypted) to a report of the user's institution."""
    report = require(user, report, "change")
    if upload is None and not url:
        raise ValidationError(_("Adjunte un archivo o indique un enlace."))
    fields = {"title": title[:200], "url": url, "added_by": user, "report": report}
    if upload is not None:
        mime = validate_upload(upload)
        path, digest, size = store_encrypted(upload)
        fields.update(file_path=path, file_name=os.path.basename(upload.name or "archivo")[:200], mime=mime,
                      size=size, sha256=digest)
    evidence = Evidence.objects.create(**fields)
    log_event("write", user=user, obj=report, detail={"evidence_id": evidence.pk, "sha256": evidence.sha256})
    return evidence
