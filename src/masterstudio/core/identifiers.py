"""The Django side's door to identifier rules; the rules themselves live in the policy engine."""
from __future__ import annotations

from datetime import date

_W_ID = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CH = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_W_CC = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def check_id_number(value: str) -> tuple[bool, str]:
    value = (value or "").strip().upper()
    if len(value) != 18:
        return False, f"应为 18 位，实为 {len(value)} 位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return False, "前 17 位应为数字，最后一位为数字或 X"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False, f"第 7–14 位出生日期 {value[6:14]} 不是有效日期"
    total = sum(int(c) * w for c, w in zip(value[:17], _W_ID))
    if "10X98765432"[total % 11] != value[17]:
        return False, "校验码错误"
    return True, ""


def id_number_facts(value: str) -> dict:
    value = value.strip().upper()
    return {
        "birth_date": date(int(value[6:10]), int(value[10:12]), int(value[12:14])),
        "gender": "male" if int(value[16]) % 2 == 1 else "female",
    }


def mask_id_number(value: str) -> str:
    return value[:6] + "********" + value[-4:] if value and len(value) == 18 else "******"


def check_credit_code(value: str) -> tuple[bool, str]:
    value = (value or "").strip().upper()
    if len(value) != 18:
        return False, f"应为 18 位，实为 {len(value)} 位"
    bad = [c for c in value if c not in _CH]
    if bad:
        return False, f"含有不允许的字符 {''.join(sorted(set(bad)))}（不使用 I、O、Z、S、V）"
    total = sum(_CH.index(c) * w for c, w in zip(value[:17], _W_CC))
    check = (31 - total % 31) % 31
    if _CH[check] != value[17]:
        return False, "校验码错误"
    return True, ""
