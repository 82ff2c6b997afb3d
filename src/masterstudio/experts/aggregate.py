"""Aggregating sealed scores (pure functions, Decimal only)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

TWO = Decimal("0.01")


@dataclass(frozen=True)
class Summary:
    count: int
    value: Decimal | None
    method: str
    method_used: str
    highest: Decimal | None
    lowest: Decimal | None
    spread: Decimal | None
    note: str = ""


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def aggregate(totals: list[Decimal], method: str) -> Summary:
    """``mean``, ``median``, or ``trimmed`` (去掉一个最高分和一个最低分后平均; with fewer than three
    scores nothing can be dropped, so the plain mean is used and the note says so)."""
    values = sorted(Decimal(v) for v in totals)
    if not values:
        return Summary(0, None, method, method, None, None, None, "尚无已提交的评分")
    highest, lowest = values[-1], values[0]
    used, note = method, ""
    if method == "median":
        result = Decimal(median(values))
    elif method == "trimmed" and len(values) >= 3:
        kept = values[1:-1]
        result = sum(kept) / len(kept)
    else:
        if method == "trimmed":
            used, note = "mean", f"有效评分仅 {len(values)} 份，不足 3 份，无法去掉最高分和最低分，按算术平均计算"
        elif method != "mean":
            raise ValueError(f"未知的汇总方式：{method}")
        result = sum(values) / len(values)
    return Summary(len(values), _q(result), method, used, highest, lowest, _q(highest - lowest), note)
