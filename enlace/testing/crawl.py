"""Walking every route of the URL registry and every GET operation of the API schema (leak probe).

``routes()`` lists every URL pattern of ``django.urls.get_resolver()`` as a template with its
parameters; ``expand()`` fills the parameters with given values and keeps only URLs that resolve
back to the same view. ``response_text()`` turns any response (HTML, JSON, CSV, vCard, iCal, XLSX,
DOCX, PDF, ZIP) into text to search. ``WriteRecorder`` records every INSERT/UPDATE/DELETE the
database receives while it is installed (``connection.execute_wrapper``).
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404


@dataclass(frozen=True)
class Route:
    template: str           # "/casos/{pk}/"
    params: tuple[str, ...]
    regexes: tuple[str, ...]  # the regex (or converter name) of each parameter
    callback: object

    @property
    def module(self) -> str:
        cb = self.callback
        return getattr(cb, "__module__", "") or getattr(getattr(cb, "cls", None), "__module__", "")

    @property
    def view_name(self) -> str:
        cb = self.callback
        return getattr(cb, "__name__", "") or repr(cb)

    @property
    def get_allowed(self) -> bool:
        """False for DRF routes that declare no GET (the router lists the methods)."""
        actions = getattr(self.callback, "actions", None)
        return actions is None or "get" in actions


_CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _regex_to_template(pattern: str) -> tuple[str, list[tuple[str, str]]] | None:
    """``^cases/(?P<pk>[^/.]+)/$`` -> ``cases/{pk}/``; None for patterns that are not plain paths."""
    out, params, i = [], [], 0
    while i < len(pattern):
        if pattern.startswith("(?P<", i):
            end_name = pattern.index(">", i)
            name = pattern[i + 4:end_name]
            depth, j = 1, end_name + 1
            while depth:
                if pattern[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(pattern[j], 0)
                j += 1
            params.append((name, pattern[end_name + 1:j - 1]))
            out.append("{" + name + "}")
            i = j
            continue
        ch = pattern[i]
        if ch in "^$":
            i += 1
            continue
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i + 1])
            i += 2
            continue
        if pattern.startswith("/?", i):
            out.append("/")
            i += 2
            continue
        if ch in "()[]?*+|":
            return None
        out.append(ch)
        i += 1
    return "".join(out), params


def _route_to_template(pattern: str) -> tuple[str, list[tuple[str, str]]]:
    params = []

    def repl(m):
        params.append((m.group("name"), m.group("conv") or "str"))
        return "{" + m.group("name") + "}"

    return _CONVERTER.sub(repl, pattern), params


def routes() -> list[Route]:
    """Every URL pattern in the registry, as a template (``{name}`` per parameter)."""
    found: list[Route] = []

    def walk(resolver, prefix, params):
        for p in resolver.url_patterns:
            raw = str(p.pattern)
            if raw.startswith("^") or "(?P<" in raw or raw.endswith("$"):
                converted = _regex_to_template(raw)
                if converted is None:
                    continue
            else:
                converted = _route_to_template(raw)
            text, more = converted
            if isinstance(p, URLResolver):
                walk(p, prefix + text, params + more)
            elif isinstance(p, URLPattern):
                allp = params + more
                found.append(Route("/" + prefix + text, tuple(n for n, _r in allp), tuple(r for _n, r in allp),
                                   p.callback))

    walk(get_resolver(), "", [])
    return found


def expand(route: Route, values: dict[str, list]) -> list[str]:
    """Concrete URLs for ``route``: the product of the values of its parameters, resolving to its view."""
    if not route.params:
        return [route.template]
    choices = []
    for name in route.params:
        options = values.get(name)
        if not options:
            return []
        choices.append(options)
    urls = []
    for combo in itertools.product(*choices):
        url = route.template.format(**dict(zip(route.params, (str(v) for v in combo))))
        try:
            match = resolve(url)
        except Resolver404:
            continue
        if match.func is route.callback or getattr(match.func, "cls", None) is getattr(route.callback, "cls", 0):
            urls.append(url)
    return urls


# --- what a response says -----------------------------------------------------------------------------------

def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _xlsx_text(body: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                     if v is not None)


def _docx_text(body: bytes) -> str:
    import docx

    d = docx.Document(io.BytesIO(body))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    # A long token wraps inside a narrow table cell: search the text without white space as well.
    return text + "\n" + re.sub(r"\s+", "", text)


def _zip_text(body: bytes) -> str:
    parts = []
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        for info in zf.infolist()[:200]:
            data = zf.read(info)
            parts.append(info.filename)
            parts.append(bytes_text(data, info.filename))
    return "\n".join(parts)


def bytes_text(body: bytes, name: str = "", ctype: str = "") -> str:
    """Text of a payload, by content type or by its first bytes."""
    ctype = ctype.lower()
    name = name.lower()
    if body.startswith(b"%PDF") or "pdf" in ctype:
        return _pdf_text(body)
    if body.startswith(b"PK"):
        if "spreadsheetml" in ctype or name.endswith(".xlsx"):
            return _xlsx_text(body)
        if "wordprocessingml" in ctype or name.endswith(".docx"):
            return _docx_text(body)
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile:
            return body.decode("latin-1")
        if any(n.startswith("xl/") for n in names):
            return _xlsx_text(body)
        if any(n.startswith("word/") for n in names):
            return _docx_text(body)
        return _zip_text(body)
    return body.decode("utf-8", "replace")


def response_text(response) -> str:
    """Everything a response shows, exports unpacked (XLSX, DOCX, PDF, ZIP; CSV, vCard, iCal, JSON as text)."""
    body = _body(response)
    disposition = response.get("Content-Disposition", "") or ""
    m = re.search(r'filename="?([^";]+)', disposition)
    text = bytes_text(body, m.group(1) if m else "", response.get("Content-Type", "") or "")
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + text


# --- GETs that write -------------------------------------------------------------------------------------------

# What a GET may write: audit events (and their chain head), sessions, and the bookkeeping of
# authentication (django-otp devices, django-axes, knox tokens' expiry, the user's last login).
ALLOWED_WRITE_TABLES = ("audit_auditevent", "audit_chainhead", "django_session", "otp_", "axes_", "knox_")
ALLOWED_USER_COLUMNS = ("last_login",)
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)


class WriteRecorder:
    """``connection.execute_wrapper`` that records every INSERT/UPDATE/DELETE not on the allowed list."""

    def __init__(self):
        self.writes: list[tuple[str, str]] = []  # (table, sql head)
        self.current = None

    def __call__(self, execute, sql, params, many, context):
        m = _WRITE.match(sql or "")
        if m:
            table = m.group(2).lower()
            allowed = table.startswith(ALLOWED_WRITE_TABLES)
            if table == "accounts_user" and m.group(1).upper() == "UPDATE":
                set_part = sql.upper().split(" SET ", 1)[-1].split(" WHERE ", 1)[0]
                columns = {c.strip().split("=")[0].strip().strip('"').lower() for c in set_part.split(",")}
                allowed = columns <= set(ALLOWED_USER_COLUMNS)
            if not allowed:
                self.writes.append((table, " ".join(sql.split())[:160]))
        return execute(sql, params, many, context)

    def take(self) -> list[tuple[str, str]]:
        out, self.writes = self.writes, []
        return out
