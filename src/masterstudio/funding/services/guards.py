"""What every money entry shares (Art. 13–15, 20): the error, the two guards of every entry
(:func:`check_money_date`, :func:`earning_refusal`), the conditions an award needs that a higher
app decides, the row lock, and the policy's validity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils import timezone

from masterstudio.funding.models import GrantKind
from masterstudio.studios.models import Studio, StudioState


class FundingError(Exception):
    """A refused money operation; ``str(exc)`` is a Chinese message saying what to fix."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class AlreadyRecorded(FundingError):
    """The same thing was registered before: nothing was written. ``existing`` is the earlier row."""

    def __init__(self, message: str, field: str | None = None, existing=None):
        super().__init__(message, field)
        self.existing = existing


# ---------------------------------------------------------------- the two guards of every money entry


def today() -> date:
    return timezone.localdate()


def check_money_date(
    value: date | None, *, field: str, label: str, earliest: date | None = None, earliest_label: str = ""
) -> date:
    """The one date check of every money entry: filled in, not after today, not before the day it
    could first exist (``earliest``: the studio's recognition, the account's opening, the grant's
    approval …). The message names the field (``label``) and says what to fix."""
    if value is None:
        raise FundingError(f"请填写{label}", field=field)
    now = today()
    if value > now:
        raise FundingError(
            f"{label} {value:%Y-%m-%d} 晚于今天（{now:%Y-%m-%d}），不能登记未来日期的款项，请核对", field=field
        )
    if earliest is not None and value < earliest:
        raise FundingError(f"{label} {value:%Y-%m-%d} 早于{earliest_label} {earliest:%Y-%m-%d}，请核对", field=field)
    return value


def earning_refusal(studio, on: date | None = None) -> str | None:
    """The one answer to "may this studio earn district money now": ``None``, or why not.

    A revoked studio earns nothing new (Art. 13): no award, no title reward, no payment — a grant
    approved before the revocation and not yet paid is frozen. Nothing is awarded under these
    Measures for a date after their validity (Art. 20, ``valid_until`` of the parameters). The
    studio's state is read from the database, not from the caller's copy."""

    state, revoked_on = Studio.objects.filter(pk=studio.pk).values_list("state", "revoked_on").get()
    if state == StudioState.REVOKED:
        return (
            f"工作室已于 {revoked_on:%Y-%m-%d} 撤销（第13条），不再核定、拨付任何区级资助或奖励；"
            "撤销前核定而未拨付的资金已冻结"
        )
    if on is not None and on > policy_valid_until():
        return (
            f"《办法》有效期截止 {policy_valid_until():%Y-%m-%d}（第20条），{on:%Y-%m-%d} 已超出有效期，"
            "不能再按本办法核定新的资助或奖励；请先载入新版政策"
        )
    return None


def ensure_may_earn(studio, on: date | None = None, *, field: str | None = None) -> None:
    refusal = earning_refusal(studio, on)
    if refusal:
        raise FundingError(refusal, field=field if refusal.startswith("《办法》") else None)


# What an award needs that a higher app decides: kind → condition(studio, year) → refusal or None.
# Art. 14: the 优秀 reward of a year needs that year's annual assessment published as 优秀 — decided
# by the assessments app, which registers its condition in AssessmentsConfig.ready(). A kind that
# needs a condition nobody registered is refused.
AWARD_CONDITIONS: dict[str, Callable[..., str | None]] = {}
_NEEDS_CONDITION = {GrantKind.EXCELLENT: "年度考核优秀奖励须依据已发布的绩效考核结果核定（第14条），考核模块未启用"}


def register_award_condition(kind: str, condition) -> None:
    AWARD_CONDITIONS[kind] = condition


def award_condition_refusal(studio, kind: str, year: int | None) -> str | None:
    condition = AWARD_CONDITIONS.get(kind)
    if condition is None:
        return _NEEDS_CONDITION.get(kind)
    return condition(studio, year)


def policy_valid_until() -> date:
    from masterstudio.catalog.engine import versions  # inside: the engine loads the policy files on first use

    return versions().last_valid_until
