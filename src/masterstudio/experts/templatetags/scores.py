"""``{% load scores %}``: scores as people write them — at most two decimals, no trailing zeros
(20.08, 25.5, 80), and a total also out of 100 when the rubric's maximum is not 100."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()
CENT = Decimal("0.01")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_points(value) -> str:
    number = _decimal(value)
    if number is None:
        return "—"
    text = f"{number.quantize(CENT, rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def points(value) -> str:
    """20.0800 → "20.08", 25.5000 → "25.5", 80.00 → "80"; None → "—"."""
    return format_points(value)


@register.filter
def out_of_100(value, maximum) -> str:
    """``value`` of a rubric whose maximum is ``maximum``, as points out of 100 ("" when either is missing)."""
    number, top = _decimal(value), _decimal(maximum)
    if number is None or not top:
        return ""
    return format_points(number * 100 / top)
