"""Vocational skill levels (职业技能等级), lowest first.

学徒工 < 五级/初级工 < 四级/中级工 < 三级/高级工 < 二级/技师 < 一级/高级技师 < 特级技师 < 首席技师.
The numbers of the five-level system run backwards: 一级 is the highest of the five. The old
国家职业资格一级/二级 certificates map to 高级技师/技师. "技师及以上" (Art. 5(二)) = technician and above.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SkillLevel:
    code: str
    rank: int
    label: str  # the usual name, as written on a certificate
    grade: str | None  # the 五级 grade name, None outside the five levels

    @property
    def full_label(self) -> str:
        return f"{self.grade}/{self.label}" if self.grade else self.label


LEVELS: tuple[SkillLevel, ...] = (
    SkillLevel("apprentice", 0, "学徒工", None),
    SkillLevel("junior", 1, "初级工", "五级"),
    SkillLevel("intermediate", 2, "中级工", "四级"),
    SkillLevel("senior", 3, "高级工", "三级"),
    SkillLevel("technician", 4, "技师", "二级"),
    SkillLevel("senior_technician", 5, "高级技师", "一级"),
    SkillLevel("special_technician", 6, "特级技师", None),
    SkillLevel("chief_technician", 7, "首席技师", None),
)

CODES: tuple[str, ...] = tuple(level.code for level in LEVELS)
_BY_CODE = {level.code: level for level in LEVELS}

# Names found on certificates and in forms, mapped to the codes.
_ALIASES = {
    "学徒工": "apprentice",
    "学徒": "apprentice",
    "五级": "junior",
    "初级工": "junior",
    "初级": "junior",
    "国家职业资格五级": "junior",
    "四级": "intermediate",
    "中级工": "intermediate",
    "中级": "intermediate",
    "国家职业资格四级": "intermediate",
    "三级": "senior",
    "高级工": "senior",
    "国家职业资格三级": "senior",
    "二级": "technician",
    "技师": "technician",
    "国家职业资格二级": "technician",
    "一级": "senior_technician",
    "高级技师": "senior_technician",
    "国家职业资格一级": "senior_technician",
    "特级技师": "special_technician",
    "首席技师": "chief_technician",
}


def level(code: str) -> SkillLevel:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown skill level {code!r}; one of {', '.join(CODES)}") from None


def is_level(code) -> bool:
    return isinstance(code, str) and code in _BY_CODE


def rank(code: str) -> int:
    return level(code).rank


def label(code: str) -> str:
    """``"technician"`` → ``"二级/技师"``."""
    return level(code).full_label


def at_least(code: str, minimum: str) -> bool:
    return rank(code) >= rank(minimum)


def parse(text: str) -> str | None:
    """A code or a Chinese name (``"高级技师"``, ``"二级"``, ``"二级/技师"``) → code, or ``None``."""
    if not isinstance(text, str):
        return None
    cleaned = text.strip()
    if cleaned in _BY_CODE:
        return cleaned
    if cleaned in _ALIASES:
        return _ALIASES[cleaned]
    for part in cleaned.replace("／", "/").split("/"):
        if part.strip() in _ALIASES:
            return _ALIASES[part.strip()]
    return None


def choices_text() -> str:
    return "、".join(f"{lvl.code}（{lvl.full_label}）" for lvl in LEVELS)
