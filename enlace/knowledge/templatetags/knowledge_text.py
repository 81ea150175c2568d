"""Template filters for the knowledge texts (see ``enlace.knowledge.text``)."""

from django import template

from enlace.knowledge import text

register = template.Library()


@register.filter
def rich(value):
    """``{{ rec.text|rich }}``: paragraphs, emphasis and lists, the rest escaped."""
    return text.rich(str(value or ""))


@register.filter
def rich_inline(value):
    """``{{ note.text|rich_inline }}``: emphasis of a one-line text, the rest escaped."""
    return text.rich_inline(str(value or ""))


@register.filter
def plain(value):
    """``{{ rec.text|plain|truncatewords:25 }}``: the text without emphasis markers."""
    return text.plain(str(value or ""))
