"""Which words a page shows, and which of them are in the wrong language (issue 15, "Words").

``visible_texts(html)`` returns the page's language (``<html lang>``) and its visible texts, one per
block (a paragraph, a cell, a label, a button, an option) plus the texts people read in attributes
(``placeholder``, ``title``, ``aria-label``, ``alt``, a submit button's ``value``). Data is left out:
whatever the templates mark as not being the page's own words — an element with a ``lang``
attribute (the knowledge texts are ``lang="es"`` on English pages too) or ``translate="no"`` — and
``script``, ``style``, ``code``, ``pre``, ``kbd``, ``samp`` and ``textarea`` (what was typed).

``problems(text, lang)`` says what is wrong with one text:

* **other language**: a text holding at least two different *function words* of the other
  language ("the", "and", "with", "same"… / "el", "los", "con", "que"…) and more of them than of its
  own; or a short text (a button, a label) that is one of the other language's interface words
  ("Save", "Cancel" / "Guardar", "Cancelar"). Names of people, places and institutions rarely hold
  two function words ("Policía Nacional de Guatemala" holds one), so proper nouns and most data
  pass; long texts of data are marked with ``lang`` by the templates.
* **raw field name**: a snake_case token (``given_names``, ``data_quality``), a bare key (``dob``,
  ``owner``, ``None``, ``True``), a word glued to a number (Django's stock ``tiene5``) or a plural
  after the number one ("1 pares").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

EN_FUNCTION = frozenset("""
the and of with or to for from is are was were this that these those your you which has have been will
would should must not same exact sounds different by on at an be it its as than into there their they
please here when where what who how all any each other only also more most some such no yes if then
""".split()) - {"no"}
ES_FUNCTION = frozenset("""
el la los las del con que para por una unos unas es son fue su sus al y o en se lo esta este estos estas
esa ese mismo misma sin hay más desde hasta cuando donde cual cuál según también pero como otro otra
ningún ninguna todos todas cada sobre entre ya aún sí debe puede
""".split())
# Words of the interface that are a whole button or label on their own.
EN_UI = frozenset("""
save cancel delete edit search submit send next previous back close open yes confirm remove add new
download upload export import login logout password username required owner none true false loading
details update status country number name date search… apply reset clear show hide more less
""".split())
ES_UI = frozenset("""
guardar cancelar eliminar editar buscar enviar siguiente anterior volver cerrar abrir confirmar quitar
añadir agregar nuevo nueva descargar subir exportar importar entrar salir contraseña obligatorio
detalles actualizar estado país número nombre fecha aplicar limpiar mostrar ocultar cargando
""".split())
# Keys a template may print instead of their label.
RAW_KEYS = frozenset({"dob", "owner", "pk", "data quality", "data_quality"})
# Python's and JSON's values printed as they are ("none" is an English word: only "None" counts).
RAW_VALUES = frozenset({"None", "True", "False", "null", "NULL", "undefined", "NaN"})
# Words that are singular although they end like a plural ("1 mes", "1 país").
SINGULAR_S = frozenset("""
mes país análisis crisis tesis lunes martes miércoles jueves viernes dosis virus gas autobús revés
interés inglés francés portugués compás access status class process address news series analysis
bus gas plus
""".split())

WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
SNAKE_RE = re.compile(r"(?<![\w./:@#-])[a-z]+(?:_[a-z0-9]+)+(?![\w./:@-])")
GLUED_RE = re.compile(r"(?<![\w-])[a-záéíóúñ]{3,}\d+\b")
ONE_PLURAL_RE = re.compile(r"(?<![\d.,])\b1\s+([a-záéíóúñ]{3,}(?:s))\b", re.I)

SKIP_TAGS = frozenset({"script", "style", "template", "textarea", "code", "pre", "kbd", "samp", "svg", "noscript"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                       "track", "wbr", "param"})
BLOCK_TAGS = frozenset({"p", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "label", "button",
                        "option", "section", "form", "tr", "ul", "ol", "dt", "dd", "legend", "caption", "nav",
                        "header", "footer", "main", "article", "aside", "table", "thead", "tbody", "fieldset",
                        "figcaption", "summary", "details", "blockquote", "dl", "select", "optgroup", "body",
                        "title", "br", "hr", "dialog", "output"})
TEXT_ATTRS = ("placeholder", "title", "aria-label", "alt", "aria-description", "data-confirm")


class _Extractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.texts: list[str] = []
        self._buf: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)

    @property
    def _skipping(self) -> bool:
        return any(skip for _t, skip in self._stack)

    def _flush(self):
        text = " ".join("".join(self._buf).split())
        if text:
            self.texts.append(text)
        self._buf = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = (a.get("lang") or "")[:2]
            return
        if tag in BLOCK_TAGS:
            self._flush()
        skip = tag in SKIP_TAGS or "lang" in a or (a.get("translate") or "").lower() == "no"
        if not self._skipping and not skip:
            for name in TEXT_ATTRS:
                if a.get(name):
                    self.texts.append(" ".join(a[name].split()))
            if tag == "input" and (a.get("type") or "").lower() in ("submit", "button") and a.get("value"):
                self.texts.append(a["value"])
        if tag not in VOID_TAGS:
            self._stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self._stack and self._stack[-1][0] == tag:
            self._stack.pop()

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self._flush()
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if not self._skipping:
            self._buf.append(data)

    def close(self):
        super().close()
        self._flush()


def visible_texts(html: str) -> tuple[str, list[str]]:
    """(page language, visible texts outside data) of an HTML page or fragment."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    return parser.lang, parser.texts


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD_RE.findall(text)]


def other_language(text: str, lang: str) -> bool:
    """Whether ``text`` reads as the other language than ``lang`` ("es" or "en")."""
    words = _words(text)
    if not words:
        return False
    own, other, other_ui = (ES_FUNCTION, EN_FUNCTION, EN_UI) if lang == "es" else (EN_FUNCTION, ES_FUNCTION, ES_UI)
    n_other = len(set(words) & other)
    n_own = len(set(words) & own)
    if n_other >= 2 and n_other > n_own:
        return True
    return len(words) <= 3 and " ".join(words) in other_ui


def raw_names(text: str) -> list[str]:
    """Raw keys, snake_case tokens, words glued to numbers and "1 <plural>" in ``text``."""
    found = SNAKE_RE.findall(text) + GLUED_RE.findall(text)
    bare = " ".join(text.split()).strip(" :")
    if bare.lower() in RAW_KEYS or bare in RAW_VALUES:
        found.append(text)
    found += [f"1 {w}" for w in ONE_PLURAL_RE.findall(text) if w.lower() not in SINGULAR_S
              and not w.lower().endswith(("ís", "és", "ás", "ós", "ús", "sis"))]
    return found


def problems(text: str, lang: str) -> list[str]:
    """What is wrong with one visible text on a page in ``lang``."""
    out = []
    if lang in ("es", "en") and other_language(text, lang):
        out.append("otro idioma")
    out += [f"nombre interno «{r}»" for r in raw_names(text)]
    return out
