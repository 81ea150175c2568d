"""The leak probe (issue 16, "What it must show"): canaries everywhere, read from outside.

Canaries (``enlace.testing.canaries``) are planted in every concrete protected model at every
distribution that must not reach the readers — ``institution``, ``country``, ``group`` (a group of
countries without readers) — plus ``network`` (the control: authorised officials of other member
countries must find it, officials without cross-border standing must not) and a "narrowed" family
(network-wide parents with children kept to the owner institution). Owner: Guatemala.

Readers: every demo role of Honduras, Mexico and Panamá, of the ST (CRM) and of an observer body
(IOM), all with cross-border standing; officials of the same parties without it; an official of
another Guatemalan institution. They go through every route of the URL registry (parameters filled
with the canaries' ids) and every GET operation of the API schema, lists searched for the canaries,
exports unpacked. A canary string in a response outside its audience (``Garden.may_see``, computed
without the policy) is a leak.

Budget (2 slow cores; about 120 s per database for the whole file, most of it one crawl shared
by the module's tests, about 5 000 requests with today's apps; measured 90 s for 3 900 requests on
a quiet machine, several minutes when other test runs share the two cores):
* pages and API operations without path parameters (lists, search, exports, dashboards) are read by
  every role; the parties (HND, MEX, PAN, the ST, IOM) take turns, offset per role, so each route
  meets all eight roles from several parties; one official without standing (the three take turns)
  and one of another Guatemalan institution read every route too; lists that take ``q`` are also
  searched for ``cnry`` (the prefix of every token: the echoed query never matches a whole token);
* routes with an id are first matched to the model they serve (the owner opens each with one
  canary's id per model of the route's app), then read with the id of every canary of that model,
  by one official per kind of party holding every role (a role's permissions only add): HND, the
  ST, IOM or an official without standing (taking turns), another Guatemalan institution (a record
  a reader may see is read too: it may show something of a narrower one); routes that do not serve
  a canary's model get a bounded sample of ids;
* GET is refused (405) by the method for everyone: read once; the event stream and logout are left
  out (see ``SKIP``);
* writes on GET: every request above is recorded, and the owner's side, the thread's recipient and
  the other side of a hit open up to three records they may see per route.
The probe with the policy broken on purpose reads a subset (it must find leaks, not all of them).
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from django.db import connection

from enlace.testing import canaries, crawl
from enlace.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.whole_app]

SKIP = {
    "/cuenta/salir/": "ends the session the crawl is using",
    "/intercambio/eventos/": "an endless event stream that closes the request's database connection "
                             "(tested on its own in exchange/tests/test_stream.py)",
    "/i18n/setlang/": "changes the language of the session (POST in the UI)",
}
# Parameters that are not ids: the values a user would meet.
VALUES = {
    "kind": ["tema", "vinculo", "r", "a"],  # knowledge (the routes' regexes keep their own)
    "code": ["GTM"],
    "key": ["2.2", "TIM-II-8"],
    "fmt": ["docx", "pdf"],
    "decision": ["aprobar"],
}
VALUES_BY_PREFIX = {"/prueba-expedientes/": {"kind": ["expedientes", "notas", "boletines"]}}
NO_VALUES = {"token_key", "uidb64", "token", "format"}
MAX_FALLBACK_IDS = 6
WRITE_PASS_URLS = 3  # per route and party: a GET that writes does so for any record it shows
SEARCH = "cnry"  # every canary token starts with it: a search for it finds every canary it may show


def _all_roles_user(code, *, inst=None, authorised=True):
    from enlace.accounts.actions import do_create_user
    from enlace.accounts.roles import ROLES
    from django_otp.plugins.otp_totp.models import TOTPDevice

    inst = inst or f.institution(code)
    u = do_create_user(None, username=f"todas.{code.lower()}.{next(f._seq)}", institution=inst, roles=list(ROLES),
                       password=f.PASSWORD, first_name="todas", last_name=code)
    TOTPDevice.objects.create(user=u, name="test", confirmed=True)
    if authorised:
        f.authorise(u)
    return u


@dataclass
class Findings:
    leaks: dict = field(default_factory=lambda: defaultdict(set))   # (canary label) -> {(reader, url)}
    seen: dict = field(default_factory=lambda: defaultdict(set))    # canary -> {reader labels} (allowed)
    writes: dict = field(default_factory=lambda: defaultdict(set))  # route template -> {table}
    errors: dict = field(default_factory=lambda: defaultdict(set))  # url -> {status}
    requests: int = 0

    def leak_report(self, limit=60) -> str:
        lines = []
        for label, hits in sorted(self.leaks.items()):
            sample = sorted(hits)[:3]
            lines.append(f"{label}: {len(hits)} time(s), e.g. " + "; ".join(f"{r} GET {u}" for r, u in sample))
        return "\n".join(lines[:limit])


class Probe:
    def __init__(self, garden, *, record_writes=False):
        self.garden = garden
        self.findings = Findings()
        self.recorder = crawl.WriteRecorder() if record_writes else None
        self._clients = {}
        self.timing = defaultdict(float)

    def clients(self, reader):
        if reader.user.pk not in self._clients:
            self._clients[reader.user.pk] = (f.verified_client(reader.user), f.token_client(reader.user))
        return self._clients[reader.user.pk]

    def get(self, reader, url, *, api=False, template=None):
        web, token = self.clients(reader)
        client = token if api else web
        client.raise_request_exception = False
        self.findings.requests += 1
        t0 = time.monotonic()
        try:
            return self._get(reader, client, url, template)
        finally:
            self.timing[template or url] += time.monotonic() - t0

    def _get(self, reader, client, url, template):
        if self.recorder is not None:
            self.recorder.take()
            with connection.execute_wrapper(self.recorder):
                response = client.get(url)
            for table, _sql in self.recorder.take():
                self.findings.writes[template or url].add(table)
        else:
            response = client.get(url)
        if response.status_code >= 500:
            self.findings.errors[url].add(response.status_code)
        try:
            if response.status_code in (301, 302, 303, 307, 308, 304, 204):
                text = " ".join(f"{k}: {v}" for k, v in response.items())  # a redirect says where to
            else:
                text = crawl.response_text(response)
        except Exception as exc:  # noqa: BLE001 - an export we cannot unpack is a finding, not a crash
            self.findings.errors[url].add(f"unreadable: {type(exc).__name__}")
            return response, ""
        for c in self.garden.found_in(text):
            if self.garden.may_see(reader, c):
                self.findings.seen[c].add(reader.label)
            else:
                self.findings.leaks[c.label].add((reader.label, url))
        return response, text


# --- the routes ------------------------------------------------------------------------------------------------

def _app_of(module: str) -> str | None:
    if module.startswith("enlace.sharing.tests.testapp"):
        return "sharing_testapp"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "enlace" else None


def _web_routes():
    out = []
    for route in crawl.routes():
        if route.template.startswith("/api/") or route.template in SKIP or not route.get_allowed:
            continue
        if set(route.params) & NO_VALUES:
            continue
        out.append(route)
    return out


def _api_operations(reader_client):
    """GET operations of the API schema as (template, path params, query string)."""
    schema = reader_client.get("/api/v1/schema/?format=json").json()
    ops = []
    for path, methods in schema["paths"].items():
        op = methods.get("get")
        if op is None:
            continue
        params = op.get("parameters", [])
        path_params = tuple(p["name"] for p in params if p["in"] == "path")
        query = {p["name"] for p in params if p["in"] == "query"}
        qs = []
        if "limit" in query and _protected_list(path):
            qs.append("limit=500")  # every canary on one page (reference lists keep their default)
        ops.append((path, path_params, "&".join(qs), "q" in query, "fmt" in query))
    return ops


def _protected_list(path: str) -> bool:
    from django.urls import resolve

    from enlace.sharing.models import ProtectedModel

    cls = getattr(resolve(path).func, "cls", None)
    model = getattr(getattr(cls, "queryset", None), "model", None)
    return model is not None and issubclass(model, ProtectedModel)


@dataclass
class Plan:
    collections: list  # (url, api, template, takes ?q=)
    details: dict      # template -> (api, [(url, canaries of the id in it)])
    post_only: list    # (url, api, template)


def plan_routes(probe, garden, inspector) -> Plan:
    """Every route and API operation, with its URLs; routes with ids matched to the model they serve."""
    from enlace.knowledge.models import Evidence

    models_by_app = defaultdict(list)
    for c in garden.canaries:
        if c.model not in models_by_app[c.model._meta.app_label]:
            models_by_app[c.model._meta.app_label].append(c.model)
    ids_by_model = defaultdict(list)
    for c in garden.canaries:
        ids_by_model[c.model].append(c.pk)
    reports = [c for c in garden.canaries if c.model._meta.label == "knowledge.ImplementationReport"]
    evidence = list(Evidence.objects.filter(report_id__in=[c.pk for c in reports]).values_list("report_id", "pk"))
    sample = {m: next((c for c in garden.canaries if c.model is m and c.family == "network"), None)
              or next(c for c in garden.canaries if c.model is m) for m in ids_by_model}
    inspector_reader = canaries.Reader(inspector, "GTM", "todas", True)

    collections, details, post_only = [], {}, []

    def classify(template, api, param_names, app, make_urls):
        """Which model's ids does this route serve? The owner opens it with one canary's id per model of the
        route's app; the model whose canary shows is the one (then every canary of it is read)."""
        candidates = models_by_app.get(app, [])
        served = None
        for model in candidates:
            canary = sample[model]
            for url in make_urls({name: [canary.pk] for name in param_names})[:1]:
                response, text = probe.get(inspector_reader, url, api=api, template=template)
                if response.status_code == 405:
                    post_only.append((url, api, template))
                    return
                if canary in garden.found_in(text):
                    served = model
            if served:
                break
        if served:
            chosen = [c for c in garden.canaries if c.model is served]
        else:
            # Not a page of one record of a canary's model (reference data, forms): a bounded sample of
            # ids, from the narrowest families.
            chosen = [c for c in garden.canaries if (c.model in candidates or not candidates)
                      and c.family in ("institution", "narrowed")][:MAX_FALLBACK_IDS]
        by_id = defaultdict(set)
        for c in chosen:
            by_id[c.pk].add(c)
        details[template] = (api, [(url, by_id[pk]) for pk in sorted(by_id)
                                   for url in make_urls({name: [pk] for name in param_names})])

    # Pages.
    for route in _web_routes():
        id_params = [p for p in route.params if p not in VALUES]
        if not route.params:
            collections.append((route.template, False, route.template, False))
            continue
        own_values = next((v for prefix, v in VALUES_BY_PREFIX.items() if route.template.startswith(prefix)), {})
        values = {**VALUES, **own_values}
        if "eid" in id_params:  # an evidence file of a report: each with its own report
            details[route.template] = (False, [
                (u, {c for c in reports if c.pk == report}) for report, eid in evidence
                for u in crawl.expand(route, {**values, "pk": [report], "eid": [eid]})])
            continue
        if not id_params:
            details[route.template] = (False, [(u, set()) for u in crawl.expand(route, values)])
            continue
        app = _app_of(route.module)

        def make(id_values, route=route, values=values):
            return crawl.expand(route, {**values, **id_values})

        classify(route.template, False, id_params, app, make)

    # API operations (token clients).
    web, token = probe.clients(inspector_reader)
    for template, path_params, qs, takes_q, takes_fmt in _api_operations(token):
        extra = [qs] if qs else []
        if not path_params:
            collections.append((template + ("?" + qs if qs else ""), True, template, takes_q))
            continue
        id_params = [p for p in path_params if p not in VALUES]
        suffixes = ["fmt=docx", "fmt=pdf"] if takes_fmt else [""]

        def make(id_values, template=template, path_params=path_params, suffixes=suffixes, extra=extra):
            names = list(path_params)
            choices = [id_values.get(n) or VALUES.get(n) or [] for n in names]
            urls = []
            for combo in itertools.product(*choices):
                url = template.format(**dict(zip(names, (str(v) for v in combo))))
                for suffix in suffixes:
                    q = "&".join(x for x in [*extra, suffix] if x)
                    urls.append(url + ("?" + q if q else ""))
            return urls

        if not id_params:
            details[template] = (True, [(u, set()) for u in make({})])
            continue
        from django.urls import resolve

        app = _app_of(resolve(template.format(**{n: 1 for n in path_params})).func.__module__)
        classify(template, True, id_params, app, make)
    return Plan(collections, details, post_only)


