from django import template

from masterstudio.funding.selectors import grants_for
from masterstudio.ledger.selectors import accounts_for

register = template.Library()


@register.simple_tag(takes_context=True)
def studio_money(context, studio):
    """Grants and special-account balances of one studio, through the same selectors as the lists."""
    user = context["request"].user
    from masterstudio.ledger.services import balances

    account = accounts_for(user, by_source=True).filter(studio=studio).first()  # the balances in its query
    return {
        "grants": list(grants_for(user).filter(studio=studio).order_by("dated_on", "id")),
        "account": account,
        "balances": list(balances(account).values()) if account else [],
        "warnings": account.warnings if account else 0,
    }


@register.filter
def yuan(value) -> str:
    """Yuan with thousands separators and two decimals: 200000 → 200,000.00."""
    from decimal import Decimal, InvalidOperation

    try:
        return f"{Decimal(value or 0):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""
