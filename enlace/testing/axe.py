"""axe-core in the browser suite: inject the vendored ``axe.min.js`` and list WCAG 2.1 AA violations.

Served from ``core/static/enlace/vendor/axe.min.js`` (no CDN; version in ``axe.VERSION.txt``). Use::

    from enlace.testing.axe import assert_accessible
    assert_accessible(page, f"{live_server.url}/publico/es/")  # both widths, zero violations
"""

from __future__ import annotations

import hashlib
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent.parent / "core" / "static" / "enlace" / "vendor" / "axe.min.js"
STATIC_URL = "/static/enlace/vendor/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1366, 390)  # desktop and a small phone


def install(context) -> None:
    """Load axe into every page of a browser context before the page's own scripts (Playwright's init
    scripts are not subject to the page's CSP): a crawl then skips fetching and injecting it per page."""
    context.add_init_script(path=str(AXE_JS))


def violations(page) -> list[dict]:
    """The violations axe finds on the page as loaded now (WCAG 2.0/2.1 A and AA rules only)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Loaded from the app's own static files: the pages' CSP (script-src 'self') refuses inline code.
        origin = page.evaluate("location.origin")
        page.add_script_tag(url=f"{origin}{STATIC_URL}")
    # resultTypes: only violations are listed in full (passes and the rest are cut to one node: much faster).
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
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


def settle(page) -> None:
    """Wait two frames: after a viewport change, resize handlers and layout have run before we measure."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


_OVERFLOW_JS = """() => {
  const W = document.documentElement.clientWidth, out = [];
  const width = document.documentElement.scrollWidth;
  if (width <= innerWidth) return {width, culprits: out};
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.right <= W + 1 || r.width === 0) continue;
    let p = e.parentElement, clipped = false;
    for (; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') { clipped = true; break; }
    }
    // An absolutely positioned child escapes a scroller that is not its containing block: name it anyway.
    if (clipped && getComputedStyle(e).position !== 'absolute') continue;
    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
      ' (' + Math.round(r.right) + ' px)');
    if (out.length >= 5) break;
  }
  return {width, culprits: out};
}"""


def horizontal_overflow(page) -> dict | None:
    """None when the page does not scroll sideways, else its scroll width and the first elements sticking out."""
    found = page.evaluate(_OVERFLOW_JS)
    return None if found["width"] <= page.evaluate("innerWidth") else found


_MAIN_KEY_JS = """() => {
  const main = document.querySelector('main');
  return main ? main.outerHTML.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, '') : null;
}"""


def content_key(page) -> str | None:
    """A fingerprint of the page's main content (without CSRF tokens): two pages with the same key differ at
    most in header and menu, so a crawl that already checked one may skip the other's content."""
    html = page.evaluate(_MAIN_KEY_JS)
    return None if html is None else hashlib.sha256(html.encode()).hexdigest()


def page_problems(page, width: int, *, overflow: bool | None = None) -> dict:
    """Resize the current page to ``width``, then list axe violations and (by default below 600 px, where
    a phone has no room to spare) a sideways page scroll. Empty dict: nothing wrong."""
    page.set_viewport_size({"width": width, "height": 900})
    settle(page)
    problems = {}
    found = violations(page)
    if found:
        problems["axe"] = found
    if overflow if overflow is not None else width < 600:
        wide = horizontal_overflow(page)
        if wide:
            problems["overflow"] = wide
    return problems