# --- the crawl -------------------------------------------------------------------------------------------------

def _turn(i, groups):
    """One reader of each group for the i-th route: the parties take turns, offset per group."""
    return [group[(i + j) % len(group)] for j, group in enumerate(groups)]


def crawl_collections(probe, plan, readers_by_role, fixed_groups):
    """Every role reads every collection, from a party that changes with the route and the role."""
    groups = [readers_by_role[role] for role in sorted(readers_by_role)] + fixed_groups
    for i, (url, api, template, searchable) in enumerate(plan.collections):
        for reader in _turn(i, groups):
            response, text = probe.get(reader, url, api=api, template=template)
            if searchable or (not api and response.status_code == 200 and 'name="q"' in text):
                sep = "&" if "?" in url else "?"
                probe.get(reader, f"{url}{sep}q={SEARCH}", api=api, template=template)


def crawl_details(probe, plan, groups):
    """Every id of the route's model, for every kind of reader: a record a reader may see can still
    show something of a narrower one (a child, a snapshot of another record)."""
    i = 0
    for template, (api, urls) in plan.details.items():
        for url, _shown in urls:
            i += 1
            for reader in _turn(i, groups):
                probe.get(reader, url, api=api, template=template)
    # GET is refused by the method for everybody: once is enough.
    for url, api, template in plan.post_only:
        probe.get(groups[0][0], url, api=api, template=template)


