"""Template filters of hit/no-hit pages: the model's probability as shown (never a rounded "100 %")."""

from django import template

from enlace.matching.presentation import probability_text

register = template.Library()


@register.filter
def probability(value):
    return probability_text(value)
