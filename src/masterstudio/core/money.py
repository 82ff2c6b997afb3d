"""One reading of a money amount typed by a person or read from a workbook cell.

Every money column of the platform is ``DecimalField(max_digits=12, decimal_places=2)``: at most
9 999 999 999.99 元. An amount is read as a Decimal (never float), then checked in an order that
cannot itself raise: not a number, NaN/Infinity, not above zero, beyond the column, more than two
decimals. ``quantize`` runs only on amounts the column holds, so the default context's precision
(28 digits) is never exceeded (``Decimal("1e+26").quantize(Decimal("0.01"))`` raises
``InvalidOperation``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
MONEY_MAX_DIGITS = 12
MONEY_DECIMAL_PLACES = 2
MAX_MONEY = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES) - CENT  # 9999999999.99


class MoneyError(ValueError):
    """An amount refused; ``reason`` says which check refused it (``not_number``, ``not_finite``,
    ``not_positive``, ``too_large``, ``too_precise``)."""

    def __init__(self, reason: str, text: str):
        super().__init__(reason, text)
        self.reason = reason
        self.text = text


def parse_money(value) -> Decimal:
    """``value`` (text such as "50,000.00", an int or a Decimal) as yuan with two decimals; raises
    :class:`MoneyError`, never ``InvalidOperation``."""
    text = str(value).replace(",", "").strip()
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise MoneyError("not_number", text) from None
    if not amount.is_finite():
        raise MoneyError("not_finite", text)
    if amount <= 0:
        raise MoneyError("not_positive", text)
    if amount > MAX_MONEY:
        raise MoneyError("too_large", text)
    if amount != amount.quantize(CENT):
        raise MoneyError("too_precise", text)
    return amount.quantize(CENT)


def too_large_text() -> str:
    """The bound said to a person: "9,999,999,999.99"."""
    return f"{MAX_MONEY:,.2f}"
