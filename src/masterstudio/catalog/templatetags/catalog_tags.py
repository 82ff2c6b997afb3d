from django import template

from masterstudio.catalog import selectors

register = template.Library()


@register.inclusion_tag("catalog/_calendar_warning.html", takes_context=True)
def calendar_warning(context):
    """The staff dashboard's warning about a year whose holiday arrangement is not yet in effect."""
    return {"warnings": selectors.calendar_warnings(), "user": context.get("user")}
