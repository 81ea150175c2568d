"""Every POST form that does something irreversible asks first (issue 15, part 3).

A static scan of the templates: a ``<form method="post">`` whose action URL or submit button names an
irreversible verb (publish, withdraw, revoke, deny, delete, close, suspend, deactivate, reject, …) must
carry ``data-confirm`` on the form or on the button; ``static/enlace/widgets.js`` turns that attribute
into a native confirmation dialog. The test-of-the-test plants a template without it.
"""

from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[3]

# Words in the URL (``{% url 'app:stay_exit' %}``) or in the button's text (Spanish msgids).
IRREVERSIBLE = re.compile(
    r"publish|unpublish|withdraw|revoke|deny|delete|remove|close|suspend|deactivate|reject|leave|"
    r"bring_into_force|in_force|crisis|exit|return|decide_release|verdict|judge|validate|"
    r"publicar|retirar|revocar|denegar|eliminar|borrar|cerrar|suspender|desactivar (?:la )?cuenta|rechazar|"
    r"abandonar|salir del equipo|registrar salida|devolver|poner en vigor",
    re.IGNORECASE)
# Reversible or harmless although a word above appears: signing out, switching matching on/off for a case.
HARMLESS = re.compile(r"logout|cerrar sesión|cases:matching", re.IGNORECASE)
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.IGNORECASE | re.DOTALL)
POST = re.compile(r"""method=["']post["']""", re.IGNORECASE)
ACTION = re.compile(r"""\baction=(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
TRANSLATE = re.compile(r"""\{%\s*(?:translate|trans)\s+["']([^"']*)["'][^%]*%\}""")
BUTTON = re.compile(r"<button\b[^>]*>(.*?)</button>", re.IGNORECASE | re.DOTALL)


def unconfirmed(text: str):
    """(action, button text) of each POST form naming an irreversible verb without ``data-confirm``."""
    out = []
    for m in FORM.finditer(text):
        form = m.group(0)
        open_tag = form[: form.index(">") + 1]
        if not POST.search(open_tag) or "data-confirm" in form:
            continue
        am = ACTION.search(open_tag)
        action = (am.group(1) or am.group(2) or "") if am else ""
        buttons = TRANSLATE.sub(r"\1", " ".join(BUTTON.findall(form)))
        if HARMLESS.search(action) or HARMLESS.search(buttons):
            continue
        if IRREVERSIBLE.search(action) or IRREVERSIBLE.search(buttons):
            out.append((action, " ".join(re.sub(r"<[^>]+>|\{%.*?%\}", " ", buttons).split())[:80]))
    return out


def templates():
    return sorted(p for p in (ROOT / "enlace").glob("*/templates/**/*.html"))


def test_every_irreversible_post_form_asks_for_confirmation():
    missing = [f"{p.relative_to(ROOT)}: {a} {b}" for p in templates() for a, b in unconfirmed(p.read_text())]
    assert not missing, "POST forms with an irreversible action and no data-confirm:\n" + "\n".join(missing)


def test_the_scan_finds_a_planted_unconfirmed_form(tmp_path):
    planted = ('<form method="post" action="{% url \'teams:close\' team.pk %}">{% csrf_token %}'
               '<button type="submit" class="button danger">{% translate "Cerrar el equipo" %}</button></form>')
    assert unconfirmed(planted) == [("{% url 'teams:close' team.pk %}", "Cerrar el equipo")]
    confirmed = planted.replace('<form method="post"', '<form method="post" data-confirm="¿Cerrar?"')
    assert unconfirmed(confirmed) == []
    on_button = planted.replace('<button type="submit"', '<button type="submit" data-confirm="¿Cerrar?"')
    assert unconfirmed(on_button) == []
    harmless = '<form method="post" action="/buscar/"><button>Buscar</button></form>'
    assert unconfirmed(harmless) == []
    get_form = planted.replace('method="post"', 'method="get"')
    assert unconfirmed(get_form) == []
