"""The money tags of the pages (a studio's grants and special account, yuan): in the ledger app,
the higher of the two apps it reads (funding, floor 10; ledger, floor 11), so both imports point down."""

from decimal import Decimal, InvalidOperation

from django import template

from masterstudio.funding.selectors import grants_for
from masterstudio.ledger.selectors import accounts_for
from masterstudio.ledger.services import balances

register = template.Library()


@register.simple_tag(takes_context=True)
def studio_money(context, studio):
    """Grants and special-account balances of one studio, through the same selectors as the lists."""
    user = context["request"].user

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
    try:
        return f"{Decimal(value or 0):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""
