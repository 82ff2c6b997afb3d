"""``{% policy_expiry_notice %}``: the Art. 20 countdown on the home page and the staff workbench."""

from django import template

from masterstudio.policytools.versions import expiry_notice

register = template.Library()


@register.inclusion_tag("policytools/_expiry_notice.html")
def policy_expiry_notice():
    return {"notice": expiry_notice()}
