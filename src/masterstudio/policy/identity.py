"""Identifiers: 居民身份证号 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).

Each validator returns ``(valid, reason, facts)``: ``reason`` is a Chinese sentence when invalid
(``None`` when valid), ``facts`` the values derived from the identifier. Validity is an answer, not
an error. ID numbers are personal information (个人信息保护法): show them through
``mask_id_number`` to everyone but the roles that need them.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from operator import mul
from types import MappingProxyType
from typing import NamedTuple

# -- 居民身份证号 -------------------------------------------------------------------------------------
# GB 11643-1999: 6-digit address code, 8-digit birth date (YYYYMMDD), 3-digit order code (odd for
# men, even for women), 1 check character by ISO 7064 MOD 11-2.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # indexed by (Σ aᵢ·Wᵢ) mod 11

# First two digits of the address code: provinces (GB/T 2260) and 71/81/82/83 (台湾、香港、澳门 and
# the 港澳台居民居住证 ranges 81/82/83).
PROVINCE_CODES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
        83,
    }
)


class IdentityCheck(NamedTuple):
    valid: bool
    reason: str | None
    facts: dict


def id_check_char(body17: str) -> str:
    """The check character for the first 17 digits: ID_CHECK_CHARS[(Σ aᵢ·Wᵢ) mod 11]."""
    return ID_CHECK_CHARS[sum(map(mul, map(int, body17), ID_WEIGHTS)) % 11]


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def validate_id_number(value) -> IdentityCheck:
    """Validate a 居民身份证号; facts: ``birth_date`` (date), ``gender``, ``region_code``.

    Results are memoised per string (the same people recur across calculations); ``facts`` is a
    read-only mapping.
    """
    if not isinstance(value, str):
        return IdentityCheck(False, "身份证号应为字符串", MappingProxyType({}))
    number = normalize_id_number(value)
    if len(number) != 18:  # only well-sized strings are memoised
        return IdentityCheck(False, f"长度应为18位（当前 {len(number)} 位）", MappingProxyType({}))
    return _validate_id_number(number)


@lru_cache(maxsize=8192)
def _validate_id_number(number: str) -> IdentityCheck:
    result = _check_id_number(number)
    return IdentityCheck(result.valid, result.reason, MappingProxyType(result.facts))


def _check_id_number(number: str) -> IdentityCheck:
    if len(number) != 18:
        return IdentityCheck(False, f"长度应为18位（当前 {len(number)} 位）", {})
    body, check = number[:17], number[17]
    if not body.isascii() or not body.isdigit():
        return IdentityCheck(False, "前17位应全部为数字", {})
    if not (check.isascii() and (check.isdigit() or check == "X")):
        return IdentityCheck(False, "第18位（校验码）应为数字或 X", {})
    if int(body[:2]) not in PROVINCE_CODES:
        return IdentityCheck(False, f"地址码前两位 {body[:2]} 不是有效的省级行政区划代码", {})
    year, month, day = int(body[6:10]), int(body[10:12]), int(body[12:14])
    try:
        birth = date(year, month, day)
    except ValueError:
        return IdentityCheck(False, f"出生日期 {body[6:14]} 不是有效日期", {})
    if year < 1900:
        return IdentityCheck(False, f"出生日期 {body[6:14]} 早于1900年，不是有效的出生日期", {})
    if id_check_char(body) != check:
        return IdentityCheck(False, "校验码错误", {})
    gender = "male" if int(body[16]) % 2 == 1 else "female"
    return IdentityCheck(True, None, {"birth_date": birth, "gender": gender, "region_code": body[:6]})


def mask_id_number(value: str) -> str:
    """``11010519491231002X`` → ``110105********002X``: the 8 birth-date digits hidden.

    Anything that is not 18 characters long keeps only its last 4 characters visible.
    """
    number = normalize_id_number(value) if isinstance(value, str) else ""
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[14:]
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]


# -- 统一社会信用代码 ---------------------------------------------------------------------------------
# GB 32100-2015: 登记管理部门代码 (1) + 机构类别代码 (1) + 登记管理机关行政区划码 (6) +
# 主体标识码/组织机构代码 (9, GB 11714) + 校验码 (1). Characters: digits and the capital letters
# except I, O, S, V, Z.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_VALUES = {char: index for index, char in enumerate(CREDIT_CHARSET)}
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 32100-2015 附录: registration authority and, per authority, the organisation categories.
REGISTRATION_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商（市场监管）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
ORGANISATION_CATEGORIES = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {
        "1": "律师执业机构",
        "2": "公证处",
        "3": "基层法律服务所",
        "4": "司法鉴定机构",
        "5": "仲裁委员会",
        "9": "其他",
    },
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位（社会服务机构）", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}

# GB 11714-1997 组织机构代码: 8 body characters (digits, capital letters) and a check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_check_char(body17: str) -> str:
    """The check character for the first 17 characters (all from ``CREDIT_CHARSET``):
    C₁₈ = 31 − (Σ Cᵢ·Wᵢ mod 31), with 31 written as 0."""
    total = sum(map(mul, map(CREDIT_VALUES.__getitem__, body17), CREDIT_WEIGHTS))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def _organisation_code_ok(code9: str) -> bool:
    def value(char: str) -> int:
        return int(char) if char.isdigit() else ord(char) - ord("A") + 10

    body, check = code9[:8], code9[8]
    if not all(c.isdigit() or "A" <= c <= "Z" for c in body):
        return False
    remainder = 11 - sum(value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=False)) % 11
    expected = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return check == expected


def normalize_credit_code(value: str) -> str:
    return value.strip().upper()


_CREDIT_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")


def validate_credit_code(value, *, with_facts: bool = True) -> IdentityCheck:
    """Validate a 统一社会信用代码 (length, character set, check character); memoised per string.

    Facts (read-only mapping, empty unless ``with_facts``): ``registration_authority`` /
    ``organisation_category`` (Chinese names, ``None`` when the code is outside GB 32100's tables),
    ``region_code``, ``organisation_code`` and ``organisation_code_check_ok`` (the GB 11714 check of
    characters 9–17, reported, not required).
    """
    if not isinstance(value, str):
        return IdentityCheck(False, "统一社会信用代码应为字符串", MappingProxyType({}))
    code = normalize_credit_code(value)
    if len(code) != 18:  # only well-sized strings are memoised
        return IdentityCheck(False, f"长度应为18位（当前 {len(code)} 位）", MappingProxyType({}))
    return _validate_credit_code(code, with_facts)


@lru_cache(maxsize=8192)
def _validate_credit_code(code: str, with_facts: bool) -> IdentityCheck:
    result = _check_credit_code(code, with_facts)
    return IdentityCheck(result.valid, result.reason, MappingProxyType(result.facts))


def _check_credit_code(code: str, with_facts: bool) -> IdentityCheck:
    if len(code) != 18:
        return IdentityCheck(False, f"长度应为18位（当前 {len(code)} 位）", {})
    if not _CREDIT_SHAPE.fullmatch(code):
        for position, char in enumerate(code, start=1):
            if char not in CREDIT_VALUES:
                return IdentityCheck(
                    False, f"第{position}位“{char}”不是允许的字符（只能是数字和除 I、O、S、V、Z 以外的大写字母）", {}
                )
    if credit_check_char(code[:17]) != code[17]:
        return IdentityCheck(False, "校验码错误", {})
    if not with_facts:
        return IdentityCheck(True, None, {})
    authority = REGISTRATION_AUTHORITIES.get(code[0])
    category = ORGANISATION_CATEGORIES.get(code[0], {}).get(code[1])
    return IdentityCheck(
        True,
        None,
        {
            "registration_authority": authority,
            "organisation_category": category,
            "region_code": code[2:8],
            "organisation_code": code[8:17],
            "organisation_code_check_ok": _organisation_code_ok(code[8:17]),
        },
    )
