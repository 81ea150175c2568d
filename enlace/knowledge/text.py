"""How the knowledge texts' light markup is shown.

The seed texts come from PDFs and word-processor exports converted to markdown: titles of
publications are in ``*asterisks*`` (``*Treaty Series*``), some notes use ``**bold**`` or ``-`` lists.
They are rendered with markdown-it-py restricted to emphasis, strong and lists ("zero" preset: raw
HTML, links and images stay text, escaped), so a text can never inject markup into a page.
"""

from __future__ import annotations

import re

from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

# One parser per process: MarkdownIt keeps no state between render() calls (thread-safe).
_md = MarkdownIt("zero", {"breaks": True}).enable(["emphasis", "list"])
_EMPHASIS_RE = re.compile(r"(\*{1,2})(?=\S)(.+?)(?<=\S)\1")


def rich(text: str) -> str:
    """Paragraphs, emphasis, strong and lists of ``text`` as safe HTML (everything else escaped)."""
    return mark_safe(_md.render(text or ""))


def rich_inline(text: str) -> str:
    """Emphasis and strong of a one-line text (a note, a list item) as safe HTML, without paragraphs."""
    return mark_safe(_md.renderInline(text or ""))


def plain(text: str) -> str:
    """The text without emphasis markers (excerpts, exports, truncated lists)."""
    return _EMPHASIS_RE.sub(r"\2", text or "")
