"""Every state change of the legislation capability (atomic, audited)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.accounts.models import User
from enlace.audit.log import log_event
from enlace.core.models import Country
from enlace.notifications.actions import do_notify
from enlace.sharing.access import require
from enlace.sharing.actions import do_create_sharing_group, do_publish_record
from enlace.sharing.models import SharingGroup
from enlace.sharing.policy import SECRETARIAT_CODE, Distribution, is_secretariat

from .matrix import fmt_years
from .models import Answer, Indicator, Instrument, Provision, Requirement, Reminder, Round, Submission

CATALOGUE = Path(__file__).parent / "data" / "catalogue.json"
ST_GROUP_NAME = "Secretaría Técnica CRM (validación de cuestionarios)"
MAX_YEARS = Decimal("100")
REMINDED_ROLES = ("focal_point", "cancilleria")


# --- catalogue (reference data) -------------------------------------------------------------------

@transaction.atomic
def do_load_catalogue(user=None, path: Path = CATALOGUE) -> dict:
    """Create or update the requirements and indicators from the JSON catalogue. Idempotent."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    options = data.get("aggravating_options", [])
    counts = {"created": 0, "updated": 0}
    requirements = {r.code: r for r in Requirement.objects.all()}
    indicators = {i.code: i for i in Indicator.objects.all()}

    def upsert(model, existing, code, values):
        # Only rows that differ are written: loading the same catalogue again changes (and logs) nothing.
        obj = existing.get(code)
        if obj is None:
            counts["created"] += 1
            return model.objects.create(code=code, **values)
        if any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            counts["updated"] += 1
        return obj

    order = 0
    for r_order, row in enumerate(data["requirements"], start=1):
        req = upsert(Requirement, requirements, row["code"], {
            "protocol": row["protocol"], "article": row["article"], "title_es": row["es"], "title_en": row["en"],
            "order": r_order})
        for ind in row["indicators"]:
            order += 1
            upsert(Indicator, indicators, ind["code"], {
                "requirement": req, "kind": ind["kind"], "question_es": ind["es"], "question_en": ind["en"],
                "options": options if ind["kind"] == Indicator.Kind.MULTI else [], "order": order})
    summary = {"requirements": Requirement.objects.count(), "indicators": Indicator.objects.count(), **counts}
    if counts["created"] or counts["updated"]:
        log_event("write", user=user, object_type="legislation.requirement",
                  detail={"created": counts["created"], "updated": counts["updated"], "count": summary["indicators"]})
    return summary


# --- helpers --------------------------------------------------------------------------------------

def _snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


# --- instruments and provisions -------------------------------------------------------------------

INSTRUMENT_FIELDS = ("kind", "title", "number", "enacted_on", "official_url", "in_force", "distribution")
PROVISION_FIELDS = ("article", "text", "in_force_since")


@transaction.atomic
def do_create_instrument(user, *, title, kind=Instrument.Kind.LAW, number="", enacted_on=None, official_url="",
                         in_force=True, distribution=Distribution.NETWORK) -> Instrument:
    """Register a law, decree or code owned by the user's institution."""
    if not user.institution_id or not user.has_perm("legislation.change_instrument"):
        raise PermissionDenied(_("No tiene permiso para registrar legislación."))
    if distribution == Distribution.PUBLIC:
        raise ValidationError({"distribution": _("Para hacer público un registro use el paso de publicación del portal.")})
    inst = Instrument(owner_institution=user.institution, created_by=user, title=title.strip(), kind=kind,
                      number=number.strip(), enacted_on=enacted_on, official_url=official_url, in_force=in_force,
                      distribution=distribution)
    if not inst.title:
        raise ValidationError({"title": _("Indique el título del instrumento.")})
    inst.clean_sharing()
    inst.save()
    log_event("write", user=user, obj=inst, after=_snapshot(inst, INSTRUMENT_FIELDS))
    return inst


