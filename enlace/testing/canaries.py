"""Canary records for the leak probe (``core/tests/test_leak_probe.py``).

A canary is a protected record owned by Guatemala whose every text field carries one unique,
searchable token (``cnry`` + 12 hex digits; documents, e-mails and phones carry variants registered
as aliases). Canaries are planted in *families*: one family per distribution, in which the parent
records (case, thread, contact, MLA draft, instrument, questionnaire, dossier) and their children
share that distribution, plus a "narrowed" family whose parents are network-wide and whose children
are kept to the owner institution (a child narrows, never widens).

Records are made through the apps' actions, the way each app's tests make them. The few things no
action can do (put a token in a field an action fills from elsewhere, or give a record a
distribution its action refuses, e.g. a hit notice wider than its country) are written directly and
listed in ``Garden.direct`` so the probe's report says so.

Who may see a canary is decided here *without* the sharing policy (``Garden.may_see``): from the
stored distribution, sharing group and owner of the record and of each ancestor, the reader's
institution and country, whether the reader was given cross-border standing when created, and the
reader's ``view_<model>`` permission. The probe compares that oracle with what the routes return.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

OWNER = "GTM"
# The "group" distribution's countries: none of them is a reader (readers are HND, MEX, PAN, the ST
# and an observer body).
GROUP_COUNTRIES = ("CRI", "SLV")
FAMILIES = ("institution", "country", "group", "network", "narrowed")
_WIDTH = {Distribution.INSTITUTION: 0, Distribution.COUNTRY: 1, Distribution.GROUP: 2, Distribution.NETWORK: 3,
          Distribution.PUBLIC: 4}
TOKEN_RE = re.compile(r"cnry[0-9a-f]{12}")


def protected_models() -> list:
    """Every concrete protected model of the installed apps."""
    return [m for m in apps.get_models() if issubclass(m, ProtectedModel) and not m._meta.abstract]


def new_token() -> str:
    return f"cnry{uuid.uuid4().hex[:12]}"


@dataclass(eq=False)
class Canary:
    token: str
    model: type
    pk: int
    family: str
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}#{self.pk}[{self.family}]"

    def strings(self) -> tuple[str, ...]:
        return (self.token, *self.aliases)


@dataclass
class Reader:
    """An official who must not see what is outside their audience."""

    user: object
    party: str
    role: str
    standing: bool

    @property
    def label(self) -> str:
        return f"{self.party}/{self.role}{'' if self.standing else '(sin autorización)'}"


@dataclass
class Garden:
    """The canaries of one test, with the owner's officials who planted them."""

    owner: object                      # GTM focal point (owner institution: "police GTM")
    canaries: list[Canary] = field(default_factory=list)
    direct: list[str] = field(default_factory=list)   # what had to be written without an action
    textless: list[str] = field(default_factory=list)  # records without a text field (ids only)
    kept: list[str] = field(default_factory=list)      # distributions a domain rule refused
    failed: list[str] = field(default_factory=list)    # models the probe could not plant
    _by_string: dict = field(default_factory=dict)
    _records: dict = field(default_factory=dict)

    def add(self, record, token: str | None, family: str, aliases=()):
        record = type(record).objects.unrestricted(reason="leak probe: canary bookkeeping").get(pk=record.pk)
        if token is None:
            self.textless.append(f"{record._meta.label}#{record.pk}[{family}]")
            token = f"(sin texto){record._meta.label}#{record.pk}"
        c = Canary(token=token, model=type(record), pk=record.pk, family=family,
                   aliases=tuple(a for a in aliases if a))
        self.canaries.append(c)
        for s in c.strings():
            self._by_string[s.lower()] = c
        return c

    # --- what a text reveals ------------------------------------------------------------------------------
    def found_in(self, text: str) -> set[Canary]:
        low = text.lower()
        found = {self._by_string[t] for t in TOKEN_RE.findall(low) if t in self._by_string}
        for s, c in self._by_string.items():
            if not s.startswith("cnry") and not s.startswith("(sin texto)") and s in low:
                found.add(c)
        return found

    def ids(self, models=None) -> list[int]:
        return sorted({c.pk for c in self.canaries if models is None or c.model in models})

    # --- the oracle ---------------------------------------------------------------------------------------
    def _chain(self, c: Canary) -> list:
        key = (c.model, c.pk)
        if key not in self._records:
            record = c.model.objects.unrestricted(reason="leak probe: oracle").select_related(
                "owner_institution__country").get(pk=c.pk)
            chain = [record]
            current = record
            while type(current).sharing_parent:
                current = getattr(current, type(current).sharing_parent)
                chain.append(current)
            groups = {}
            for r in chain:
                if r.sharing_group_id and r.sharing_group_id not in groups:
                    groups[r.sharing_group_id] = set(r.sharing_group.countries.values_list("pk", flat=True))
            self._records[key] = ([(r.distribution, r.owner_institution_id, r.owner_institution.country_id,
                                    groups.get(r.sharing_group_id, set())) for r in chain])
        return self._records[key]

    def may_see(self, reader: Reader, c: Canary) -> bool:
        user = reader.user
        inst = user.institution
        country = inst.country
        model = c.model
        if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            return False
        if getattr(model, "cross_border_always", False) and not reader.standing:
            return False
        for i, (dist, owner_inst, owner_country, group) in enumerate(self._chain(c)):
            if dist == Distribution.PUBLIC and not (i == 0 and model.personal_data):
                continue
            if dist == Distribution.INSTITUTION:
                ok = inst.pk == owner_inst
            elif country.pk == owner_country and dist in (Distribution.COUNTRY, Distribution.GROUP,
                                                          Distribution.NETWORK):
                ok = True
            elif dist == Distribution.GROUP:
                ok = reader.standing and country.pk in group
            elif dist == Distribution.NETWORK:
                ok = reader.standing and country.in_network
            else:
                ok = False
            if not ok:
                return False
        return True


