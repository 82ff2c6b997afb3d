"""The 2024 retirement decision table (the data-table cases hold every check value of domain.md)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masterstudio.policy.retirement import (
    MEN,
    WOMEN_50,
    WOMEN_55,
    category_for,
    delay_months,
    retirement,
    retirement_for,
)


def test_categories():
    assert category_for("male", None) is MEN
    assert category_for("male", 50) is MEN  # the original age is ignored for men
    assert category_for("female", 55) is WOMEN_55
    assert category_for("female", 50) is WOMEN_50
    assert category_for("female", None) is None
    with pytest.raises(ValueError):
        category_for("x", None)


@pytest.mark.parametrize(
    "category,birth,delay",
    [
        (MEN, date(1964, 12, 1), 0),
        (MEN, date(1965, 1, 1), 1),
        (MEN, date(1965, 4, 1), 1),
        (MEN, date(1965, 5, 1), 2),
        (MEN, date(1976, 8, 1), 35),
        (MEN, date(1976, 9, 1), 36),
        (MEN, date(1990, 1, 1), 36),
        (WOMEN_55, date(1969, 12, 31), 0),
        (WOMEN_55, date(1970, 1, 1), 1),
        (WOMEN_55, date(1981, 9, 1), 36),
        (WOMEN_50, date(1974, 12, 31), 0),
        (WOMEN_50, date(1975, 1, 1), 1),
        (WOMEN_50, date(1975, 2, 1), 1),
        (WOMEN_50, date(1975, 3, 1), 2),
        (WOMEN_50, date(1984, 11, 1), 60),
    ],
)
def test_delay_steps(category, birth, delay):
    assert delay_months(category, birth) == delay


def test_retirement_for_requires_a_womans_original_age():
    assert retirement_for(date(1967, 5, 12), "male").retirement_date == date(2028, 1, 12)
    with pytest.raises(ValueError):
        retirement_for(date(1971, 4, 20), "female")


def test_describe_is_chinese():
    text = retirement(date(1974, 10, 8), WOMEN_55).describe()
    assert text == "女职工（原法定退休年龄55周岁），法定退休年龄 56周岁3个月，法定退休日期 2031-01-08"


birth_dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2005, 12, 31))


@given(category=st.sampled_from([MEN, WOMEN_55, WOMEN_50]), a=birth_dates, b=birth_dates)
def test_retirement_date_is_monotone_in_birth_date(category, a, b):
    early, late = sorted((a, b))
    assert retirement(early, category).retirement_date <= retirement(late, category).retirement_date
    assert delay_months(category, early) <= delay_months(category, late)
