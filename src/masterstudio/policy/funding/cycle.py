"""Art. 13: the funding cycle and the recovery of the funds of the cycle in which a studio is revoked."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from ..dates import add_years
from ..errors import INVALID_INPUT, PolicyInputError
from ..params import ParameterSet, resolve
from ..registry import rule
from .amounts import Award, Recovery


# -- Art. 13 -------------------------------------------------------------------------------------
@rule("13")
def funding_cycle(recognized_on: date, on: date, params: ParameterSet | str | None = None) -> tuple[date, date]:
    """The funding cycle (interpretations 6 and 22) containing ``on``: (first day, last day).

    Cycles are consecutive periods of ``funding_cycle_years`` years from the recognition date (or from
    1 January of the recognition year, choice ``calendar_year``), each ending the day before the next
    starts (month-end clamped: from 2024-02-29 the second cycle starts 2027-02-28). The parameters are
    those of the version in force on ``on`` (the revocation's Art. 13).
    """
    if on < recognized_on:
        raise ValueError("a date before recognition lies in no funding cycle")
    pset = resolve(params, on)
    years = _clamped(pset, "funding_cycle_years", on)
    anchor = recognized_on
    if _choice(pset, "recovery_cycle_start", on, "recognition_date") == "calendar_year":
        anchor = date(recognized_on.year, 1, 1)
    index = 0
    while add_years(anchor, years * (index + 1)) <= on:
        index += 1
    start = add_years(anchor, years * index)
    end = add_years(anchor, years * (index + 1)) - timedelta(days=1)
    return start, end


def _clamped(pset: ParameterSet, name: str, on: date):
    """``name`` on ``on``, read at the set's first or last date when ``on`` lies outside it (the Art. 13
    rule of the nearest version with parameters, for a revocation dated under a version without)."""
    parameter = pset.param(name)
    return parameter.value_on(min(max(on, parameter.values[0].effective_from), pset.valid_until))


def _choice(pset: ParameterSet, name: str, on: date, default: str) -> str:
    """An interpretation's choice on ``on`` (clamped to the set's dates as ``_clamped``)."""
    if name not in pset.parameters:
        return default
    return _clamped(pset, name, on)


@rule("13")
def recovery(
    awards: Iterable[Award], recognized_on: date, revoked_on: date, params: ParameterSet | str | None = None
) -> Recovery:
    """第十三条 ……取消工作室称号；涉及资金的，追回工作室当年所在资助周期内的全部区级补助资金。

    ``awards``: the district amounts granted to the studio (Art. 14, 15), under whichever version.
    Those dated inside the cycle containing ``revoked_on``, up to ``revoked_on``, are recovered (paid)
    or cancelled (unpaid); interpretation 26 decides whether rewards count as 区级补助资金.
    """
    if revoked_on < recognized_on:
        raise PolicyInputError(INVALID_INPUT, "revoked_on", "撤销日期早于认定日期，请核对")
    pset = resolve(params, revoked_on)
    start, end = funding_cycle(recognized_on, revoked_on, pset)
    only_grants = _choice(pset, "recovered_funds", revoked_on, "grants_and_rewards") == "initial_grant_only"
    inside = tuple(
        sorted(
            (
                a
                for a in awards
                if start <= a.on <= revoked_on and a.on >= recognized_on and (not only_grants or a.clause == "14.1")
            ),
            key=lambda a: (a.on, a.clause),
        )
    )
    return Recovery(start, end, revoked_on, inside)
