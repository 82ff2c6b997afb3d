"""Reading untrusted JSON-like input field by field.

Every reader names the field by its dotted path (``leader.birth_date``, ``team.1.formal_employee``;
list positions count from 0) and raises ``invalid_input`` with a Chinese message saying what to put
there. ``null`` or an absent key means "not known yet" for facts; an empty or blank string is read
the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .dates import parse_date
from .errors import INVALID_INPUT, PolicyInputError

MISSING = object()


def join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def fail(path: str | None, message: str) -> PolicyInputError:
    return PolicyInputError(INVALID_INPUT, path, message)


def is_object(value: Any) -> bool:
    """A JSON object: a dict (the common case, checked first) or another Mapping."""
    return type(value) is dict or isinstance(value, Mapping)


def root_object(payload: Any, what: str) -> Mapping:
    if not is_object(payload):
        raise fail(None, f"{what}的输入应为 JSON 对象（{{...}}），收到 {type(payload).__name__}")
    return payload


def get(obj: Mapping | None, key: str) -> Any:
    return None if obj is None else obj.get(key)


def opt_object(obj: Mapping | None, key: str, path: str) -> Mapping | None:
    value = None if obj is None else obj.get(key)
    if value is None:
        return None
    if not is_object(value):
        raise fail(join(path, key), f"{join(path, key)} 应为对象（{{...}}）或 null")
    return value


def opt_list(obj: Mapping | None, key: str, path: str) -> list | None:
    value = get(obj, key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise fail(join(path, key), f"{join(path, key)} 应为列表（[...]）或 null")
    return value


def item_object(value: Any, path: str) -> Mapping:
    if not is_object(value):
        raise fail(path, f"{path} 应为对象（{{...}}）")
    return value


def opt_bool(obj: Mapping | None, key: str, path: str) -> bool | None:
    value = None if obj is None else obj.get(key)
    if value is None or value is True or value is False:
        return value
    raise fail(join(path, key), f"{join(path, key)} 应为 true 或 false（尚不知道时填 null），收到 {value!r}")


def opt_str(obj: Mapping | None, key: str, path: str, *, max_length: int = 200) -> str | None:
    value = None if obj is None else obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(join(path, key), f"{join(path, key)} 应为文字（字符串），收到 {value!r}")
    cleaned = value.strip()
    if len(cleaned) > max_length:
        raise fail(join(path, key), f"{join(path, key)} 过长（{len(cleaned)} 字），最多 {max_length} 字")
    return cleaned or None


def opt_int(obj: Mapping | None, key: str, path: str, *, minimum: int, maximum: int) -> int | None:
    value = get(obj, key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(join(path, key), f"{join(path, key)} 应为整数，收到 {value!r}")
    if not minimum <= value <= maximum:
        raise fail(join(path, key), f"{join(path, key)} 应在 {minimum}–{maximum} 之间，收到 {value}")
    return value


def opt_number(obj: Mapping | None, key: str, path: str, *, minimum: Decimal, maximum: Decimal) -> Decimal | None:
    """A JSON number (integer or decimal). A string is refused, even one of digits: ``"5"`` is not
    the number 5 in JSON, and a caller sending strings has mixed up its fields."""
    value = get(obj, key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(join(path, key), f"{join(path, key)} 应为数字（不加引号，如 5），收到 {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise fail(join(path, key), f"{join(path, key)} 应为数字，收到 {value!r}") from None
    if not number.is_finite() or not minimum <= number <= maximum:
        raise fail(join(path, key), f"{join(path, key)} 应在 {minimum}–{maximum} 之间，收到 {value}")
    return number


def opt_date(obj: Mapping | None, key: str, path: str) -> date | None:
    value = get(obj, key)
    if value is None:
        return None
    return parse_date(value, join(path, key))


def refuse_future_birth(day: date | None, field: str, *, today: date | None = None, source: str = "出生日期") -> None:
    """A birth date (typed, or read from an ID number) after today is a typing error, refused."""
    if day is None:
        return
    now = today or date.today()
    if day > now:
        raise fail(field, f"{source} {day.isoformat()} 晚于今天（{now.isoformat()}），不可能是出生日期；请核对")


# -- the fields each question knows ----------------------------------------------------------------
# A schema is {key: None (a value) | schema (an object) | [schema] (a list of objects)}. A key that is
# not in it is refused naming the field: a misspelt key would otherwise be read as "not known" and
# silently change the answer (``assesments`` dropping every assessment from a funding total).
ELIGIBILITY_FIELDS: dict = {
    "as_of": None,
    "unit": {
        k: None
        for k in (
            "name",
            "credit_code",
            "kind",
            "in_etown",
            "lawful_operation",
            "has_talent_pipeline",
            "has_talent_systems",
            "has_stable_funding",
            "has_facilities",
            "has_management_rules",
            "branch",
        )
    },
    "leader": {
        k: None
        for k in (
            "name",
            "id_number",
            "birth_date",
            "gender",
            "original_retirement_age",
            "employed",
            "frontline",
            "frontline_years",
            "occupation_code",
            "occupation_name",
            "skill_level",
            "honors",
            "practical_mastery",
        )
    },
    "team": [{k: None for k in ("name", "id_number", "formal_employee")}],
    "existing_studios": [
        {
            k: None
            for k in ("leader_id_number", "leader_name", "credit_code", "branch", "occupation_code", "occupation_name")
        }
    ],
}
FUNDING_FIELDS: dict = {  # with the imported record's figures (policy.funding.RECORD_FIELDS)
    "as_of": None,
    "recognized_on": None,
    "revoked_on": None,
    "initial_amount": None,
    "assessments": [{"year": None, "grade": None, "on": None, "amount": None}],
    "titles": [{"level": None, "on": None, "amount": None}],
}
QUESTION_FIELDS: dict[str, dict] = {
    "eligibility": ELIGIBILITY_FIELDS,
    "funding": FUNDING_FIELDS,
    "retirement": {"birth_date": None, "gender": None, "original_retirement_age": None, "id_number": None},
    "deadline": {"kind": None, "start": None, "year": None, "count": None},
    "identity": {"id_number": None, "credit_code": None},
}


def refuse_unknown_fields(value: Any, schema: Mapping, path: str = "") -> None:
    """Raise ``invalid_input`` naming the first key of ``value`` that ``schema`` does not know.

    Values of the wrong shape are left to the field readers, which say what they expected."""
    if not is_object(value):
        return
    for key, item in value.items():
        if key not in schema:
            where = join(path, key)
            close = difflib.get_close_matches(str(key), [str(k) for k in schema], n=1, cutoff=0.6)
            hint = f"是否应为 {join(path, close[0])}？" if close else ""
            known = "、".join(str(k) for k in schema)
            raise fail(where, f"不认识的字段 {where}：{hint}此处可用的字段为 {known}；请更正字段名或删除该字段")
        inner = schema[key]
        if isinstance(inner, Mapping):
            refuse_unknown_fields(item, inner, join(path, key))
        elif isinstance(inner, list) and isinstance(item, list):
            for index, element in enumerate(item):
                refuse_unknown_fields(element, inner[0], join(join(path, key), index))


def req(obj: Mapping, key: str, path: str, what: str) -> Any:
    value = obj.get(key)
    if value is None:
        raise fail(join(path, key), f"缺少 {join(path, key)}：请填写{what}")
    return value


def req_date(obj: Mapping, key: str, path: str, what: str) -> date:
    return parse_date(req(obj, key, path, what), join(path, key))


def opt_enum(obj: Mapping | None, key: str, path: str, choices: Mapping[str, str]) -> str | None:
    value = None if obj is None else obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value not in choices:
        listed = "、".join(f"{code}（{label}）" for code, label in choices.items())
        raise fail(join(path, key), f"{join(path, key)} 应为以下之一：{listed}；收到 {value!r}")
    return value


def req_enum(obj: Mapping, key: str, path: str, choices: Mapping[str, str], what: str) -> str:
    req(obj, key, path, what)
    return opt_enum(obj, key, path, choices)  # type: ignore[return-value]