@transaction.atomic
def do_update_instrument(user, instrument, **fields) -> Instrument:
    """Edit an instrument of the user's institution (its distribution changes through the share step)."""
    instrument = require(user, instrument, "change")
    before = _snapshot(instrument, INSTRUMENT_FIELDS)
    for key, value in fields.items():
        if key not in INSTRUMENT_FIELDS or key == "distribution":
            raise ValueError(key)
        setattr(instrument, key, value)
    instrument.save()
    log_event("write", user=user, obj=instrument, before=before, after=_snapshot(instrument, INSTRUMENT_FIELDS))
    return instrument


def _clean_provision(article: str) -> str:
    article = (article or "").strip()
    if not article:
        raise ValidationError({"article": _(
            "Indique la cita de la disposición (por ejemplo «art. 318»): una disposición sin cita no puede "
            "aparecer en la matriz.")})
    return article


@transaction.atomic
def do_create_provision(user, instrument, *, article, text="", in_force_since=None, requirements=(),
                        distribution=None) -> Provision:
    """A provision shares its instrument's distribution unless a narrower one is given."""
    instrument = require(user, instrument, "change")
    prov = Provision(owner_institution=instrument.owner_institution, created_by=user, instrument=instrument,
                     article=_clean_provision(article), text=text, in_force_since=in_force_since,
                     distribution=distribution or instrument.distribution,
                     sharing_group=None if distribution else instrument.sharing_group)
    prov.clean_sharing()
    prov.save()
    prov.requirements.set(requirements)
    log_event("write", user=user, obj=prov, after={**_snapshot(prov, PROVISION_FIELDS),
                                                   "requirements": sorted(r.code for r in requirements)})
    return prov


@transaction.atomic
def do_update_provision(user, provision, *, article, text="", in_force_since=None, requirements=()) -> Provision:
    """Edit a provision of the user's institution and the requirements it implements."""
    provision = require(user, provision, "change")
    before = {**_snapshot(provision, PROVISION_FIELDS),
              "requirements": sorted(provision.requirements.values_list("code", flat=True))}
    provision.article = _clean_provision(article)
    provision.text = text
    provision.in_force_since = in_force_since
    provision.save()
    provision.requirements.set(requirements)
    log_event("write", user=user, obj=provision, before=before,
              after={**_snapshot(provision, PROVISION_FIELDS), "requirements": sorted(r.code for r in requirements)})
    return provision


# --- rounds ---------------------------------------------------------------------------------------

def _require_st(user):
    """Rounds are the ST's: its permission, held by an official of the ST party."""
    if not (user.has_perm("legislation.manage_round") and is_secretariat(user)):
        raise PermissionDenied(_("Solo la Secretaría Técnica administra las rondas de envío."))


@transaction.atomic
def do_open_round(user, *, title, deadline, countries, instructions="") -> Round:
    """The ST opens a round for some member countries and tells their focal points and Cancillerías."""
    _require_st(user)
    countries = list(countries)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Indique el título de la ronda.")
    if not countries:
        errors["countries"] = _("Elija al menos un país participante.")
    if any(c.kind != Country.Kind.MEMBER for c in countries):
        errors["countries"] = _("Solo los países miembros responden el cuestionario.")
    if errors:
        raise ValidationError(errors)
    rnd = Round.objects.create(title=title.strip(), deadline=deadline, instructions=instructions, opened_by=user)
    rnd.countries.set(countries)
    log_event("write", user=user, obj=rnd, after={"title": rnd.title, "deadline": deadline,
                                                  "countries": sorted(c.code for c in countries)})
    recipients = User.objects.filter(is_active=True, institution__country__in=countries,
                                     groups__name__in=REMINDED_ROLES)
    do_notify(recipients, kind="legislation_round", actor=user,
              title=_("Nueva ronda de información legislativa: %(title)s (plazo %(deadline)s)") % {
                  "title": rnd.title, "deadline": deadline.strftime("%d/%m/%Y")},
              link=reverse("legislation:round", args=[rnd.pk]))
    return rnd


