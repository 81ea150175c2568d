"""axe-core in the browser suite: inject the vendored ``axe.min.js`` and list WCAG 2.1 AA violations.

Served from ``core/static/enlace/vendor/axe.min.js`` (no CDN; version in ``axe.VERSION.txt``). Use::

    from enlace.testing.axe import assert_accessible
    assert_accessible(page, f"{live_server.url}/publico/es/")  # both widths, zero violations
"""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent.parent / "core" / "static" / "enlace" / "vendor" / "axe.min.js"
STATIC_URL = "/static/enlace/vendor/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1366, 390)  # desktop and a small phone


def violations(page) -> list[dict]:
    """The violations axe finds on the page as loaded now (WCAG 2.0/2.1 A and AA rules only)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Loaded from the app's own static files: the pages' CSP (script-src 'self') refuses inline code.
        origin = page.evaluate("location.origin")
        page.add_script_tag(url=f"{origin}{STATIC_URL}")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [{"id": v["id"], "impact": v.get("impact"), "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def assert_accessible(page, url: str | None = None, *, widths=WIDTHS) -> None:
    """Open ``url`` (or re-check the current page) at each width; fail listing every violation."""
    found = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        if url is not None:
            page.goto(url)
        problems = violations(page)
        if problems:
            found[width] = problems
    assert not found, f"axe WCAG 2.1 AA violations on {url or page.url}: {found}"
