"""No English on Spanish pages, no Spanish on English pages, no raw field names (issue 15, "Words").

One crawl for the module (in a transaction rolled back at the end), HTTP level with the test
client, in Spanish and in English:

* an official of every demo role (members' roles in Guatemala; the ST's, the auditor's and the
  portal editor's in the ST) reads its home page, its menu and every page of the registry without
  path parameters it may open (lists, forms, dashboards);
* then an official holding every role follows the links of those pages three levels deep — a
  detail page of each kind: the leak probe's network-wide canaries give every protected model a
  record; the knowledge base and the legislation catalogue are loaded. A route read once in a
  language is not read again (its links are reused), so each page costs one request per language;
* every form that sends (POST) and has fields is sent empty once, so its validation messages show.

Every visible text outside data (``enlace.testing.words``: ``lang``/``translate="no"`` mark data in
the templates; names of institutions, officials and contacts and the canaries' tokens are removed)
is checked for the other language and for raw field names. Downloads are not fetched (the leak
probe reads them).

Budget: ~560 pages and ~130 forms, about 60 s on SQLite with the 2 cores shared (printed summary);
``ENLACE_WORDS_DUMP=<file>`` writes every finding and the routes not read to a file.
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from enlace.testing import canaries, crawl, words
from enlace.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.whole_app]

SKIP_PREFIXES = ("/cuenta/salir/", "/i18n/", "/api/", "/static/", "/media/", "/admin/", "/intercambio/eventos/")
MAX_DEPTH = 3
# Downloads (spreadsheets, PDFs, vCards, feeds) hold no page words: not fetched (the leak probe reads them).
EXPORT_RE = re.compile(r"(exportar|plantilla|\.(xlsx|pdf|vcf|csv|ics|xml|json|docx|zip)$|/(xlsx|pdf|ical|feed|rss)/"
                       r"|/descargar/|sitemap)", re.I)
# A known finding waiting for its owner's fix would go here as (route, text) with a reason; empty.
ALLOWED: set[tuple[str, str]] = set()


class _Links(HTMLParser):
    """Links (``a href``) and the forms that send (method POST) with the names of their visible fields."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "fields": [], "hidden": {}}
        elif self._form is not None and tag in ("input", "select", "textarea") and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind == "hidden":
                self._form["hidden"][a["name"]] = a.get("value") or ""
            elif kind not in ("submit", "button", "checkbox", "radio", "file"):
                self._form["fields"].append(a["name"])

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


@dataclass
class Findings:
    bad: dict = field(default_factory=lambda: defaultdict(set))   # (lang, problem, text) -> {(role, url)}
    errors: dict = field(default_factory=lambda: defaultdict(set))  # url -> {status}
    pages: int = 0
    forms: int = 0
    routes: set = field(default_factory=set)

    def report(self, limit=80) -> str:
        lines = []
        for (lang, problem, text), where in sorted(self.bad.items()):
            role, url = sorted(where)[0]
            lines.append(f"[{lang}] {problem}: «{text[:140]}» — {url} ({role}, {len(where)}×)")
        return "\n".join(lines[:limit]) + (f"\n… {len(lines) - limit} more" if len(lines) > limit else "")