@transaction.atomic
def do_close_round(user, rnd: Round) -> Round:
    """The ST closes a round: no more answers are accepted."""
    _require_st(user)
    if not rnd.is_open:
        raise ValidationError(_("La ronda ya estaba cerrada."))
    rnd.status = Round.Status.CLOSED
    rnd.closed_at = timezone.now()
    rnd.save(update_fields=["status", "closed_at"])
    log_event("write", user=user, obj=rnd, before={"status": "open"}, after={"status": "closed"})
    return rnd


def submitted_country_ids(rnd: Round) -> set[int]:
    """Countries that have sent (or had validated) their questionnaire. Only ids leave here: the round's
    follow-up (who is late, whom to remind) needs to know *that* a country answered, never what."""
    return set(Submission.objects.unrestricted(reason="round follow-up: which countries have sent (ids only)")
               .filter(round=rnd, status__in=[Submission.Status.SUBMITTED, Submission.Status.VALIDATED])
               .values_list("country_id", flat=True))


def pending_countries(rnd: Round) -> list[Country]:
    done = submitted_country_ids(rnd)
    return [c for c in rnd.countries.order_by("name_es") if c.pk not in done]


def late_countries(rnd: Round, today: datetime.date | None = None) -> list[Country]:
    today = today or timezone.localdate()
    if not rnd.is_open or today <= rnd.deadline:
        return []
    return pending_countries(rnd)


@transaction.atomic
def do_send_round_reminders(rnd: Round, *, actor=None, today: datetime.date | None = None) -> list[str]:
    """Remind the late countries of a round (in-app + e-mail), at most once a day per country.

    Sent by the periodic task after the deadline, or by the ST's button (``actor``) at any time to the
    countries that have not yet sent. Returns the codes of the countries reminded now.
    """
    today = today or timezone.localdate()
    if actor is not None:
        _require_st(actor)
        targets = pending_countries(rnd) if rnd.is_open else []
    else:
        targets = late_countries(rnd, today)
    reminded = []
    link = reverse("legislation:round", args=[rnd.pk])
    for country in targets:
        if Reminder.objects.filter(round=rnd, country=country, sent_on=today).exists():
            continue
        recipients = list(User.objects.filter(is_active=True, institution__country=country,
                                              groups__name__in=REMINDED_ROLES).distinct())
        overdue = today > rnd.deadline
        title = (_("Recordatorio: el cuestionario de legislación «%(title)s» venció el %(deadline)s y su país aún no lo ha enviado")
                 if overdue else
                 _("Recordatorio: envíe el cuestionario de legislación «%(title)s» antes del %(deadline)s")) % {
            "title": rnd.title, "deadline": rnd.deadline.strftime("%d/%m/%Y")}
        do_notify(recipients, kind="legislation_reminder", title=title, link=link, actor=actor)
        Reminder.objects.create(round=rnd, country=country, sent_on=today, recipients=len(recipients),
                                manual=actor is not None)
        reminded.append(country.code)
    if reminded:
        log_event("write", user=actor, obj=rnd, detail={"countries": reminded, "deadline": rnd.deadline})
    return reminded


# --- questionnaires -------------------------------------------------------------------------------

def _answer_snapshot(a: Answer) -> dict:
    return {"status": a.status, "years": a.years, "options": a.options, "citation": a.citation, "comment": a.comment}


