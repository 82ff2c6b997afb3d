"""District funding of a studio: Art. 14 and 15 amounts, Art. 13 recovery, Art. 20 validity.

An amount is dated on the recognition date (14.1), on the assessment result's date (14.2) or on the
date the title was obtained (15.1 / 15.2). It counts only when that date is on or before ``as_of``,
on or before ``revoked_on`` and inside a policy version (Art. 20: the draft ends 2027-01-10). Each
amount is read from the **version in force on its own date** (``policy.versions``): a studio
recognised under the former Measures (京技管发〔2024〕1号) and rewarded under the draft gets each
award from its own text. Where a version's amount is unknown to the platform (the former Measures),
the award is listed with ``amount: null`` and the reason, or with the imported record's figure
(``initial_amount``, ``assessments.N.amount``, ``titles.N.amount``) — never a refusal of the question.
Money is Decimal, shown as "200000.00".

Recovery (Art. 13, interpretations 6, 22, 23): funding cycles of ``funding_cycle_years`` (3) years run
from the recognition date (or, choice ``calendar_year``, from 1 January of the recognition year); on
revocation every counted amount dated inside the cycle that contains the revocation date, up to that
date, is recovered if paid and cancelled if not yet paid — whichever version paid it. Which amounts
count as “区级补助资金” is interpretation 26 (``recovered_funds``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from . import inputs
from . import versions as versions_mod
from .dates import add_years
from .errors import INVALID_INPUT, POLICY_EXPIRED, PolicyInputError
from .params import ParameterSet, resolve
from .registry import rule

GRADES = {"excellent": "优秀", "qualified": "合格", "unqualified": "不合格"}
TITLE_LEVELS = {"national": "国家级技能大师工作室", "beijing": "北京市技能大师工作室"}
KIND_LABELS = {
    "initial": "首次认定一次性资助",
    "excellent": "年度考核优秀奖励",
    "national": "国家级工作室称号奖励",
    "beijing": "北京市工作室称号奖励",
}
ZERO = Decimal("0.00")
# Input fields of the ``funding`` question beyond the contract's: an imported record's own figure,
# used where the version in force on the award's date has no amount known to the platform.
RECORD_FIELDS = {"": ("initial_amount",), "assessments": ("amount",), "titles": ("amount",)}
MAX_AMOUNT = Decimal("100000000")


def money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


@dataclass(frozen=True)
class Award:
    kind: str  # initial | excellent | national | beijing
    clause: str
    on: date
    amount: Decimal | None  # None: not known to the platform (see ``reason``)
    year: int | None = None  # the assessment year of an excellent reward
    paid: bool | None = None  # known to the platform's ledger; None when not stated
    version: str | None = None  # the policy version in force on ``on``
    source: str = "version"  # version | record (an imported record's figure) | unknown
    reason: str = ""  # why the amount is a record's or unknown

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"kind": self.kind, "clause": self.clause}
        if self.year is not None:
            data["year"] = self.year
        data["on"] = self.on.isoformat()
        data["amount"] = money(self.amount)
        if self.paid is not None:
            data["paid"] = self.paid
        if self.source != "version":
            data["amount_source"] = self.source
            data["version"] = self.version
            data["reason"] = self.reason
        return data


def _sum(awards: Iterable[Award]) -> Decimal | None:
    """The sum, or None when any amount is unknown."""
    total = ZERO
    for award in awards:
        if award.amount is None:
            return None
        total += award.amount
    return total


def _known_sum(awards: Iterable[Award]) -> Decimal:
    return sum((a.amount for a in awards if a.amount is not None), ZERO)


@dataclass(frozen=True)
class Recovery:
    cycle_start: date
    cycle_end: date
    revoked_on: date
    awards: tuple[Award, ...]

    @property
    def amount(self) -> Decimal | None:
        return _sum(self.awards)

    @property
    def recover_amount(self) -> Decimal | None:
        """Paid amounts, to be recovered."""
        return _sum(a for a in self.awards if a.paid is True)

    @property
    def cancel_amount(self) -> Decimal | None:
        """Amounts not yet paid, to be cancelled."""
        return _sum(a for a in self.awards if a.paid is False)

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
        if self.amount is None:
            data["amount_known_part"] = money(_known_sum(self.awards))
            data["amount_unknown"] = [a.to_dict() for a in self.awards if a.amount is None]
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
def initial_grant(
    recognized_on: date,
    params: ParameterSet | str | None = None,
    *,
    paid: bool | None = None,
    field: str | None = "recognized_on",
) -> Award:
    """第十四条 经评审首次认定为经开区技能大师工作室的，按照每个工作室20万元的标准给予一次性资助；"""
    pset = resolve(params, recognized_on)
    _refuse_after_validity(recognized_on, pset, "认定", field)
    amount = _amount(pset, "initial_grant_amount", recognized_on, field)
    return Award("initial", "14.1", recognized_on, amount, paid=paid)


@rule("14.2", "12")
def excellent_reward(
    year: int, on: date, params: ParameterSet | str | None = None, *, paid: bool | None = None, field: str | None = None
) -> Award:
    """第十四条 已经认定的经开区技能大师工作室，经年度绩效考核后，等次为优秀的，按照每个工作室10万元的
    标准给予奖励。（第十二条：考核结果分为优秀、合格和不合格三个等次，并加强对考核结果的应用。）

    Call it for an 优秀 result only; once per assessment year (interpretation 7).
    """
    pset = resolve(params, on)
    _refuse_after_validity(on, pset, "考核优秀奖励", field)
    return Award("excellent", "14.2", on, _amount(pset, "excellent_reward_amount", on, field), year=year, paid=paid)


# -- Art. 15 -------------------------------------------------------------------------------------
@rule("15.1", "15.2")
def title_reward(
    level: str,
    on: date,
    params: ParameterSet | str | None = None,
    *,
    paid: bool | None = None,
    field: str | None = None,
) -> Award:
    """第十五条 取得国家、北京市技能大师工作室相应工作室称号的，分别按照20万元和10万元的标准给予一次性奖励。

    Once per studio per level (interpretation 7).
    """
    if level not in TITLE_LEVELS:
        raise PolicyInputError(
            INVALID_INPUT, field, f"称号级别应为 national（国家级）或 beijing（北京市级），收到 {level!r}"
        )
    pset = resolve(params, on)
    _refuse_after_validity(on, pset, "称号奖励", field)
    if level == "national":
        return Award("national", "15.1", on, _amount(pset, "national_title_reward_amount", on, field), paid=paid)
    return Award("beijing", "15.2", on, _amount(pset, "beijing_title_reward_amount", on, field), paid=paid)


_AMOUNT_PARAMETERS = {
    "initial": "initial_grant_amount",
    "excellent": "excellent_reward_amount",
    "national": "national_title_reward_amount",
    "beijing": "beijing_title_reward_amount",
}
_CLAUSES = {"initial": "14.1", "excellent": "14.2", "national": "15.1", "beijing": "15.2"}


def expired_reason(chain: versions_mod.Chain, on: date) -> str:
    """Why no version is in force on ``on`` (Art. 20), in Chinese."""
    until = chain.last_valid_until
    if until is not None and on > until:
        return (
            f"日期晚于本办法有效期截止日 {until.isoformat()}，且尚无新版办法施行，不再奖励或资助"
            f"（第二十条，解释口径10）"
        )
    return f"{on.isoformat()} 不在任何已载入的政策版本有效期内（第二十条），不作出奖励或资助"


def award_under(
    chain: versions_mod.Chain,
    kind: str,
    on: date,
    *,
    year: int | None = None,
    record_amount: Decimal | None = None,
    paid: bool | None = None,
    field: str | None = None,
) -> Award | None:
    """The award ``kind`` dated ``on``, from the version in force on ``on``; None when none is.

    A version without known amounts (the former Measures) gives the record's figure when there is
    one, else an award with ``amount`` None and the reason."""
    version = chain.governing(on)
    if version is None:
        return None
    clause = _CLAUSES[kind]
    if version.params is None:
        if record_amount is not None:
            return Award(
                kind,
                clause,
                on,
                record_amount,
                year=year,
                paid=paid,
                version=version.name,
                source="record",
                reason=f"按导入的原办法发放记录计（{version.document}，平台未掌握该版本的标准）",
            )
        return Award(
            kind,
            clause,
            on,
            None,
            year=year,
            paid=paid,
            version=version.name,
            source="unknown",
            reason=version.amounts_unknown_reason,
        )
    amount = _amount(version.params, _AMOUNT_PARAMETERS[kind], on, field)
    return Award(kind, clause, on, amount, year=year, paid=paid, version=version.name)


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


# -- the contract's ``funding`` question -----------------------------------------------------------
def _record_amount(entry, key: str, path: str) -> Decimal | None:
    """An imported record's figure: a money string (or integer) of yuan, at most two decimals."""
    raw = entry.get(key)
    if raw is None:
        return None
    where = inputs.join(path, key)
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise inputs.fail(where, f'{where} 应为以元为单位的金额字符串（如 "200000.00"），收到 {raw!r}')
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise inputs.fail(where, f'{where} 应为以元为单位的金额字符串（如 "200000.00"），收到 {raw!r}') from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise inputs.fail(where, f"{where} 应为 0 至 {MAX_AMOUNT:.0f} 元、最多两位小数的金额，收到 {raw!r}")
    return amount.quantize(Decimal("0.01"))


