"""The contract's ``funding`` question: the awards a studio's record gives, their total, the recovery."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .. import inputs
from .. import versions as versions_mod
from ..errors import POLICY_EXPIRED, PolicyInputError
from ..params import ParameterSet, resolve
from .amounts import GRADES, MAX_AMOUNT, TITLE_LEVELS, ZERO, Award, _known_sum, _sum, award_under, expired_reason, money
from .cycle import _choice, recovery


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