@transaction.atomic
def do_start_submission(user, rnd: Round, *, demo: bool = False) -> Submission:
    """The questionnaire of the user's country for a round, pre-filled from its last validated one."""
    if not user.has_perm("legislation.change_submission") or not user.institution_id:
        raise PermissionDenied(_("No tiene permiso para responder el cuestionario."))
    country = user.institution.country
    if not rnd.countries.filter(pk=country.pk).exists():
        raise ValidationError(_("Su país no participa en esta ronda."))
    if not rnd.is_open:
        raise ValidationError(_("La ronda «%(title)s» está cerrada: ya no se aceptan respuestas.") % {"title": rnd.title})
    # One questionnaire per country and round, whoever in the country started it (a uniqueness check,
    # not a read: nothing of the other questionnaire is shown).
    if Submission.objects.unrestricted(reason="one questionnaire per country and round").filter(
            round=rnd, country=country).exists():
        raise ValidationError(_("Su país ya tiene un cuestionario en esta ronda."))
    sub = Submission.objects.create(round=rnd, country=country, owner_institution=user.institution, created_by=user,
                                    distribution=Distribution.COUNTRY, demo=demo)
    previous = (Submission.objects.restrict(user, "view").filter(country=country, status=Submission.Status.VALIDATED)
                .exclude(pk=sub.pk).order_by("-round__opened_at", "-pk").first())
    prior = ({a.indicator_id: a for a in Answer.objects.restrict(user, "view").filter(submission=previous)}
             if previous else {})
    if previous:
        sub.public_consent = previous.public_consent
        sub.save(update_fields=["public_consent"])
    answers = []
    for ind in Indicator.objects.all():
        old = prior.get(ind.pk)
        answers.append(Answer(submission=sub, indicator=ind, owner_institution=user.institution, created_by=user,
                              distribution=Distribution.COUNTRY,
                              status=old.status if old else Answer.Status.UNKNOWN,
                              years=old.years if old else None, options=old.options if old else [],
                              citation=old.citation if old else "", comment=old.comment if old else ""))
    Answer.objects.bulk_create(answers)
    log_event("write", user=user, obj=sub, after={"round": rnd.pk, "country": country.code, "status": sub.status,
                                                  "prefilled_from": previous.pk if previous else None})
    return sub


def _parse_years(raw, label) -> Decimal | None:
    raw = ("" if raw is None else str(raw)).strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(_("%(label)s: escriba un número de años (por ejemplo 4 o 2.5).") % {"label": label}) from None
    if value < 0 or value > MAX_YEARS:
        raise ValidationError(_("%(label)s: el número de años debe estar entre 0 y 100.") % {"label": label})
    return value.quantize(Decimal("0.1"))


def check_penalties(values: dict[str, Decimal | None]) -> list[str]:
    """``values``: indicator code → years. Errors where a minimum penalty exceeds the maximum."""
    errors = []
    for proto, label in (("TIM", _("tráfico ilícito de migrantes")), ("TDP", _("trata de personas"))):
        lo, hi = values.get(f"{proto}-pena-min"), values.get(f"{proto}-pena-max")
        if lo is not None and hi is not None and lo > hi:
            errors.append(_("La pena mínima de %(crime)s (%(min)s años) no puede ser mayor que la máxima "
                            "(%(max)s años).") % {"crime": label, "min": fmt_years(lo), "max": fmt_years(hi)})
    return errors


