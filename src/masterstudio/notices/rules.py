"""The rules of an objection (Art. 10), in one place: the form checks them, the service refuses
what breaks them, and the pages state them from here (``OBJECTION_RULES``)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_EVIDENCE_FILES = 5

OBJECTION_NAME_MIN = 2  # a real name: not one character
OBJECTION_FACTS_MIN = 15  # characters of facts and reasons, blanks not counted
PLACEHOLDER_NAMES = frozenset({"匿名", "无名", "无名氏", "佚名", "不详", "某某", "群众", "网友", "市民", "知情人"})
_NAME = re.compile(r"^[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z·•. '-]*$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
OBJECTION_RULES = [
    f"以真实姓名提出（至少 {OBJECTION_NAME_MIN} 个字；匿名、化名不予受理）",
    "留下可联系的手机号或电子邮箱，仅供社会事业局核实和答复使用",
    f"写明异议的具体事实和理由（不少于 {OBJECTION_FACTS_MIN} 字），可上传证据材料（最多 {MAX_EVIDENCE_FILES} 个）",
]

HOW_TO_OBJECT = (
    "公示期间，任何单位和个人对公示名单有异议的，可在本页面点击“提出异议”：" + "；".join(OBJECTION_RULES) + "。"
    "匿名或无具体事实的异议不予受理。异议仅暂停所涉条目，其他条目不受影响。社会事业局调查核实后答复异议人。"
)


def objection_problems(*, name: str, contact: str, content: str) -> dict[str, str]:
    """What breaks the rules of an objection, by field (empty when it follows them)."""
    problems = {}
    name = (name or "").strip()
    if len(name) < OBJECTION_NAME_MIN or not _NAME.match(name) or name in PLACEHOLDER_NAMES:
        problems["name"] = f"请填写真实姓名（至少 {OBJECTION_NAME_MIN} 个字，不含数字和符号）；匿名异议不予受理"
    if not contact_kind(contact):
        problems["contact"] = "请填写有效的手机号（11 位，如 13900001111）或电子邮箱（如 name@example.com），用于答复"
    facts = re.sub(r"\s", "", content or "")
    if len(facts) < OBJECTION_FACTS_MIN:
        problems["content"] = f"请写明异议的具体事实和理由，不少于 {OBJECTION_FACTS_MIN} 字（现有 {len(facts)} 字）"
    return problems


def contact_kind(contact: str) -> str:
    """ "mobile" or "email" when ``contact`` is a valid mobile number or e-mail address, else ""."""
    text = (contact or "").strip()
    digits = re.sub(r"[\s-]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    if _MOBILE.match(digits):
        return "mobile"
    try:
        validate_email(text)
    except ValidationError:
        return ""
    return "email"
