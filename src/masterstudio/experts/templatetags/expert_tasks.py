"""``{% expert_tasks user as rows %}`` for the expert workspace page (core/expert.html)."""

from django import template

from masterstudio.experts.views import _task_rows

register = template.Library()


@register.simple_tag
def expert_tasks(user):
    return _task_rows(user)