@transaction.atomic
def do_save_answers(user, submission: Submission, data: dict, *, public_consent: bool | None = None) -> Submission:
    """Save a draft. ``data``: indicator code → {status, years, options, citation, comment, provisions}.

    Refused as a whole (nothing saved) if the round is closed, the questionnaire is no longer a draft,
    or any value is invalid (``ValidationError`` with every problem).
    """
    submission = require(user, submission, "change")
    if not submission.round.is_open:
        raise ValidationError(_("La ronda «%(title)s» está cerrada: ya no se aceptan respuestas. "
                                "Su borrador anterior se conservó sin cambios.") % {"title": submission.round.title})
    if submission.status != Submission.Status.DRAFT:
        raise ValidationError(_("Este cuestionario ya fue enviado; solo se modifica si se lo devuelven como borrador."))
    answers = {a.indicator.code: a for a in Answer.objects.restrict(user, "change").filter(
        submission=submission).select_related("indicator")}
    own_provisions = {p.pk: p for p in Provision.objects.restrict(user, "view").filter(
        owner_institution__country=submission.country).select_related("instrument")}
    errors, years = [], {}
    parsed = {}
    for code, row in data.items():
        answer = answers.get(code)
        if answer is None:
            errors.append(_("Indicador desconocido: %(code)s.") % {"code": code})
            continue
        ind = answer.indicator
        status = row.get("status") or Answer.Status.UNKNOWN
        if status not in Answer.Status.values:
            errors.append(_("%(code)s: respuesta no válida.") % {"code": code})
            continue
        value = None
        if ind.kind == ind.Kind.YEARS:
            try:
                value = _parse_years(row.get("years"), ind.question)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            years[code] = value
            status = Answer.Status.YES if value is not None else Answer.Status.UNKNOWN
        options = []
        if ind.kind == ind.Kind.MULTI:
            valid = {o["code"] for o in ind.options}
            options = [o for o in row.get("options", []) if o in valid]
            if len(options) != len(row.get("options", [])):
                errors.append(_("%(code)s: circunstancia agravante desconocida.") % {"code": code})
            status = Answer.Status.YES if options else status
        try:
            prov_ids = [int(p) for p in row.get("provisions", [])]
        except (TypeError, ValueError):
            prov_ids = [-1]
        if any(p not in own_provisions for p in prov_ids):
            errors.append(_("%(code)s: la disposición elegida no pertenece a la legislación de su país.") % {"code": code})
            continue
        provisions = [own_provisions[p] for p in prov_ids]
        citation = (row.get("citation") or "").strip()[:400]
        if not citation and provisions:
            citation = "; ".join(p.citation for p in provisions)[:400]
        parsed[code] = (answer, status, value, options, citation, (row.get("comment") or "").strip(), provisions)
    errors.extend(check_penalties(years))
    if errors:
        raise ValidationError(errors)
    before, after = {}, {}
    for code, (answer, status, value, options, citation, comment, provisions) in parsed.items():
        old = _answer_snapshot(answer)
        answer.status, answer.years, answer.options, answer.citation, answer.comment = (
            status, value, options, citation, comment)
        new = _answer_snapshot(answer)
        if old != new:
            answer.save()
            before[code], after[code] = old, new
        answer.provisions.set(provisions)
    if public_consent is not None and public_consent != submission.public_consent:
        before["public_consent"], after["public_consent"] = submission.public_consent, public_consent
        submission.public_consent = public_consent
    submission.save()
    log_event("write", user=user, obj=submission, before=before, after=after)
    return submission


def _set_distribution(user, submission: Submission, decision: str, distribution: str, group=None) -> None:
    """The questionnaire and its answers move together; the answers are reached through the same decision."""
    submission.distribution = distribution
    submission.sharing_group = group
    submission.save()
    Answer.objects.restrict(user, decision).filter(submission=submission).update(
        distribution=distribution, sharing_group=group)


def submission_problems(user, submission: Submission) -> list[str]:
    """What keeps a questionnaire from being sent: answers «sí/parcialmente» without a citation, bad penalties."""
    problems = []
    years = {}
    for a in Answer.objects.restrict(user, "view").filter(submission=submission).select_related("indicator"):
        if a.indicator.kind == Indicator.Kind.STATUS and a.status in (Answer.Status.YES, Answer.Status.PARTLY) \
                and not a.citation.strip():
            problems.append(_("%(code)s: una respuesta «%(status)s» debe citar la disposición que la sustenta.") % {
                "code": a.indicator.code, "status": a.get_status_display()})
        if a.indicator.kind == Indicator.Kind.YEARS:
            years[a.indicator.code] = a.years
    problems.extend(check_penalties(years))
    return problems