def answer(payload: Any, params: ParameterSet | str | None = None, chain: versions_mod.Chain | None = None) -> dict:
    """The ``funding`` answer. ``params`` given: that one set answers every date (what-if); else each
    date is answered by the version of ``chain`` (default: the shipped versions) in force on it."""
    if params is not None:
        chain = versions_mod.single(resolve(params))
    elif chain is None:
        chain = versions_mod.builtin()
    root = inputs.root_object(payload, "资金计算")
    as_of = inputs.req_date(root, "as_of", "", "计算日（as_of，YYYY-MM-DD）")
    recognized_on = inputs.req_date(root, "recognized_on", "", "认定日期（recognized_on，YYYY-MM-DD）")
    revoked_on = inputs.opt_date(root, "revoked_on", "")
    if revoked_on is not None:
        if revoked_on < recognized_on:
            raise inputs.fail(
                "revoked_on", f"撤销日期 {revoked_on.isoformat()} 早于认定日期 {recognized_on.isoformat()}，请核对"
            )
        if revoked_on > as_of:
            raise inputs.fail(
                "revoked_on",
                f"撤销日期 {revoked_on.isoformat()} 晚于计算日 {as_of.isoformat()}；请把 as_of 设为撤销日或其后",
            )
    interpretations: set[str] = set()
    used: dict[str, versions_mod.Version] = {}

    initial = award_under(
        chain, "initial", recognized_on, record_amount=_record_amount(root, "initial_amount", ""), field="recognized_on"
    )
    if initial is None:
        until = chain.last_valid_until
        raise PolicyInputError(
            POLICY_EXPIRED,
            "recognized_on",
            f"认定日期 {recognized_on.isoformat()} 晚于本办法有效期截止日 {until.isoformat() if until else ''}"
            f"（第二十条），且尚无新版办法施行，不再作出认定或资助（解释口径10）；请先载入新版政策",
        )
    candidates: list[Award] = [initial]
    excluded: list[dict] = []

    excellent_years: set[int] = set()
    for index, item in enumerate(inputs.opt_list(root, "assessments", "") or ()):
        path = f"assessments.{index}"
        entry = inputs.item_object(item, path)
        inputs.req(entry, "year", path, "考核年度（如 2025）")
        year = inputs.opt_int(entry, "year", path, minimum=2000, maximum=2100)
        grade = inputs.req_enum(entry, "grade", path, GRADES, "考核等次")
        on = inputs.req_date(entry, "on", path, "考核结果日期")
        record = _record_amount(entry, "amount", path)
        if year < recognized_on.year:
            raise inputs.fail(f"{path}.year", f"考核年度 {year} 早于认定年度 {recognized_on.year}，请核对")
        if on < recognized_on:
            raise inputs.fail(
                f"{path}.on", f"考核结果日期 {on.isoformat()} 早于认定日期 {recognized_on.isoformat()}，请核对"
            )
        if year > on.year:
            raise inputs.fail(f"{path}.on", f"{year} 年度的考核结果日期 {on.isoformat()} 早于该年度，请核对")
        if grade != "excellent":
            continue
        if year in excellent_years:
            interpretations.add("award_frequency")
            excluded.append(
                {
                    "kind": "excellent",
                    "clause": "14.2",
                    "year": year,
                    "on": on.isoformat(),
                    "reason": f"{year} 年度的优秀奖励已计一次，每个优秀年度只奖励一次（解释口径7）",
                }
            )
            continue
        excellent_years.add(year)
        award = award_under(chain, "excellent", on, year=year, record_amount=record, field=f"{path}.on")
        if award is None:
            interpretations.add("validity_cutoff")
            excluded.append(
                {
                    "kind": "excellent",
                    "clause": "14.2",
                    "year": year,
                    "on": on.isoformat(),
                    "reason": expired_reason(chain, on),
                }
            )
            continue
        candidates.append(award)

    levels: set[str] = set()
    for index, item in enumerate(inputs.opt_list(root, "titles", "") or ()):
        path = f"titles.{index}"
        entry = inputs.item_object(item, path)
        level = inputs.req_enum(entry, "level", path, TITLE_LEVELS, "称号级别")
        on = inputs.req_date(entry, "on", path, "取得称号日期")
        record = _record_amount(entry, "amount", path)
        clause = "15.1" if level == "national" else "15.2"
        if level in levels:
            interpretations.add("award_frequency")
            excluded.append(
                {
                    "kind": level,
                    "clause": clause,
                    "on": on.isoformat(),
                    "reason": f"{TITLE_LEVELS[level]}称号奖励已计一次，每个级别只奖励一次（解释口径7）",
                }
            )
            continue
        levels.add(level)
        if on < recognized_on:
            interpretations.add("title_before_recognition")
            reading = _choice(
                chain.params_on(recognized_on), "title_before_recognition", recognized_on, "reward_dated_on_title"
            )
            if reading == "not_rewarded":
                excluded.append(
                    {
                        "kind": level,
                        "clause": clause,
                        "on": on.isoformat(),
                        "reason": f"称号取得于经开区认定（{recognized_on.isoformat()}）之前；按解释口径24"
                        f"（not_rewarded），第十五条奖励以已认定的经开区工作室为对象，认定前取得的称号不奖励",
                    }
                )
                continue
        award = award_under(chain, level, on, record_amount=record, field=f"{path}.on")
        if award is None:
            interpretations.add("validity_cutoff")
            excluded.append(
                {"kind": level, "clause": clause, "on": on.isoformat(), "reason": expired_reason(chain, on)}
            )
            continue
        candidates.append(award)

    counted: list[Award] = []
    for award in candidates:
        if award.on > as_of:
            excluded.append({**award.to_dict(), "reason": f"日期晚于计算日 {as_of.isoformat()}，尚未发生"})
        elif revoked_on is not None and award.on > revoked_on:
            excluded.append(
                {
                    **award.to_dict(),
                    "reason": f"日期晚于撤销日 {revoked_on.isoformat()}，撤销后不再资助或奖励（第十三条）",
                }
            )
        else:
            counted.append(award)
            version = chain.governing(award.on)
            if version is not None:
                used[version.name] = version
    counted.sort(key=lambda a: (a.on, a.clause))
    total = _sum(counted)

    recovered = None
    if revoked_on is not None:
        art13 = chain.with_params(revoked_on)
        recovered = recovery(counted, recognized_on, revoked_on, art13.params)
        interpretations.update({"funding_cycle_years", "recovery_cycle_start", "recovered_funds"})
    net = (
        None
        if total is None or (recovered is not None and recovered.amount is None)
        else (total - (recovered.amount if recovered else ZERO))
    )
    order = (
        "funding_cycle_years",
        "recovery_cycle_start",
        "recovered_funds",
        "award_frequency",
        "validity_cutoff",
        "title_before_recognition",
    )
    result = {
        "awards": [a.to_dict() for a in counted],
        "total": money(total),
        "recovery": recovered.to_dict() if recovered else None,
        "net": money(net),
        "excluded": excluded,
        "interpretations": [name for name in order if name in interpretations],
        "policy": chain.params_on(min(as_of, chain.last_valid_until or as_of)).policy_info(),
        "versions": [v.info(chain.end_of(v)) for v in sorted(used.values(), key=lambda v: v.start)],
    }
    if total is None:
        result["total_known_part"] = money(_known_sum(counted))
        result["amounts_unknown"] = [a.to_dict() for a in counted if a.amount is None]
    if recovered is not None:
        result["recovery_version"] = art13.name
    return result