def _world():
    """Reference data of the apps, the canaries, and an owner-side official holding every role."""
    from enlace.knowledge.actions import do_import_knowledge
    from enlace.knowledge.models import PlanAction
    from enlace.legislation.actions import do_load_catalogue

    if not PlanAction.objects.exists():
        do_import_knowledge()
    do_load_catalogue()
    garden = canaries.plant()
    inspector = _all_roles_user("GTM", inst=garden.owner.institution, authorised=True)
    return garden, inspector


def _readers():
    """(readers by role, member-country turn), fixed readers, readers of routes with ids."""
    from enlace.accounts.roles import ROLES
    from enlace.core.models import Institution

    by_role = defaultdict(list)
    for r in canaries.readers(("HND", "MEX", "PAN"), observer="IOM", secretariat=True):
        by_role[r.role].append(r)
    # Officials of the same parties without cross-border standing, and of another Guatemalan institution.
    unauthorised = [canaries.Reader(f.user(code, role, authorised=False), code, role, False)
                    for code, role in (("HND", "focal_point"), ("MEX", "prosecutor"), ("PAN", "analyst"))]
    gtm_other = canaries.Reader(f.user("GTM", "focal_point", inst=f.institution("GTM", Institution.Type.MIGRATION)),
                                "GTM-otra-institución", "focal_point", True)
    st_inst = Institution.objects.get(country__code="CRM", type="secretariat")
    obs_inst = Institution.objects.filter(country__code="IOM").first()
    # Readers of routes with ids hold every role. The two who may see nothing of Guatemala's (an
    # observer body, an official without standing) take turns, like the officials without standing
    # on the collections.
    detail = [
        [canaries.Reader(_all_roles_user("HND"), "HND", "todas", True)],
        [canaries.Reader(_all_roles_user("CRM", inst=st_inst), "CRM", "todas", True)],
        [canaries.Reader(_all_roles_user("IOM", inst=obs_inst), "IOM", "todas", True),
         canaries.Reader(_all_roles_user("MEX", authorised=False), "MEX", "todas", False)],
        [canaries.Reader(_all_roles_user("GTM", inst=f.institution("GTM", Institution.Type.PROSECUTION)),
                         "GTM-otra-institución", "todas", True)],
    ]
    assert set(by_role) == set(ROLES)
    return by_role, [unauthorised, [gtm_other]], detail