@transaction.atomic
def do_submit_submission(user, submission: Submission) -> Submission:
    """The focal point sends the draft for validation: the ST can now see it; other countries still cannot."""
    submission = require(user, submission, "submit")
    if not submission.round.is_open:
        raise ValidationError(_("La ronda «%(title)s» está cerrada: ya no se aceptan respuestas. "
                                "Su borrador se conservó.") % {"title": submission.round.title})
    if submission.status != Submission.Status.DRAFT:
        raise ValidationError(_("Este cuestionario ya fue enviado."))
    problems = submission_problems(user, submission)
    if problems:
        raise ValidationError(problems)
    st = Country.objects.restrict(user).get(code=SECRETARIAT_CODE)
    group = SharingGroup.objects.filter(owner_institution=submission.owner_institution, name=ST_GROUP_NAME).first()
    if group is None:
        group = do_create_sharing_group(user, name=ST_GROUP_NAME, countries=[st])
    before = {"status": submission.status, "distribution": submission.distribution}
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.submitted_by = user
    submission.return_note = ""
    _set_distribution(user, submission, "submit", Distribution.GROUP, group)
    log_event("write", user=user, obj=submission, before=before,
              after={"status": submission.status, "distribution": submission.distribution})
    validators = User.objects.filter(is_active=True, groups__name="cancilleria", institution__country=submission.country)
    do_notify(validators, kind="legislation_submitted", actor=user,
              title=_("Cuestionario de legislación enviado para validación: %(round)s") % {"round": submission.round.title},
              link=reverse("legislation:submission", args=[submission.pk]))
    return submission


@transaction.atomic
def do_validate_submission(user, submission: Submission) -> Submission:
    """Validation publishes the answers to the network (every member country and the ST).

    A decision of the country's Cancillería or the ST (``validate`` rule); anyone else gets 404.
    """
    submission = require(user, submission, "validate")
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(_("Solo se valida un cuestionario enviado para validación."))
    before = {"status": submission.status, "distribution": submission.distribution}
    submission.status = Submission.Status.VALIDATED
    submission.validated_at = timezone.now()
    submission.validated_by = user
    _set_distribution(user, submission, "validate", Distribution.NETWORK)
    log_event("write", user=user, obj=submission, before=before,
              after={"status": submission.status, "distribution": submission.distribution})
    return submission


@transaction.atomic
def do_return_submission(user, submission: Submission, *, note: str) -> Submission:
    """Send a questionnaire back to its country as a draft, with observations (``return`` rule)."""
    submission = require(user, submission, "return")
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(_("Solo se devuelve un cuestionario enviado para validación."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Explique qué debe corregirse.")})
    before = {"status": submission.status, "distribution": submission.distribution}
    submission.status = Submission.Status.DRAFT
    submission.return_note = note.strip()
    _set_distribution(user, submission, "return", Distribution.COUNTRY)
    log_event("write", user=user, obj=submission, before=before,
              after={"status": submission.status, "distribution": submission.distribution})
    authors = User.objects.filter(is_active=True, institution=submission.owner_institution,
                                  groups__name__in=REMINDED_ROLES)
    do_notify(authors, kind="legislation_returned", actor=user,
              title=_("Cuestionario de legislación devuelto con observaciones: %(round)s") % {"round": submission.round.title},
              link=reverse("legislation:submission", args=[submission.pk]))
    return submission


@transaction.atomic
def do_publish_submission(user, submission: Submission) -> Submission:
    """The portal's publish step for a validated questionnaire whose country authorised publication.

    One audited step (``do_publish_record``'s event); the answers follow their questionnaire.
    """
    submission = require(user, submission, "publish")
    if submission.status != Submission.Status.VALIDATED:
        raise ValidationError(_("Solo se publican cuestionarios validados."))
    if not submission.public_consent:
        raise ValidationError(_("El país no autorizó publicar este cuestionario en el portal."))
    Answer.objects.restrict(user, "publish").filter(submission=submission).update(
        distribution=Distribution.PUBLIC, sharing_group=None)
    return do_publish_record(user, submission)
