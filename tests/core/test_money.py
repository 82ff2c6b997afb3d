"""The one reading of a typed money amount (core.money), used by the import and the funding services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from masterstudio.core.money import MAX_MONEY, MoneyError, parse_money


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1e+26", "too_large"),
        ("1E400", "too_large"),
        ("10000000000", "too_large"),
        ("NaN", "not_finite"),
        ("sNaN", "not_finite"),
        ("Infinity", "not_finite"),
        ("abc", "not_number"),
        ("", "not_number"),
        ("0", "not_positive"),
        ("-5", "not_positive"),
        ("1.005", "too_precise"),
        ("1e-30", "too_precise"),
    ],
)
def test_a_refused_amount_raises_money_error_never_invalid_operation(text, reason):
    with pytest.raises(MoneyError) as refused:
        parse_money(text)
    assert refused.value.reason == reason


def test_amounts_are_read_as_cents():
    assert parse_money("50,000") == Decimal("50000.00")
    assert parse_money(" 12.5 ") == Decimal("12.50")
    assert parse_money(MAX_MONEY) == Decimal("9999999999.99")


def test_funding_parse_amount_says_too_large_in_chinese():
    from masterstudio.funding.services import FundingError, parse_amount

    with pytest.raises(FundingError, match="金额过大"):
        parse_amount("1e+26")
    with pytest.raises(FundingError, match="不是有效的数字"):
        parse_amount("NaN")


def test_a_money_parameter_beyond_the_column_is_an_input_error():
    """policy sits below core, so it keeps its own bound: the same column limit."""
    from masterstudio.policy import load_parameters, paramset
    from masterstudio.policy.errors import PolicyInputError

    assert paramset.MAX_MONEY_PARAMETER == MAX_MONEY
    for text in ("1e+26", "NaN"):
        with pytest.raises(PolicyInputError, match="最多两位小数的金额"):
            load_parameters().with_overrides({"initial_grant_amount": text})
