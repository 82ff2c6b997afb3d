"""``{% load facts %}``: facts of the policy calculator's input in Chinese (core/factlabels.py)."""

from django import template

from masterstudio.core import factlabels

register = template.Library()


@register.filter
def fact_label(path) -> str:
    return factlabels.label(str(path or ""))


@register.filter
def humanize_facts(text) -> str:
    return factlabels.humanize(str(text or ""))
