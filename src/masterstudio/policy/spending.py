"""Use of funds (Art. 16): which expense categories each fund may pay for, and which purchases must
be registered as fixed assets. The platform's special-account ledger (专账) calls ``check_expense``
for each expense line.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from .errors import INVALID_INPUT, PolicyInputError
from .funding import money
from .params import ParameterSet, resolve
from .registry import rule

FUNDS = {"grant": "一次性资助费用", "unit_matching": "所在单位配套费用", "reward": "奖励费用"}
CATEGORIES = {
    "equipment_facilities": "工作室设备设施的更新完善",
    "innovation_rnd": "技术技能创新研发",
    "skill_exchange": "技能交流推广",
    "talent_training": "人才培训",
    "team_incentive": "工作室团队激励",
    "other": "其他用途",
}


@rule("16")
def check_expense(
    fund: str,
    category: str,
    unit_value,
    *,
    special_equipment: bool = False,
    on: date | None = None,
    params: ParameterSet | str | None = None,
) -> dict:
    """第十六条 工作室所在单位应对一次性资助费用、所在单位配套费用建立专门账目（科目），专款专用，不得挪作
    他用，一次性资助费用主要用于工作室设备设施的更新完善、技术技能创新研发、技能交流推广、人才培训等费用，
    涉及固定资产项目标准的，按照固定资产财务管理办法相关要求登记造册。奖励费用可用于工作室建设，也可用于
    工作室团队激励。

    ``allowed``: the category is one of the fund's listed uses (grant and unit matching funds: the four
    uses; rewards: those four plus team incentives). ``register_as_fixed_asset``: an equipment purchase
    whose unit value reaches the fixed-asset threshold (special equipment: its own threshold).
    """
    if fund not in FUNDS:
        listed = "、".join(f"{k}（{v}）" for k, v in FUNDS.items())
        raise PolicyInputError(INVALID_INPUT, "fund", f"资金类别应为以下之一：{listed}")
    if category not in CATEGORIES:
        listed = "、".join(f"{k}（{v}）" for k, v in CATEGORIES.items())
        raise PolicyInputError(INVALID_INPUT, "category", f"用途应为以下之一：{listed}")
    if isinstance(unit_value, (bool, float)):
        raise PolicyInputError(INVALID_INPUT, "unit_value", '单价应为金额字符串，如 "12000.00"')
    try:
        value = Decimal(str(unit_value))
    except InvalidOperation:
        raise PolicyInputError(INVALID_INPUT, "unit_value", '单价应为金额字符串，如 "12000.00"') from None
    if not value.is_finite() or value < 0:
        raise PolicyInputError(INVALID_INPUT, "unit_value", "单价不能为负数")
    pset = resolve(params)
    allowed_list = pset.get("reward_spending_categories" if fund == "reward" else "grant_spending_categories", on)
    allowed = category in allowed_list
    threshold_name = "special_equipment_fixed_asset_threshold" if special_equipment else "fixed_asset_threshold"
    threshold = pset.get(threshold_name, on)
    register = category == "equipment_facilities" and value >= threshold
    uses = "、".join(CATEGORIES[c] for c in allowed_list)
    sentences = [f"{FUNDS[fund]}应进入工作室专门账目（科目），专款专用"]
    if allowed:
        sentences.append(f"“{CATEGORIES[category]}”属于{FUNDS[fund]}的用途（{uses}）")
    else:
        sentences.append(
            f"“{CATEGORIES[category]}”不属于第十六条列明的{FUNDS[fund]}用途（{uses}），请改列合规用途或报社会事业局说明"
        )
    if register:
        kind = "专用设备" if special_equipment else "设备"
        sentences.append(
            f"单价 {money(value)} 元达到{kind}固定资产标准 {money(threshold)} 元，须按固定资产财务管理办法登记造册"
        )
    return {
        "clause": "16",
        "allowed": allowed,
        "register_as_fixed_asset": register,
        "fixed_asset_threshold": money(threshold),
        "message": "；".join(sentences) + "（第十六条）",
        "policy": pset.policy_info(),
    }