# --- planting ---------------------------------------------------------------------------------------------

class _Planter:
    def __init__(self, garden: Garden):
        from enlace.core.models import Institution
        from enlace.sharing.actions import do_create_sharing_group

        self.g = garden
        self.owner = garden.owner
        self.prosecutor = f.user(OWNER, "prosecutor")
        self.chancery = f.user(OWNER, "cancilleria", inst=f.institution(OWNER, Institution.Type.FOREIGN_MINISTRY))
        self.st = f.user("CRM", "st", inst=Institution.objects.get(country__code="CRM", type="secretariat"))
        self.cri = f.user("CRI", "focal_point")
        self.usa = f.user("USA", "focal_point")
        self.group = do_create_sharing_group(self.owner, name="Sonda: grupo sin lectores",
                                             countries=[f.country(c) for c in GROUP_COUNTRIES])
        self._n = 0

    # distribution of a record, with the fallback of a direct write when no action may set it
    def _set(self, record, dist: str, group, actor):
        from enlace.sharing.actions import do_change_sharing

        model = type(record)
        fresh = model.objects.unrestricted(reason="leak probe: planting").get(pk=record.pk)
        if fresh.distribution == dist and (dist != Distribution.GROUP or fresh.sharing_group_id):
            return
        try:
            do_change_sharing(actor, fresh, distribution=dist, sharing_group=group if dist == Distribution.GROUP
                              else None)
        except ValidationError as exc:
            # A domain rule says this record never goes there (e.g. confidential centre records): it
            # stays where its action put it, and the oracle reads where it is.
            self.g.kept.append(f"{model._meta.label}#{record.pk} stays {fresh.distribution}, not {dist}: "
                               f"{'; '.join(exc.messages)[:80]}")
        except Exception as exc:  # noqa: BLE001 - the actor may not re-share it: write it directly, and say so
            model.objects.unrestricted(reason="leak probe: planting").filter(pk=record.pk).update(
                distribution=dist, sharing_group=group if dist == Distribution.GROUP else None)
            self.g.direct.append(f"{model._meta.label}#{record.pk} -> {dist} ({type(exc).__name__})")

    def settle(self, plan, actor=None):
        """``plan``: [(record, distribution, parent_index_or_None)], parents before children.

        Narrowing goes bottom-up, widening top-down, so a child is never wider than its parent on
        the way. In the group family a child uses its parent's group.
        """
        actor = actor or self.owner
        refreshed = [type(r).objects.unrestricted(reason="leak probe: planting").get(pk=r.pk) for r, _d, _p in plan]

        def group_for(i):
            _r, dist, parent = plan[i]
            if dist != Distribution.GROUP:
                return None
            if parent is not None:
                p = type(plan[parent][0]).objects.unrestricted(reason="leak probe: planting").get(pk=plan[parent][0].pk)
                if p.distribution == Distribution.GROUP and p.sharing_group_id:
                    return p.sharing_group
            current = refreshed[i]
            return current.sharing_group if current.sharing_group_id else self.group

        for i in reversed(range(len(plan))):
            record, dist, _p = plan[i]
            if _WIDTH[refreshed[i].distribution] > _WIDTH[dist]:
                self._set(record, dist, group_for(i), actor)
        for i in range(len(plan)):
            record, dist, _p = plan[i]
            if _WIDTH[refreshed[i].distribution] < _WIDTH[dist]:
                self._set(record, dist, group_for(i), actor)

    def phone(self) -> str:
        """A valid, unique Guatemalan mobile number in E.164 (searched as an alias of its canary)."""
        import random

        import phonenumbers

        while True:
            number = f"+5025{random.randint(0, 9_999_999):07d}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number, None)):
                return number

    # --- one family ---------------------------------------------------------------------------------------
    def family(self, name: str):
        dp = Distribution.NETWORK if name == "narrowed" else name
        dc = Distribution.INSTITUTION if name == "narrowed" else name
        for plant in (self.testapp, self.cases, self.directory, self.exchange, self.mla, self.knowledge,
                      self.legislation, self.matching, self.centres):
            plant(name, dp, dc)
        # Apps may plant their own canaries: ``leak_probe_canaries = "dotted.path"`` on the AppConfig,
        # a function ``f(planter, family, parent_distribution, child_distribution)`` that makes records
        # through the app's actions and registers them with ``planter.g.add(record, token, family)``.
        for config in apps.get_app_configs():
            hook = getattr(config, "leak_probe_canaries", None)
            if hook:
                from django.utils.module_loading import import_string

                import_string(hook)(self, name, dp, dc)
        # Whatever protected model is still without a canary of this family gets a row written
        # directly (every text field holds the token), so no model is left out of the probe.
        for model in protected_models():
            if not any(c.model is model and c.family == name for c in self.g.canaries):
                try:
                    with transaction.atomic():  # a failed insert must not break the test's transaction
                        self.generic(model, name, dp, dc)
                except Exception as exc:  # noqa: BLE001 - reported by the coverage test
                    self.g.failed.append(f"{model._meta.label}[{name}]: {type(exc).__name__}: {exc}"[:300])

    def generic(self, model, name, dp, dc):
        """One row of ``model`` written directly: text fields hold a token, required relations point to
        the owner (institution, country, official), to reference rows (made the same way when there
        are none, or when the relation is one-to-one), or to a canary parent of the same family."""
        token = new_token()
        dist = dc if model.sharing_parent else dp
        kwargs = self._fields(model, token, name, dp)
        record = model(distribution=dist, sharing_group=self.group if dist == Distribution.GROUP else None,
                       created_by=self.owner, **kwargs)
        record.save()
        self.g.direct.append(f"{model._meta.label}#{record.pk}: written directly (no planter for its app)")
        self.g.add(record, token, name)
        return record

    def _plain(self, model, depth):
        """A row of a model that is not protected (a period, a workspace), written directly."""
        if depth > 3:
            raise ValueError(f"{model._meta.label}: relations too deep to fill")
        record = model(**self._fields(model, new_token(), None, None, depth=depth + 1))
        record.save()
        return record

    def _fields(self, model, token, name, dp, *, depth=0):
        from django.db import models as m

        from enlace.accounts.models import User
        from enlace.core.models import Country, Institution

        # Relations that are part of a uniqueness rule get a row of their own, never a shared one.
        in_unique = {n for names in model._meta.unique_together for n in names}
        in_unique |= {n for c in model._meta.constraints if isinstance(c, m.UniqueConstraint) for n in c.fields}
        kwargs = {}
        for fld in model._meta.concrete_fields:
            if fld.primary_key or fld.name in ("distribution", "sharing_group", "created_at", "updated_at",
                                               "created_by"):
                continue
            if fld.name == "owner_institution":
                kwargs["owner_institution"] = self.owner.institution
            elif fld.is_relation:
                rel = fld.related_model
                if issubclass(rel, ProtectedModel):
                    if name is None or (fld.null and fld.name != model.sharing_parent):
                        if fld.null:
                            continue
                        raise ValueError(f"{model._meta.label}.{fld.name}: a protected relation outside a family")
                    existing = None if fld.one_to_one else next(
                        (c for c in self.g.canaries if c.model is rel and c.family == name), None)
                    kwargs[fld.name] = (rel.objects.unrestricted(reason="leak probe: planting").get(pk=existing.pk)
                                        if existing else self.generic(rel, name, dp, dp))
                elif rel is User or issubclass(rel, User):
                    kwargs[fld.name] = self.owner
                elif rel is Institution:
                    kwargs[fld.name] = self.owner.institution
                elif rel is Country:
                    kwargs[fld.name] = self.owner.institution.country
                elif fld.null:
                    continue
                elif fld.unique or fld.name in in_unique:
                    kwargs[fld.name] = self._plain(rel, depth)
                else:
                    kwargs[fld.name] = rel._default_manager.order_by("pk").first() or self._plain(rel, depth)
            elif fld.choices:
                if not (fld.has_default() or fld.blank):
                    kwargs[fld.name] = fld.choices[0][0]
            elif isinstance(fld, (m.EmailField,)):
                kwargs[fld.name] = f"{token}@example.org"
            elif isinstance(fld, (m.CharField, m.TextField)) and not isinstance(fld, m.SlugField):
                if (fld.max_length or 1000) >= len(token):
                    kwargs[fld.name] = token
                elif not fld.blank and not fld.has_default():
                    kwargs[fld.name] = token[-(fld.max_length or 1):]
            elif isinstance(fld, m.SlugField):
                kwargs[fld.name] = token[: fld.max_length or 50]
            elif isinstance(fld, m.JSONField):
                kwargs[fld.name] = {"texto": token} if isinstance(fld.get_default(), dict) else [token]
            elif fld.has_default() or fld.null:
                continue
            elif isinstance(fld, m.DateTimeField):
                kwargs[fld.name] = timezone.now()
            elif isinstance(fld, m.DateField):
                kwargs[fld.name] = timezone.localdate()
            elif isinstance(fld, (m.IntegerField, m.DecimalField, m.FloatField)):
                kwargs[fld.name] = 1
            elif isinstance(fld, m.BooleanField):
                kwargs[fld.name] = False
        return kwargs

    def testapp(self, name, dp, dc):
        if not apps.is_installed("enlace.sharing.tests.testapp"):
            return
        from enlace.sharing.tests.testapp.actions import do_create_bulletin, do_create_dossier, do_create_dossier_note

        grp = self.group if dp == Distribution.GROUP else None
        t1, t2, t3 = new_token(), new_token(), new_token()
        dossier = do_create_dossier(self.owner, title=t1, distribution=dp, sharing_group=grp)
        note = do_create_dossier_note(self.owner, dossier, title=t2, distribution=dc,
                                      sharing_group=grp if dc == Distribution.GROUP else None)
        bulletin = do_create_bulletin(self.owner, title=t3, distribution=dp, sharing_group=grp)
        self.g.add(dossier, t1, name)
        self.g.add(note, t2, name)
        self.g.add(bulletin, t3, name)

    def cases(self, name, dp, dc):
        from enlace.cases import actions as ca

        tc, tp, td, tl, tr, ti = (new_token() for _ in range(6))
        case = ca.do_create_case(self.owner, title=f"Caso {tc}", case_type="smuggling", summary=tc,
                                 distribution=Distribution.COUNTRY, handling={"handling_other": tc})
        phone = self.phone()
        person = ca.do_add_entity(self.owner, case, schema="Person", role="suspect", given_names=tp, surname_1=tp,
                                  surname_2=tp, dob=datetime.date(1980, 5, 17), nationality="GTM", sex="M",
                                  phones=[phone], properties={"notes": [tp]})
        doc_number = td.upper()
        doc = ca.do_add_entity(self.owner, case, schema="Passport", name=td, doc_type="Pasaporte",
                               doc_number=doc_number, doc_country="GTM")
        link = ca.do_add_link(self.owner, case, kind="holds_document", source=person, target=doc,
                              details={"nota": tl})
        leg = ca.do_add_route_leg(self.owner, case, order=1, from_place=tr, to_place=f"Tapachula {tr}", notes=tr,
                                  from_lat=15.3, from_lon=-91.4, to_lat=14.9, to_lon=-92.2)
        upload = SimpleUploadedFile(f"{ti}.csv", f"nombres,primer_apellido,funcion\n{ti},López,testigo\n".encode(),
                                    content_type="text/csv")
        batch = ca.do_upload_import(self.owner, case, upload)
        self.settle([(case, dp, None), (person, dc, 0), (doc, dc, 0), (link, dc, 0), (leg, dc, 0), (batch, dc, 0)])
        self.g.add(case, tc, name)
        self.g.add(person, tp, name, aliases=(phone,))
        self.g.add(doc, td, name)
        self.g.add(link, tl, name)
        self.g.add(leg, tr, name)
        self.g.add(batch, ti, name)

    def directory(self, name, dp, dc):
        from enlace.directory import actions as da

        tc, ta, tk = new_token(), new_token(), new_token()
        inst = self.owner.institution
        phone = self.phone()
        contact = da.do_propose_contact(self.owner, {
            "institution": inst, "first_name": tc, "last_name": tc, "position": tc, "unit": tc,
            "areas": ["investigation"], "functions": ["information_exchange"], "languages": ["es"],
            "email": f"{tc}@example.org", "phone": phone, "timezone": inst.country.timezone}, notify=False)
        contact = da.do_authorise_contact(self.chancery, contact, notify=False)
        da.do_suspend_contact(self.chancery, contact, reason=f"Motivo {ta}")
        from enlace.directory.models import Authorisation, Contact

        auth = Authorisation.objects.unrestricted(reason="leak probe: planting").filter(
            contact=contact, kind=Authorisation.Kind.SUSPENDED).get()
        contact = Contact.objects.unrestricted(reason="leak probe: planting").get(pk=contact.pk)
        da.do_reinstate_contact(self.chancery, contact)
        self.settle([(contact, dp, None), (auth, dc, 0)])
        self.g.add(contact, tc, name, aliases=(phone,))
        self.g.add(auth, ta, name)

        # A key actor: the person of an authorised entry consents to the portal listing.
        person = f.user(OWNER, "focal_point")
        entry = Contact.objects.unrestricted(reason="leak probe: planting").get(user=person)
        actor = da.do_consent_public_listing(person, entry, public_email=f"{tk}@example.org")
        type(actor).objects.unrestricted(reason="leak probe: planting").filter(pk=actor.pk).update(
            position=tk, institution_name=tk, areas=f",{tk},")
        self.g.direct.append(f"{actor._meta.label}#{actor.pk}: position/institution_name/areas")
        self.settle([(actor, dp, None)])
        self.g.add(actor, tk, name)

    def exchange(self, name, dp, dc):
        from enlace.exchange import actions as xa

        tt, tm, ta, tf = (new_token() for _ in range(4))
        thread, _created = xa.do_send_thread(self.owner, {
            "kind": "info_request", "priority": "normal", "subject": f"Asunto {tt}", "body": tt,
            "case_reference": tt, "recipient_countries": ["CRI"]})
        message, _created = xa.do_reply_thread(self.owner, thread, body=tm)
        attachment = xa.do_add_attachment(self.owner, thread, SimpleUploadedFile(
            f"{ta}.txt", f"Contenido {ta}\n".encode(), content_type="text/plain"))
        forward = xa.do_request_forward(self.cri, thread, target_country="SLV", reason=f"Motivo {tf}")
        from enlace.exchange.models import Receipt

        receipt = Receipt.objects.unrestricted(reason="leak probe: planting").get(thread=thread)
        self.settle([(thread, dp, None), (message, dc, 0), (attachment, dc, 0), (forward, dc, 0), (receipt, dc, 0)])
        self.g.add(thread, tt, name)
        self.g.add(message, tm, name)
        self.g.add(attachment, ta, name)
        self.g.add(forward, tf, name)
        self.g.add(receipt, None, name)

    def mla(self, name, dp, dc):
        from enlace.exchange import actions as xa
        from enlace.exchange.models import MlaVersion

        td, tv = new_token(), new_token()
        draft = xa.do_create_mla_draft(self.prosecutor, title=f"AJR {td}", requested_country="CRI",
                                       content={"facts": "Hechos"})
        version = xa.do_save_mla_version(self.prosecutor, draft, content={
            "facts": tv, "persons_and_accounts": tv, "contact": tv}, note=f"Nota {tv}")
        first = MlaVersion.objects.unrestricted(reason="leak probe: planting").get(draft=draft, number=1)
        self.settle([(draft, dp, None), (first, dc, 0), (version, dc, 0)], actor=self.prosecutor)
        self.g.add(draft, td, name)
        self.g.add(version, tv, name)

    def knowledge(self, name, dp, dc):
        from enlace.knowledge.actions import do_add_evidence, do_create_round, do_save_report, resolve_action

        tr = new_token()
        today = timezone.localdate()
        rnd = do_create_round(self.st, title=f"Ronda sonda {name}", period=uuid.uuid4().hex[:6],
                              opens_on=today, deadline=today + datetime.timedelta(days=5))
        report = do_save_report(self.owner, round=rnd, action=resolve_action("2.2"), status="in_progress",
                                narrative=tr, responsible_institution=tr, next_steps=tr,
                                distribution=Distribution.COUNTRY)
        do_add_evidence(self.owner, report, url=f"https://example.org/{tr}", title=tr)
        self.settle([(report, dp, None)])
        self.g.add(report, tr, name)

    def legislation(self, name, dp, dc):
        from enlace.legislation import actions as la
        from enlace.legislation.models import Answer, Submission

        ti, tp, ts, ta = (new_token() for _ in range(4))
        instrument = la.do_create_instrument(self.owner, title=f"Ley {ti}", number=ti,
                                             distribution=Distribution.COUNTRY)
        provision = la.do_create_provision(self.owner, instrument, article=f"art. {tp}", text=tp,
                                           distribution=Distribution.COUNTRY)
        rnd = la.do_open_round(self.st, title=f"Ronda sonda {name} {uuid.uuid4().hex[:6]}",
                               deadline=timezone.localdate() + datetime.timedelta(days=10),
                               countries=[f.country(OWNER)])
        sub = la.do_start_submission(self.owner, rnd)
        la.do_save_answers(self.owner, sub, {"TIM-6.1.a-tipo": {"status": "yes", "citation": f"Ley {ta}",
                                                                  "comment": ta}})
        Submission.objects.unrestricted(reason="leak probe: planting").filter(pk=sub.pk).update(return_note=ts)
        self.g.direct.append(f"legislation.Submission#{sub.pk}: return_note")
        answer = Answer.objects.unrestricted(reason="leak probe: planting").get(submission=sub,
                                                                                 indicator__code="TIM-6.1.a-tipo")
        self.settle([(instrument, dp, None), (provision, dc, 0)])
        self.settle([(sub, dp, None), (answer, dc, 0)])
        self.g.add(instrument, ti, name)
        self.g.add(provision, tp, name)
        self.g.add(sub, ts, name)
        self.g.add(answer, ta, name)

    def matching(self, name, dp, dc):
        from enlace.cases import actions as ca
        from enlace.matching import actions as ma
        from enlace.matching.models import HitNotice, ReleasedRecord

        tc, tp, th, tr = (new_token() for _ in range(4))
        passport = f"P{uuid.uuid4().hex[:8].upper()}"

        def person(user, case_title, given):
            case = ca.do_create_case(user, title=case_title, case_type="smuggling", distribution=Distribution.COUNTRY)
            case = ca.do_set_case_matching(user, case, allow=True)
            p = ca.do_add_entity(user, case, schema="Person", role="suspect", given_names=given, surname_1="Quispe",
                                 surname_2="Mamani", dob=datetime.date(1979, 1, 2), nationality="GTM", sex="M",
                                 doc_number=passport, doc_type="passport", doc_country="GTM")
            return case, p

        case, own = person(self.owner, f"Caso {tc}", tp)
        _c2, other = person(self.usa, "Caso de otro país", "Persona")
        ma.do_record_hit(own, own.to_match_record(), other, other.to_match_record(), 0.99, {"doc_number": "exact"})
        notice = HitNotice.objects.unrestricted(reason="leak probe: planting").get(own_person=own)
        theirs = HitNotice.objects.unrestricted(reason="leak probe: planting").get(own_person=other)
        ma.do_judge_hit(self.owner, notice, "unsure", note=f"Nota {th}")
        ma.do_request_release(self.usa, theirs, purpose=f"Finalidad de la solicitud {th}")
        notice = HitNotice.objects.unrestricted(reason="leak probe: planting").get(pk=notice.pk)
        released = ma.do_decide_release(self.owner, notice, approve=True)
        ReleasedRecord.objects.unrestricted(reason="leak probe: planting").filter(pk=released.pk).update(
            content={"name": tr, "given_names": tr, "surname_1": tr, "surname_2": "", "dob": "", "nationality": "",
                     "case": tr, "owner": tr})
        self.g.direct.append(f"matching.ReleasedRecord#{released.pk}: content")
        self.settle([(case, dp, None), (own, dp, 0), (notice, dc, 1)])
        self.settle([(released, dp, None)])
        self.g.add(case, tc, name)
        # The passport number is not an alias: the other country's matching record holds it too.
        self.g.add(own, tp, name)
        self.g.add(notice, th, name)
        self.g.add(released, tr, name)

    def centres(self, name, dp, dc):
        if not apps.is_installed("enlace.centres"):
            return
        from enlace.centres import actions as cx

        if not hasattr(self, "manager"):
            self.manager = f.user(OWNER, "centre_manager")
        mgr = self.manager
        tc, ts, tb, tf, tl, ti, tr, tn = (new_token() for _ in range(8))
        today = timezone.localdate()
        centre = cx.do_create_centre(mgr, distribution=Distribution.COUNTRY, name=f"Centro {tc}", centre_type="shelter",
                                     place=tc, lat=14.68, lon=-92.14, capacity_men=100, capacity_women=0,
                                     capacity_families=0, capacity_children=0, services=["health"])
        # The same person in every family, on purpose: a migrant who comes back is what the centres'
        # "same person?" check links, and what it shows of the earlier stays must respect their
        # audience. The token is in the place and the reception notes.
        stay = cx.do_register_entry(mgr, centre, {
            "entry_date": today - datetime.timedelta(days=3), "entry_mode": "interception", "entry_place": ts,
            "care_notes": ts, "given_names": "María José", "surname_1": "Pérez", "surname_2": "López", "sex": "F",
            "dob": datetime.date(1990, 1, 1), "nationality": "HND", "age_band": "adult"})
        belonging = cx.do_add_belonging(mgr, stay, {"item": f"Mochila {tb}", "description": tb, "bag_number": tb})
        figures = cx.do_import_figures(mgr, [{"centre": f"Albergue {tf}", "date": today, "capacity": 50,
                                              "nationality": "HND", "sex": "M", "age_band": "adult",
                                              "vulnerability": "", "count": 12}],
                                       distribution=Distribution.COUNTRY)[0]
        crisis = cx.do_set_crisis_level(mgr, centre, level=2, reason=f"Motivo {tl}")
        incident = cx.do_record_incident(mgr, centre, {"occurred_on": today, "kind": "fight", "severity": 2,
                                                       "description": ti, "measures": ti})
        care = cx.do_add_care_record(mgr, stay, {"given_on": today, "kind": "session", "notes": tr})
        note = cx.do_add_practice_note(mgr, title=f"Práctica {tn}", topic="conflict", body=tn,
                                       distribution=Distribution.COUNTRY)
        self.settle([(centre, dp, None), (stay, dc, 0), (belonging, dc, 1), (crisis, dc, 0), (incident, dc, 0),
                     (care, dc, 1)], actor=mgr)
        self.settle([(figures, dp, None)], actor=mgr)
        self.settle([(note, dp, None)], actor=mgr)
        self.g.add(centre, tc, name)
        self.g.add(stay, ts, name)
        self.g.add(belonging, tb, name)
        self.g.add(figures, tf, name)
        self.g.add(crisis, tl, name)
        self.g.add(incident, ti, name)
        self.g.add(care, tr, name)
        self.g.add(note, tn, name)


def plant(owner=None, families=FAMILIES) -> Garden:
    """Plant one family of canaries per distribution (and a narrowed one), owned by Guatemala."""
    garden = Garden(owner=owner or f.user(OWNER, "focal_point"))
    planter = _Planter(garden)
    for name in families:
        planter.family(name)
    garden.planter = planter
    return garden


def readers(parties=("HND", "MEX", "PAN"), roles=None, *, observer: str | None = "IOM",
            secretariat: bool = True) -> list[Reader]:
    """Every demo role of each party (authorised), the ST's and an observer body's officials."""
    from enlace.accounts.roles import ROLES
    from enlace.core.models import Institution

    roles = list(roles or ROLES)
    out = []
    for code in parties:
        for role in roles:
            out.append(Reader(f.user(code, role), code, role, True))
    if secretariat:
        st_inst = Institution.objects.get(country__code="CRM", type="secretariat")
        for role in roles:
            out.append(Reader(f.user("CRM", role, inst=st_inst), "CRM", role, True))
    if observer:
        obs_inst = Institution.objects.filter(country__code=observer).first()
        for role in roles:
            out.append(Reader(f.user(observer, role, inst=obs_inst), observer, role, True))
    return out
