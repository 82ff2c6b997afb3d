"""The amounts of Art. 14 (initial grant, excellent reward) and Art. 15 (title rewards), each under the
version in force on its date, refused after the validity date (Art. 20).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .. import versions as versions_mod
from ..errors import INVALID_INPUT, POLICY_EXPIRED, PolicyInputError
from ..params import ParameterSet, resolve
from ..registry import rule

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