def _route_key(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def check_html(html: str, role: str, url: str, findings: Findings, lang_expected: str | None = None,
               data: tuple[str, ...] = ()):
    lang, texts = words.visible_texts(html)
    lang = lang or lang_expected or ""
    for text in texts:
        text = canaries.TOKEN_RE.sub("", text)
        for value in data:
            if value in text:
                text = text.replace(value, " ")
        for problem in words.problems(text, lang):
            if (_route_key(urlsplit(url).path), text) not in ALLOWED:
                findings.bad[(lang, problem, text)].add((role, url))


class Crawler:
    def __init__(self, findings: Findings, data: tuple[str, ...] = ()):
        self.findings = findings
        self.data = data
        # A route read in one language by one role is not read again in that language by the next
        # role (the words are the template's): each role adds the pages only it reaches.
        self.seen: dict[str, set[str]] = defaultdict(set)
        self.sent: dict[str, set[str]] = defaultdict(set)
        # The links a route's page held when it was read: a later crawl walks on through them.
        self.links: dict[tuple[str, str], list[str]] = {}

    def crawl(self, user, role: str, lang: str, max_depth: int = 1):
        client = f.verified_client(user)
        client.cookies["django_language"] = lang
        client.raise_request_exception = False
        seen_routes, sent_forms = self.seen[lang], self.sent[lang]
        visited: set[str] = set()
        # Home first (its menu), then the links, then the pages without parameters no link led to.
        queue = [("/", 0)] + [(url, 1) for url in _plain_routes()]
        while queue:
            url, depth = queue.pop(0)
            path = urlsplit(url).path
            key = _route_key(path)
            if key is None or key in visited or path.startswith(SKIP_PREFIXES) or EXPORT_RE.search(path):
                continue
            visited.add(key)
            if key in seen_routes and url != "/":
                # Read in this language by an earlier role (every role reads its home page): walk on.
                if depth < max_depth:
                    queue.extend((nxt, depth + 1) for nxt in self.links.get((lang, key), ()))
                continue
            response = client.get(url, headers={"accept-language": lang})
            self.findings.pages += 1
            if response.status_code >= 500:
                self.findings.errors[url].add(response.status_code)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            self.findings.routes.add(key)
            seen_routes.add(key)
            html = response.content.decode("utf-8", "replace")
            check_html(html, role, url, self.findings, lang, self.data)
            parser = _Links()
            parser.feed(html)
            for form in parser.forms:
                action = urljoin(url, form["action"] or url)
                akey = _route_key(urlsplit(action).path)
                if (form["method"] != "post" or not form["fields"] or akey is None or akey in sent_forms
                        or urlsplit(action).path.startswith(SKIP_PREFIXES)):
                    continue
                sent_forms.add(akey)
                sent = client.post(action, dict(form["hidden"]), headers={"accept-language": lang})
                self.findings.forms += 1
                if sent.status_code >= 500:
                    self.findings.errors[f"POST {action}"].add(sent.status_code)
                if "text/html" in sent.get("Content-Type", "") and sent.status_code in (200, 400, 403, 409, 422):
                    check_html(sent.content.decode("utf-8", "replace"), role, f"POST {action}", self.findings, lang,
                               self.data)
            links = []
            for href in parser.links:
                parts = urlsplit(urljoin(url, href))
                if (not parts.netloc or parts.netloc == "testserver") and parts.scheme in ("", "http", "https"):
                    links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
            self.links[(lang, key)] = links
            if depth < max_depth:
                queue.extend((nxt, depth + 1) for nxt in links)


def _plain_routes() -> list[str]:
    """Pages of the registry without path parameters (lists, forms, dashboards) a link may not reach."""
    return [r.template for r in crawl.routes() if not r.params and r.get_allowed
            and not r.template.startswith(SKIP_PREFIXES) and not EXPORT_RE.search(r.template)]


def _official(code: str, role: str, inst):
    from enlace.accounts.actions import do_create_user
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from enlace.accounts.roles import ROLES

    u = do_create_user(None, username=f"palabras.{role or 'todas'}.{code.lower()}.{next(f._seq)}", institution=inst,
                       roles=[role] if role else list(ROLES), password=f.PASSWORD, first_name="Ana",
                       last_name="Pérez")
    TOTPDevice.objects.create(user=u, name="test", confirmed=True)
    f.authorise(u)
    return u


def _names_in_data() -> tuple[str, ...]:
    """Names the records hold (institutions, officials, contacts): data in any language, longest first.

    The test factories name officials and institutions after codes ("focal_point GTM",
    "foreign_ministry GTM"): data, not words of the interface.
    """
    from enlace.accounts.models import User
    from enlace.core.models import Institution
    from enlace.directory.models import Contact

    values = set()
    for name, acronym in Institution.objects.values_list("name", "acronym"):
        values.update((name, acronym))
    for first, last, username in User.objects.values_list("first_name", "last_name", "username"):
        values.update((f"{first} {last}", first, last, username))
    for row in Contact.objects.unrestricted(reason="words test: names in the data").values_list(
            "first_name", "last_name", "position", "unit"):
        values.update((f"{row[0]} {row[1]}", *row))
    return tuple(sorted((v for v in values if v and len(v) > 3), key=len, reverse=True))


@pytest.fixture(scope="module")
def crawl_run(django_db_setup, django_db_blocker):
    from django.db import transaction

    from enlace.accounts.roles import ROLES
    from enlace.core.models import Institution
    from enlace.knowledge.actions import do_import_knowledge
    from enlace.knowledge.models import PlanAction
    from enlace.legislation.actions import do_load_catalogue

    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        if not PlanAction.objects.exists():
            do_import_knowledge()
        do_load_catalogue()
        garden = canaries.plant(families=("network",))
        st_inst = Institution.objects.get(country__code="CRM", type="secretariat")
        network_roles = {"st", "auditor", "portal_editor"}
        officials = {role: _official("CRM" if role in network_roles else "GTM", role,
                                     st_inst if role in network_roles else garden.owner.institution)
                     for role in ROLES}
        planted = time.monotonic() - started
        findings = Findings()
        crawler = Crawler(findings, _names_in_data())
        # Each role reads its home page, its menu and the pages without parameters it may open...
        for role, user in officials.items():
            for lang in ("es", "en"):
                crawler.crawl(user, role, lang)
        # ...then an official holding every role follows the links of every page (records included),
        # reading the routes nobody read yet.
        everything = _official("GTM", None, garden.owner.institution)
        for lang in ("es", "en"):
            crawler.crawl(everything, "todas", lang, max_depth=MAX_DEPTH)
        if os.environ.get("ENLACE_WORDS_DUMP"):
            with open(os.environ["ENLACE_WORDS_DUMP"], "w") as out:
                out.write(findings.report(limit=100000) + "\n" + repr(dict(findings.errors)) + "\nroutes not read:\n"
                          + "\n".join(sorted({r.template for r in crawl.routes() if r.get_allowed}
                                              - {"/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", k)
                                                 for k in findings.routes})))
        print(f"words crawl: {findings.pages} pages, {findings.forms} forms sent empty, {len(findings.routes)} "
              f"routes, {time.monotonic() - started - planted:.0f} s (+{planted:.0f} s to plant)")
        transaction.set_rollback(True)
    return findings


