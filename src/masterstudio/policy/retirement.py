"""Statutory retirement date under the 2024 decision on gradually raising the retirement age.

全国人民代表大会常务委员会《关于实施渐进式延迟法定退休年龄的决定》（2024年9月13日通过，2025年1月1日
施行），附件《国务院关于渐进式延迟职工法定退休年龄的办法》第一条：

    从2025年1月1日起，男职工和原法定退休年龄为五十五周岁的女职工，法定退休年龄每四个月延迟一个月，
    分别逐步延迟至六十三周岁和五十八周岁；原法定退休年龄为五十周岁的女职工，法定退休年龄每二个月延迟
    一个月，逐步延迟至五十五周岁。

As a table (the category is the person's *original* statutory age):

    category            original age  first affected birth month  step                      max delay
    men                 60            1965-01                     +1 month per 4 birth months  36 (→63)
    women, original 55  55            1970-01                     +1 month per 4 birth months  36 (→58)
    women, original 50  50            1975-01                     +1 month per 2 birth months  60 (→55)

k = (birth year − first year) × 12 + (birth month − 1); delay = 0 if k < 0, else
min(k // step + 1, max). Retirement date = birth date + original age years + delay months, the day
clamped to the month's end (see ``dates.add_months``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dates import add_months


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    original_age: int
    first_year: int
    first_month: int
    step_months: int
    max_delay_months: int


MEN = Category("male_60", "男职工（原法定退休年龄60周岁）", 60, 1965, 1, 4, 36)
WOMEN_55 = Category("female_55", "女职工（原法定退休年龄55周岁）", 55, 1970, 1, 4, 36)
WOMEN_50 = Category("female_50", "女职工（原法定退休年龄50周岁）", 50, 1975, 1, 2, 60)

SOURCE = "全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》（2024年9月13日）附件办法第一条"


@dataclass(frozen=True)
class Retirement:
    category: Category
    birth_date: date
    delay_months: int
    retirement_date: date

    @property
    def age_years(self) -> int:
        return self.category.original_age + self.delay_months // 12

    @property
    def age_months(self) -> int:
        return self.delay_months % 12

    def to_dict(self) -> dict:
        return {
            "retirement_date": self.retirement_date.isoformat(),
            "retirement_age": {"years": self.age_years, "months": self.age_months},
            "delay_months": self.delay_months,
            "category": self.category.code,
            "basis": SOURCE,
        }

    def describe(self) -> str:
        months = f"{self.age_months}个月" if self.age_months else ""
        return (
            f"{self.category.label}，法定退休年龄 {self.age_years}周岁{months}，法定退休日期 "
            f"{self.retirement_date.isoformat()}"
        )


def category_for(gender: str, original_retirement_age: int | None) -> Category | None:
    """The person's category; ``None`` for a woman whose original statutory age is not known."""
    if gender == "male":
        return MEN
    if gender == "female":
        if original_retirement_age == 55:
            return WOMEN_55
        if original_retirement_age == 50:
            return WOMEN_50
        return None
    raise ValueError(f"gender must be 'male' or 'female', not {gender!r}")


def delay_months(category: Category, birth_date: date) -> int:
    k = (birth_date.year - category.first_year) * 12 + (birth_date.month - category.first_month)
    if k < 0:
        return 0
    return min(k // category.step_months + 1, category.max_delay_months)


def retirement(birth_date: date, category: Category) -> Retirement:
    delay = delay_months(category, birth_date)
    when = add_months(birth_date, category.original_age * 12 + delay)
    return Retirement(category, birth_date, delay, when)


def retirement_for(birth_date: date, gender: str, original_retirement_age: int | None = None) -> Retirement:
    """Convenience for callers holding the raw facts; a woman needs her original age (50 or 55)."""
    category = category_for(gender, original_retirement_age)
    if category is None:
        raise ValueError("a woman's original statutory retirement age (50 or 55) is required")
    return retirement(birth_date, category)