def _coverage_problems(garden):
    problems = list(garden.failed)
    planted = {c.model for c in garden.canaries}
    for model in canaries.protected_models():
        if model not in planted:
            problems.append(f"{model._meta.label}: no canary")
            continue
        families = {c.family for c in garden.canaries if c.model is model}
        missing = set(canaries.FAMILIES) - families
        if missing:
            problems.append(f"{model._meta.label}: no canary for {sorted(missing)}")
    return problems


def crawl_as_parties(probe, plan, readers):
    """The owner's side, the thread's recipient and the other side of the hit open every record they may
    see (a GET that writes usually writes for the parties: delivery, "seen" marks)."""
    for template, (api, urls) in plan.details.items():
        for reader in readers:
            mine = [url for url, shown in urls if not shown or any(probe.garden.may_see(reader, c) for c in shown)]
            for url in mine[:WRITE_PASS_URLS]:
                probe.get(reader, url, api=api, template=template)


@dataclass
class Run:
    garden: object
    findings: Findings
    summary: str
    coverage: list


@pytest.fixture(scope="module")
def probe_run(django_db_setup, django_db_blocker):
    """One crawl for the whole module (in a transaction rolled back at the end); tests read its findings."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        garden, inspector = _world()
        by_role, fixed, detail = _readers()
        probe = Probe(garden, record_writes=True)
        started = time.monotonic()
        plan = plan_routes(probe, garden, inspector)
        probe.findings.leaks.clear()  # the owner's own reads are not leaks
        crawl_collections(probe, plan, by_role, fixed)
        crawl_details(probe, plan, detail)
        planter = garden.planter
        crawl_as_parties(probe, plan, [canaries.Reader(inspector, "GTM", "todas", True),
                                       canaries.Reader(planter.cri, "CRI", "focal_point", True),
                                       canaries.Reader(planter.usa, "USA", "focal_point", True)])
        found = probe.findings
        summary = (f"{found.requests} requests in {time.monotonic() - started:.0f} s; "
                   f"{len(garden.canaries)} canaries; {len(plan.collections)} collections, "
                   f"{len(plan.details)} routes with ids ({sum(len(u) for _a, u in plan.details.values())} URLs), "
                   f"{len(plan.post_only)} answering GET with 405")
        print(summary)
        for template, seconds in sorted(probe.timing.items(), key=lambda kv: -kv[1])[:15]:
            print(f"{seconds:6.1f} s  {template}")
        run = Run(garden, found, summary, _coverage_problems(garden))
        transaction.set_rollback(True)
    return run


def test_canaries_in_every_protected_model_at_every_distribution(probe_run):
    assert not probe_run.coverage, "\n".join(probe_run.coverage)
    print("written without an action:", probe_run.garden.direct)
    print("records without text (probed by id only):", probe_run.garden.textless)
    print("kept narrower by a domain rule:", probe_run.garden.kept)


def test_no_canary_leaves_its_audience(probe_run):
    found = probe_run.findings
    assert not found.leaks, f"canaries outside their audience ({probe_run.summary}):\n{found.leak_report()}"


# Models whose network canary an authorised official of another member country must find somewhere
# (the probe sees what it looks for). Receipts carry no text; they are probed by id only. MLA versions
# are read by the drafting parties only (the requesting institution and the requested country), so a
# network-wide version is not shown to a third country; confidential centre records never leave their
# institution; a hit notice never leaves its owner's country (``HitNotice.widest_distribution``: a hit
# tells only its two sides, issue 17), its other side reads its own notice.
MUST_BE_SEEN = {
    "cases.Case", "cases.Entity", "cases.ImportBatch", "cases.Link", "cases.RouteLeg", "directory.Authorisation",
    "directory.Contact", "directory.PublicKeyActor", "exchange.Attachment", "exchange.ForwardRequest",
    "exchange.MlaDraft", "exchange.Thread", "knowledge.ImplementationReport",
    "legislation.Answer", "legislation.Instrument", "legislation.Provision",
    "matching.ReleasedRecord",
}


def test_network_canaries_reach_authorised_officials_of_other_countries(probe_run):
    seen = {c.model._meta.label for c, who in probe_run.findings.seen.items()
            if c.family == "network" and any(w.split("/")[0] in ("HND", "MEX", "PAN", "CRM") for w in who)}
    print("network canaries seen by other countries:", sorted(seen))
    assert MUST_BE_SEEN <= seen, sorted(MUST_BE_SEEN - seen)


def test_no_server_error_on_any_route(probe_run):
    assert not probe_run.findings.errors, dict(probe_run.findings.errors)


def test_a_get_writes_nothing(probe_run):
    """Issue 16: a GET view that writes (beyond audit events, sessions and login bookkeeping)."""
    writes = {template: sorted(tables) for template, tables in probe_run.findings.writes.items()}
    assert not writes, "GET routes that write:\n" + "\n".join(f"{t}: {', '.join(tb)}" for t, tb in sorted(
        writes.items()))


def test_the_write_recorder_sees_writes_and_lets_audit_through():
    from enlace.audit.log import log_event
    from enlace.core.models import Country

    recorder = crawl.WriteRecorder()
    with connection.execute_wrapper(recorder):
        log_event("read", object_type="core.country")
        assert recorder.take() == []
        Country.objects.filter(code="GTM").update(name_en="Guatemala")
    assert [table for table, _sql in recorder.take()] == ["core_country"]


def test_the_probe_finds_a_get_that_writes(monkeypatch):
    """The test of the write check: a list page that writes (planted) is reported with its table."""
    from enlace.cases import views
    from enlace.core.models import Country

    listing = views.audit_listing

    def writing_listing(*args, **kwargs):
        Country.objects.filter(code="GTM").update(name_en="Guatemala")
        return listing(*args, **kwargs)

    monkeypatch.setattr(views, "audit_listing", writing_listing)
    probe = Probe(canaries.Garden(owner=None), record_writes=True)
    reader = canaries.Reader(f.user("HND", "focal_point"), "HND", "focal_point", True)
    response, _text = probe.get(reader, "/casos/", template="/casos/")
    assert response.status_code == 200
    assert dict(probe.findings.writes) == {"/casos/": {"core_country"}}


def test_the_probe_finds_leaks_when_the_policy_is_broken(monkeypatch):
    """The test of the test: with an audience that lets everyone read everything, the same probe
    (collections only, two families, two readers) must find canaries outside their audience."""
    from django.db.models import Q

    from enlace.knowledge.actions import do_import_knowledge
    from enlace.knowledge.models import PlanAction
    from enlace.legislation.actions import do_load_catalogue
    from enlace.sharing import policy

    if not PlanAction.objects.exists():
        do_import_knowledge()
    do_load_catalogue()
    garden = canaries.plant(families=("institution", "country"))
    inspector = _all_roles_user("GTM", inst=garden.owner.institution)
    probe = Probe(garden)
    plan = plan_routes(probe, garden, inspector)
    probe.findings.leaks.clear()
    readers = [canaries.Reader(f.user("HND", "focal_point"), "HND", "focal_point", True),
               canaries.Reader(_all_roles_user("MEX", authorised=False), "MEX", "todas", False)]
    monkeypatch.setattr(policy, "audience_q", lambda user, prefix="": Q())
    crawl_collections(probe, plan, {r.label: [r] for r in readers}, [])
    leaked = {label.split("#")[0] for label in probe.findings.leaks}
    assert {"cases.Case", "cases.Entity", "exchange.Thread", "directory.Contact"} <= leaked, sorted(leaked)