def test_every_page_speaks_one_language_and_names_no_field(crawl_run):
    assert crawl_run.pages > 200, crawl_run.pages  # the crawl did reach the menus' pages
    assert not crawl_run.bad, "\n" + crawl_run.report()


def test_no_server_error_while_crawling(crawl_run):
    assert not crawl_run.errors, dict(list(crawl_run.errors.items())[:20])


# --- the checker itself -------------------------------------------------------------------------------

PAGE = """<!doctype html><html lang="{lang}"><body><main>
<h1>{title}</h1><p>Registrado por <span lang="es">la Policía Nacional de la República</span></p>
<blockquote lang="es">Los Estados partes deberían redoblar sus esfuerzos con la UNODC</blockquote>
<p translate="no">the data of the record with its own words</p>
<label for="x">{label}</label><input id="x" placeholder="{placeholder}"><script>var the = "and of with";</script>
</main></body></html>"""


@pytest.mark.parametrize("planted,lang,expected", [
    ({"title": "Coincidencias", "label": "exact or sounds the same", "placeholder": "Nombre"}, "es", "otro idioma"),
    ({"title": "Coincidencias", "label": "Nombre", "placeholder": "same number, different country code"}, "es",
     "otro idioma"),
    ({"title": "Save", "label": "Nombre", "placeholder": "Nombre"}, "es", "otro idioma"),
    ({"title": "Matches", "label": "Fuera de horario según el país", "placeholder": "Name"}, "en", "otro idioma"),
    ({"title": "Datos liberados", "label": "given_names", "placeholder": "Nombre"}, "es", "nombre interno"),
    ({"title": "Datos liberados", "label": "dob", "placeholder": "Nombre"}, "es", "nombre interno"),
    ({"title": "El registro tiene5 coincidencias", "label": "Nombre", "placeholder": "Nombre"}, "es",
     "nombre interno"),
    ({"title": "1 pares", "label": "Nombre", "placeholder": "Nombre"}, "es", "nombre interno"),
])
def test_the_checker_catches_a_planted_string(planted, lang, expected):
    findings = Findings()
    check_html(PAGE.format(lang=lang, **planted), "prueba", "/prueba/", findings)
    assert any(expected in problem for (_l, problem, _t) in findings.bad), findings.report()


