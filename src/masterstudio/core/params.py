"""Query-string parameters, parsed by type (issue 21.10): every list page reads its filters through
these functions, so no value a browser can send — a NUL byte, a 5,000-digit number, a year 9999 —
reaches the database as something it cannot hold. A value that cannot be what the parameter is
answers 400 with a Chinese message naming the parameter (``BadParameter`` is Django's
``BadRequest``, rendered by ``core.errorpages.error_400``); an empty value is the default.

``RefuseNulMiddleware`` refuses NUL bytes (and other C0 control characters but tab and newlines)
in the path, the query string and form fields of every request before any view runs: PostgreSQL
cannot store them in text and SQLite compares them differently, and no person types them.
"""

from __future__ import annotations

import re
from datetime import date

from django.http import HttpResponse

from masterstudio.core.errorpages import ShownBadRequest, error_400

# PostgreSQL's integer; every id and count the platform filters by fits in it
INT_MAX = 2_147_483_647
# the years a filter may name: the programme's records start under the former Measures
YEAR_MIN, YEAR_MAX = 2000, 2100
TEXT_MAX = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadParameter(ShownBadRequest):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def _raw(params, name: str) -> str:
    value = params.get(name, "")
    return value if isinstance(value, str) else str(value)


def text(params, name: str, *, default: str = "", max_length: int = TEXT_MAX, label: str = "") -> str:
    """A search term or free text: stripped, at most ``max_length`` characters, no control characters."""
    value = _raw(params, name).strip()
    if not value:
        return default
    if _CONTROL.search(value):
        raise BadParameter(name, f"查询条件“{label or name}”含有不可见的控制字符，请删除后重新查询")
    if len(value) > max_length:
        raise BadParameter(name, f"查询条件“{label or name}”过长：最多 {max_length} 个字符，当前 {len(value)} 个")
    return value


def integer(
    params, name: str, *, default: int | None = None, minimum: int = 1, maximum: int = INT_MAX, label: str = ""
) -> int | None:
    """A whole number between ``minimum`` and ``maximum`` (an id: 1 … 2,147,483,647)."""
    value = _raw(params, name).strip()
    if not value:
        return default
    # at most 12 characters are read as a number: a longer one is out of range whatever its digits
    if len(value) > 12 or not re.fullmatch(r"-?\d+", value):
        raise BadParameter(name, f"查询条件“{label or name}”应为 {minimum} 至 {maximum} 之间的整数")
    number = int(value)
    if not minimum <= number <= maximum:
        raise BadParameter(name, f"查询条件“{label or name}”应为 {minimum} 至 {maximum} 之间的整数")
    return number


def year(params, name: str = "year", *, default: int | None = None, label: str = "年度") -> int | None:
    return integer(params, name, default=default, minimum=YEAR_MIN, maximum=YEAR_MAX, label=label)


def choice(params, name: str, choices, *, default: str = "", label: str = "") -> str:
    """One of ``choices`` (values, or (value, label) pairs); an unknown value answers 400."""
    value = text(params, name, default="", max_length=64, label=label)
    if not value:
        return default
    allowed = [c[0] if isinstance(c, (tuple, list)) else c for c in choices]
    if value not in allowed:
        raise BadParameter(name, f"查询条件“{label or name}”的取值“{value}”无效")
    return value


def flag(params, name: str) -> bool:
    """A check box: present and not empty."""
    return bool(text(params, name, max_length=16))


def page(params, name: str = "page") -> int:
    """The page number for ``Paginator.get_page`` (past the last page shows the last)."""
    return integer(params, name, default=1, minimum=1, maximum=1_000_000, label="页码")


def day(params, name: str, *, default: date | None = None, label: str = "") -> date | None:
    value = text(params, name, max_length=10, label=label)
    if not value:
        return default
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, f"查询条件“{label or name}”应为日期，如 2026-01-31") from None
    if not YEAR_MIN <= parsed.year <= YEAR_MAX:
        raise BadParameter(name, f"查询条件“{label or name}”的年份应在 {YEAR_MIN} 至 {YEAR_MAX} 之间")
    return parsed


def _has_control(value: str) -> bool:
    return bool(_CONTROL.search(value))


class RefuseNulMiddleware:
    """400 for a request whose path, query string or form fields hold control characters."""

    MESSAGE = "请求中含有不可见的控制字符（如 NUL），无法处理：请检查输入的内容后重试"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._refused(request):
            if request.headers.get("HX-Request") or request.path.startswith("/api/"):
                return HttpResponse(self.MESSAGE, status=400, content_type="text/plain; charset=utf-8")
            return error_400(request, BadParameter("", self.MESSAGE))
        return self.get_response(request)

    def _refused(self, request) -> bool:
        if _has_control(request.path) or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        for values in request.GET.lists():
            if _has_control(values[0]) or any(_has_control(v) for v in values[1]):
                return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method == "POST" and content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            try:
                fields = request.POST.lists()
            except Exception:  # a malformed body: the view's own parsing answers for it
                return False
            for key, values in fields:
                if _has_control(key) or any(_has_control(v) for v in values):
                    return True
        return False
