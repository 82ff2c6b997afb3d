"""Bounds on what the policy API reads (issue 21.10), before the engine sees it: the body's size,
its nesting depth, the size of its numbers, the length of its strings and the years of its dates.
Anything outside answers the contract's error object (400, ``invalid_input`` or ``invalid_json``,
``field`` the dotted path where known) instead of a server error or an HTML page.

``load(body)`` is the one parser of a request body; ``RATE_LIMITED`` is the documented 429 body."""

from __future__ import annotations

import json
import re

from masterstudio.policy.errors import INVALID_INPUT, INVALID_JSON, PolicyInputError

MAX_BODY_BYTES = 64 * 1024  # a full eligibility question with a large team is a few kilobytes
MAX_DEPTH = 16  # the deepest question nests objects in arrays in objects (4 levels)
MAX_NUMBER_CHARS = 20  # digits (and sign, point, exponent) of one JSON number
MAX_INTEGER = 10**15
MAX_STRING = 2000
MAX_ITEMS = 1000  # entries of one array or object
YEAR_MIN, YEAR_MAX = 1900, 2100
_DATE = re.compile(r"^(\d{4,})-(\d{2})-(\d{2})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

RATE_LIMITED = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "enum": ["rate_limited"]},
                "field": {"type": "null"},
                "message": {"type": "string"},
            },
            "required": ["code", "field", "message"],
        }
    },
    "required": ["error"],
}
RATE_LIMITED_RESPONSE = {
    "description": "请求过于频繁（每个地址每分钟的次数有限），请按 Retry-After 所示秒数后再试",
    "headers": {"Retry-After": {"description": "可再次请求前需等待的秒数", "schema": {"type": "string"}}},
    "content": {"application/json": {"schema": RATE_LIMITED}},
}


class _TooLarge(Exception):
    pass


def _number(text: str):
    if len(text.lstrip("-")) > MAX_NUMBER_CHARS:
        raise _TooLarge(text)
    return _Number(text)


def _depth_ok(text: str) -> bool:
    """The nesting depth without parsing (json.loads recurses; a deep body would exhaust the stack)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif char in "]}":
            depth -= 1
    return True


def _error(code: str, field: str | None, message: str) -> PolicyInputError:
    return PolicyInputError(code, field, message)


def read_body(request) -> bytes:
    """The request body, read only when its declared length is within bounds (a longer one is
    refused without being read into memory): PolicyInputError otherwise."""
    from django.core.exceptions import RequestDataTooBig

    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise _too_large(declared)
    try:
        return request.body
    except RequestDataTooBig:
        raise _too_large(declared) from None


def _too_large(size: int) -> PolicyInputError:
    return _error(
        INVALID_INPUT,
        None,
        f"请求内容过大：最多 {MAX_BODY_BYTES // 1024} KB" + (f"，当前约 {size // 1024} KB" if size else ""),
    )


def load(body: bytes):
    """The payload of a request body, or PolicyInputError (the contract's 400)."""
    if len(body) > MAX_BODY_BYTES:
        raise _too_large(len(body))
    try:
        text = body.decode("utf-8") if body else ""
    except UnicodeDecodeError as exc:
        raise _error(INVALID_JSON, None, f"请求内容不是有效的 UTF-8 编码的 JSON：{exc}") from None
    if not _depth_ok(text):
        raise _error(INVALID_INPUT, None, f"请求内容嵌套过深：最多 {MAX_DEPTH} 层")
    try:
        payload = json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_refuse_constant)
    except _TooLarge as exc:
        raise _error(
            INVALID_INPUT, None, f"数字过长（{len(str(exc))} 位）：每个数字最多 {MAX_NUMBER_CHARS} 位"
        ) from None
    except json.JSONDecodeError as exc:
        raise _error(INVALID_JSON, None, f"请求内容不是有效的 JSON：{exc}") from None
    return _convert(payload, "")


def _refuse_constant(name: str):
    raise _error(INVALID_JSON, None, f"请求内容不是有效的 JSON：不支持 {name}")


def _convert(value, path: str):
    """Numbers kept as text by the parser become int/float within bounds; strings, dates, sizes checked."""
    where = path or None
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            raise _error(INVALID_INPUT, where, f"“{path or '请求'}”的字段过多：最多 {MAX_ITEMS} 个")
        return {key: _convert(item, f"{path}.{key}" if path else key) for key, item in value.items()}
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            raise _error(INVALID_INPUT, where, f"“{path}”的条目过多：最多 {MAX_ITEMS} 条")
        return [_convert(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, _Number):
        return value.value(path)
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise _error(INVALID_INPUT, where, f"“{path}”过长：最多 {MAX_STRING} 个字符")
        if _CONTROL.search(value):
            raise _error(INVALID_INPUT, where, f"“{path}”含有不可见的控制字符（如 NUL），请删除")
        match = _DATE.match(value)
        if match and not YEAR_MIN <= int(match.group(1)) <= YEAR_MAX:
            raise _error(INVALID_INPUT, where, f"“{path}”的年份应在 {YEAR_MIN} 至 {YEAR_MAX} 年之间")
    return value


class _Number:
    def __init__(self, text: str):
        self.text = text

    def value(self, path: str):
        if re.fullmatch(r"-?\d+", self.text):
            number = int(self.text)
            if abs(number) > MAX_INTEGER:
                raise _error(INVALID_INPUT, path or None, f"“{path}”的数值过大：绝对值最多 {MAX_INTEGER}")
            return number
        number = float(self.text)
        if number != number or abs(number) > MAX_INTEGER:
            raise _error(INVALID_INPUT, path or None, f"“{path}”的数值过大：绝对值最多 {MAX_INTEGER}")
        return number