@pytest.mark.parametrize("lang,title,label,placeholder", [
    ("es", "Coincidencias de la persona", "Nombres", "p. ej. entrega vigilada"),
    ("en", "Matches of the person", "Given names", "e.g. controlled delivery"),
    ("es", "Policía Nacional de Guatemala", "1 mes", "Ministerio de Relaciones Exteriores de Guatemala"),
    ("en", "Policía Nacional de Guatemala", "1 month", "Ministerio de Relaciones Exteriores de Guatemala"),
])
def test_the_checker_passes_its_own_language_proper_nouns_and_marked_data(lang, title, label, placeholder):
    findings = Findings()
    check_html(PAGE.format(lang=lang, title=title, label=label, placeholder=placeholder), "prueba", "/prueba/",
               findings)
    assert not findings.bad, findings.report()


# --- fixes the crawl asked for, each shown on its own ----------------------------------------------------

def test_django_validation_messages_keep_their_spaces_in_spanish():
    from django import forms
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("es"):
        try:
            forms.CharField(min_length=5).clean("ab")
        except ValidationError as exc:
            message = " ".join(exc.messages)
    assert "(tiene 2)" in message and not words.raw_names(message), message


def test_a_24_7_contact_is_never_out_of_hours():
    import datetime

    from enlace.directory.models import Contact

    caller = f.user("GTM", "focal_point")
    official = f.user("HND", "focal_point")
    contact = Contact.objects.unrestricted(reason="test").get(user=official)
    # Working hours that never include the present moment, and the 24/7 function.
    Contact.objects.unrestricted(reason="test").filter(pk=contact.pk).update(
        functions="contact_24_7", hours_start=datetime.time(0, 0), hours_end=datetime.time(0, 0))
    html = f.verified_client(caller).get("/directorio/a-quien-contacto/", {
        "country": "HND", "need": "network_info", "urgency": "urgent"}).content.decode()
    assert "Disponible 24/7</span>" in html
    assert "Fuera de horario" not in html
    html = f.verified_client(caller).get(f"/directorio/contacto/{contact.pk}/").content.decode()
    assert "Disponible 24/7</span>" in html and "Fuera de horario" not in html


def test_the_audit_names_system_purposes_in_the_readers_language():
    from enlace.audit.log import log_event

    log_event("search", user=f.user("GTM", "st"), object_type="directory.contact", purpose="data quality")
    client = f.verified_client(f.user("CRM", "auditor", inst=_st_institution()))
    html = client.get("/auditoria/").content.decode()
    assert "calidad de los datos del directorio" in html and ">data quality<" not in html


def _st_institution():
    from enlace.core.models import Institution

    return Institution.objects.get(country__code="CRM", type="secretariat")
