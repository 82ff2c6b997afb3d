"""District funding of a studio: Art. 14 and 15 amounts, Art. 13 recovery, Art. 20 validity.

An amount is dated on the recognition date (14.1), on the assessment result's date (14.2) or on the
date the title was obtained (15.1 / 15.2). It counts only when that date is on or before ``as_of``,
on or before ``revoked_on`` and on or before the policy's ``valid_until`` (2027-01-10). Amounts are
read from the parameter set as in force on their own date. Money is Decimal, shown as "200000.00".

Recovery (Art. 13, interpretation 6): funding cycles of ``funding_cycle_years`` (3) years run from the
recognition date; on revocation every counted amount dated inside the cycle that contains the
revocation date, up to that date, is recovered if paid and cancelled if not yet paid.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Iterable

from . import inputs
from .dates import add_years
from .errors import INVALID_INPUT, POLICY_EXPIRED, PolicyInputError
from .params import ParameterSet, resolve
from .registry import rule

GRADES = {"excellent": "优秀", "qualified": "合格", "unqualified": "不合格"}
TITLE_LEVELS = {"national": "国家级技能大师工作室", "beijing": "北京市技能大师工作室"}
KIND_LABELS = {"initial": "首次认定一次性资助", "excellent": "年度考核优秀奖励", "national": "国家级工作室称号奖励",
               "beijing": "北京市工作室称号奖励"}
ZERO = Decimal("0.00")


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"


@dataclass(frozen=True)
class Award:
    kind: str  # initial | excellent | national | beijing
    clause: str
    on: date
    amount: Decimal
    year: int | None = None  # the assessment year of an excellent reward
    paid: bool | None = None  # known to the platform's ledger; None when not stated

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"kind": self.kind, "clause": self.clause}
        if self.year is not None:
            data["year"] = self.year
        data["on"] = self.on.isoformat()
        data["amount"] = money(self.amount)
        if self.paid is not None:
            data["paid"] = self.paid
        return data


@dataclass(frozen=True)
class Recovery:
    cycle_start: date
    cycle_end: date
    revoked_on: date
    awards: tuple[Award, ...]

    @property
    def amount(self) -> Decimal:
        return sum((a.amount for a in self.awards), ZERO)

    @property
    def recover_amount(self) -> Decimal:
        """Paid amounts, to be recovered."""
        return sum((a.amount for a in self.awards if a.paid is True), ZERO)

    @property
    def cancel_amount(self) -> Decimal:
        """Amounts not yet paid, to be cancelled."""
        return sum((a.amount for a in self.awards if a.paid is False), ZERO)

    @property
    def clauses(self) -> list[str]:
        return sorted({a.clause for a in self.awards})

    def to_dict(self) -> dict:
        data = {
            "cycle_start": self.cycle_start.isoformat(),
            "cycle_end": self.cycle_end.isoformat(),
            "amount": money(self.amount),
            "clauses": self.clauses,
            "revoked_on": self.revoked_on.isoformat(),
            "awards": [a.to_dict() for a in self.awards],
        }
        if any(a.paid is not None for a in self.awards):
            data["recover_amount"] = money(self.recover_amount)
            data["cancel_amount"] = money(self.cancel_amount)
        return data


def _refuse_after_validity(on: date, params: ParameterSet, what: str, field: str | None) -> None:
    """Interpretation 10: no recognition, award or grant under this version after ``valid_until``."""
    until = params.valid_until
    if on > until:
        raise PolicyInputError(
            POLICY_EXPIRED,
            field,
            f"{what}日期 {on.isoformat()} 晚于本办法有效期截止日 {until.isoformat()}（第二十条），"
            f"本版办法下不再作出认定、奖励或资助（解释口径10）；请先加载新版政策参数",
        )


def _amount(params: ParameterSet, name: str, on: date, field: str | None) -> Decimal:
    try:
        return params.get(name, on)
    except PolicyInputError as error:
        raise PolicyInputError(error.code, field, error.message) from None


# -- Art. 14 -------------------------------------------------------------------------------------
@rule("14.1")
def initial_grant(recognized_on: date, params: ParameterSet | str | None = None, *, paid: bool | None = None,
                  field: str | None = "recognized_on") -> Award:
    """第十四条 经评审首次认定为经开区技能大师工作室的，按照每个工作室20万元的标准给予一次性资助；"""
    pset = resolve(params)
    _refuse_after_validity(recognized_on, pset, "认定", field)
    amount = _amount(pset, "initial_grant_amount", recognized_on, field)
    return Award("initial", "14.1", recognized_on, amount, paid=paid)


@rule("14.2", "12")
def excellent_reward(year: int, on: date, params: ParameterSet | str | None = None, *, paid: bool | None = None,
                     field: str | None = None) -> Award:
    """第十四条 已经认定的经开区技能大师工作室，经年度绩效考核后，等次为优秀的，按照每个工作室10万元的
    标准给予奖励。（第十二条：考核结果分为优秀、合格和不合格三个等次，并加强对考核结果的应用。）

    Call it for an 优秀 result only; once per assessment year (interpretation 7).
    """
    pset = resolve(params)
    _refuse_after_validity(on, pset, "考核优秀奖励", field)
    return Award("excellent", "14.2", on, _amount(pset, "excellent_reward_amount", on, field), year=year, paid=paid)


# -- Art. 15 -------------------------------------------------------------------------------------
@rule("15.1", "15.2")
def title_reward(level: str, on: date, params: ParameterSet | str | None = None, *, paid: bool | None = None,
                 field: str | None = None) -> Award:
    """第十五条 取得国家、北京市技能大师工作室相应工作室称号的，分别按照20万元和10万元的标准给予一次性奖励。

    Once per studio per level (interpretation 7).
    """
    if level not in TITLE_LEVELS:
        raise PolicyInputError(INVALID_INPUT, field, f"称号级别应为 national（国家级）或 beijing（北京市级），收到 {level!r}")
    pset = resolve(params)
    _refuse_after_validity(on, pset, "称号奖励", field)
    if level == "national":
        return Award("national", "15.1", on, _amount(pset, "national_title_reward_amount", on, field), paid=paid)
    return Award("beijing", "15.2", on, _amount(pset, "beijing_title_reward_amount", on, field), paid=paid)


# -- Art. 13 -------------------------------------------------------------------------------------
@rule("13")
def funding_cycle(recognized_on: date, on: date, params: ParameterSet | str | None = None) -> tuple[date, date]:
    """The funding cycle (interpretation 6) containing ``on``: (first day, last day).

    Cycles are consecutive periods of ``funding_cycle_years`` years from the recognition date, each
    ending the day before the next starts (month-end clamped: from 2024-02-29 the second cycle
    starts 2027-02-28).
    """
    if on < recognized_on:
        raise ValueError("a date before recognition lies in no funding cycle")
    pset = resolve(params)
    years = pset.get("funding_cycle_years", recognized_on)
    index = 0
    while add_years(recognized_on, years * (index + 1)) <= on:
        index += 1
    start = add_years(recognized_on, years * index)
    end = add_years(recognized_on, years * (index + 1)) - timedelta(days=1)
    return start, end


@rule("13")
def recovery(awards: Iterable[Award], recognized_on: date, revoked_on: date,
             params: ParameterSet | str | None = None) -> Recovery:
    """第十三条 ……取消工作室称号；涉及资金的，追回工作室当年所在资助周期内的全部区级补助资金。

    ``awards``: the district amounts granted to the studio (Art. 14, 15). Those dated inside the
    cycle containing ``revoked_on``, up to ``revoked_on``, are recovered (paid) or cancelled (unpaid).
    """
    if revoked_on < recognized_on:
        raise PolicyInputError(INVALID_INPUT, "revoked_on", "撤销日期早于认定日期，请核对")
    start, end = funding_cycle(recognized_on, revoked_on, params)
    inside = tuple(sorted((a for a in awards if start <= a.on <= revoked_on), key=lambda a: (a.on, a.clause)))
    return Recovery(start, end, revoked_on, inside)


# -- the contract's ``funding`` question -----------------------------------------------------------
def answer(payload: Any, params: ParameterSet | str | None = None) -> dict:
    pset = resolve(params)
    root = inputs.root_object(payload, "资金计算")
    as_of = inputs.req_date(root, "as_of", "", "计算日（as_of，YYYY-MM-DD）")
    recognized_on = inputs.req_date(root, "recognized_on", "", "认定日期（recognized_on，YYYY-MM-DD）")
    revoked_on = inputs.opt_date(root, "revoked_on", "")
    if revoked_on is not None:
        if revoked_on < recognized_on:
            raise inputs.fail("revoked_on", f"撤销日期 {revoked_on.isoformat()} 早于认定日期 {recognized_on.isoformat()}，请核对")
        if revoked_on > as_of:
            raise inputs.fail(
                "revoked_on", f"撤销日期 {revoked_on.isoformat()} 晚于计算日 {as_of.isoformat()}；请把 as_of 设为撤销日或其后"
            )
    _refuse_after_validity(recognized_on, pset, "认定", "recognized_on")

    candidates: list[tuple[Award, str]] = [(initial_grant(recognized_on, pset), "recognized_on")]
    excluded: list[dict] = []
    interpretations: set[str] = set()
    until = pset.valid_until

    excellent_years: set[int] = set()
    for index, item in enumerate(inputs.opt_list(root, "assessments", "") or ()):
        path = f"assessments.{index}"
        entry = inputs.item_object(item, path)
        inputs.req(entry, "year", path, "考核年度（如 2025）")
        year = inputs.opt_int(entry, "year", path, minimum=2000, maximum=2100)
        grade = inputs.req_enum(entry, "grade", path, GRADES, "考核等次")
        on = inputs.req_date(entry, "on", path, "考核结果日期")
        if year < recognized_on.year:
            raise inputs.fail(f"{path}.year", f"考核年度 {year} 早于认定年度 {recognized_on.year}，请核对")
        if on < recognized_on:
            raise inputs.fail(f"{path}.on", f"考核结果日期 {on.isoformat()} 早于认定日期 {recognized_on.isoformat()}，请核对")
        if year > on.year:
            raise inputs.fail(f"{path}.on", f"{year} 年度的考核结果日期 {on.isoformat()} 早于该年度，请核对")
        if grade != "excellent":
            continue
        if year in excellent_years:
            interpretations.add("award_frequency")
            excluded.append({"kind": "excellent", "clause": "14.2", "year": year, "on": on.isoformat(),
                             "reason": f"{year} 年度的优秀奖励已计一次，每个优秀年度只奖励一次（解释口径7）"})
            continue
        excellent_years.add(year)
        if on > until:
            interpretations.add("validity_cutoff")
            excluded.append({"kind": "excellent", "clause": "14.2", "year": year, "on": on.isoformat(),
                             "reason": f"日期晚于本办法有效期截止日 {until.isoformat()}，本版办法下不再奖励（第二十条，解释口径10）"})
            continue
        candidates.append((excellent_reward(year, on, pset, field=f"{path}.on"), path))

    levels: set[str] = set()
    for index, item in enumerate(inputs.opt_list(root, "titles", "") or ()):
        path = f"titles.{index}"
        entry = inputs.item_object(item, path)
        level = inputs.req_enum(entry, "level", path, TITLE_LEVELS, "称号级别")
        on = inputs.req_date(entry, "on", path, "取得称号日期")
        if on < recognized_on:
            raise inputs.fail(
                f"{path}.on",
                f"取得称号日期 {on.isoformat()} 早于经开区认定日期 {recognized_on.isoformat()}；第十五条奖励以已认定的经开区工作室为对象，请核对",
            )
        clause = "15.1" if level == "national" else "15.2"
        if level in levels:
            interpretations.add("award_frequency")
            excluded.append({"kind": level, "clause": clause, "on": on.isoformat(),
                             "reason": f"{TITLE_LEVELS[level]}称号奖励已计一次，每个级别只奖励一次（解释口径7）"})
            continue
        levels.add(level)
        if on > until:
            interpretations.add("validity_cutoff")
            excluded.append({"kind": level, "clause": clause, "on": on.isoformat(),
                             "reason": f"日期晚于本办法有效期截止日 {until.isoformat()}，本版办法下不再奖励（第二十条，解释口径10）"})
            continue
        candidates.append((title_reward(level, on, pset, field=f"{path}.on"), path))

    counted: list[Award] = []
    for award, _ in candidates:
        if award.on > as_of:
            excluded.append({**award.to_dict(), "reason": f"日期晚于计算日 {as_of.isoformat()}，尚未发生"})
        elif revoked_on is not None and award.on > revoked_on:
            excluded.append({**award.to_dict(), "reason": f"日期晚于撤销日 {revoked_on.isoformat()}，撤销后不再资助或奖励（第十三条）"})
        else:
            counted.append(award)
    counted.sort(key=lambda a: (a.on, a.clause))
    total = sum((a.amount for a in counted), ZERO)

    recovered = None
    if revoked_on is not None:
        recovered = recovery(counted, recognized_on, revoked_on, pset)
        interpretations.add("funding_cycle_years")
    net = total - (recovered.amount if recovered else ZERO)
    order = ("funding_cycle_years", "award_frequency", "validity_cutoff")
    return {
        "awards": [a.to_dict() for a in counted],
        "total": money(total),
        "recovery": recovered.to_dict() if recovered else None,
        "net": money(net),
        "excluded": excluded,
        "interpretations": [name for name in order if name in interpretations],
        "policy": pset.policy_info(),
    }
