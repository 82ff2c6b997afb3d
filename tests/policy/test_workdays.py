"""Working days from chinese_calendar plus staff-entered years; unknown years are refused."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from masterstudio.policy import PolicyInputError
from masterstudio.policy.workdays import WorkCalendar, default_calendar, package_years

MAKEUP_WORKDAYS_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


def test_package_covers_2004_to_2026():
    assert package_years() == (2004, 2026)


@pytest.mark.parametrize("day", MAKEUP_WORKDAYS_2026)
def test_makeup_weekend_days_of_2026_are_working_days(day):
    assert day.weekday() >= 5
    assert default_calendar().is_workday(day)


def test_is_in_lieu_is_not_a_makeup_workday():
    # chinese_calendar.is_in_lieu marks weekdays taken off; the make-up Saturday is not one.
    assert not chinese_calendar.is_in_lieu(date(2026, 2, 14))
    assert default_calendar().is_workday(date(2026, 2, 14))
    year = chinese_calendar.get_dates(date(2026, 1, 1), date(2026, 12, 31))
    in_lieu = [d for d in year if chinese_calendar.is_in_lieu(d)]
    assert in_lieu and all(not default_calendar().is_workday(d) for d in in_lieu)


def test_national_day_week_is_off():
    cal = default_calendar()
    assert [cal.is_workday(date(2026, 10, d)) for d in range(1, 11)] == [False] * 7 + [True, True, True]


def test_unknown_year_names_the_year():
    with pytest.raises(PolicyInputError) as raised:
        default_calendar().is_workday(date(2027, 3, 1), field="start")
    error = raised.value
    assert error.code == "calendar_year_unknown"
    assert error.field == "start"
    assert "2027 年" in error.message and "录入" in error.message


def test_override_year_is_used_and_replaces_package_data():
    cal = WorkCalendar({2027: {"holidays": ["2027-01-01"], "workdays": []}, "2026": {"holidays": [], "workdays": []}})
    assert cal.source(2027) == "override" and cal.source(2026) == "override"
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 1, 4))
    assert cal.is_workday(date(2026, 10, 1))  # the override for 2026 lists no holiday
    assert not cal.is_workday(date(2026, 10, 10))  # nor the make-up Saturday
    assert default_calendar().source(2026) == "chinese_calendar"


def test_working_days_from_a_non_working_day():
    cal = default_calendar()
    assert cal.working_days(date(2026, 10, 1), 2) == [date(2026, 10, 8), date(2026, 10, 9)]
    assert cal.working_days(date(2026, 9, 30), 2, include_start=False) == [date(2026, 10, 8), date(2026, 10, 9)]


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"20x7": {}}, "calendar_overrides.20x7"),
        ({2027: ["2027-01-01"]}, "calendar_overrides.2027"),
        ({2027: {"holidays": ["2028-01-01"]}}, "calendar_overrides.2027.holidays.0"),
        ({2027: {"holidays": ["2027-02-30"]}}, "calendar_overrides.2027.holidays.0"),
        ({2027: {"holidays": ["2027-02-06"], "workdays": ["2027-02-06"]}}, "calendar_overrides.2027.workdays"),
        ({2027: {"holidays": "2027-01-01"}}, "calendar_overrides.2027.holidays"),
    ],
)
def test_bad_overrides_are_invalid_input(overrides, field):
    with pytest.raises(PolicyInputError) as raised:
        WorkCalendar(overrides)
    assert raised.value.code == "invalid_input"
    assert raised.value.field == field
