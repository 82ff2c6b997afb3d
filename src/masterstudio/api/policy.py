"""The policy calculator over HTTP: ``POST /api/policy/NAME`` (contract: policy-api.md).

No login. A computed answer is 200; a question the engine cannot answer is 400 with the
contract's error object. The OpenAPI document describes each question's body."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from ninja import Router

from masterstudio.api import bounds
from masterstudio.catalog import engine
from masterstudio.core.ratelimit import hit
from masterstudio.policy.errors import PolicyInputError

router = Router(tags=["政策计算器"])

QUESTIONS = ("eligibility", "retirement", "deadline", "funding", "identity")

_DATE = {"type": "string", "format": "date", "example": "2026-06-30"}
_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "enum": [
                        "invalid_json",
                        "invalid_input",
                        "unknown_occupation",
                        "identity_mismatch",
                        "calendar_year_unknown",
                        "policy_expired",
                    ],
                },
                "field": {"type": ["string", "null"]},
                "message": {"type": "string"},
            },
            "required": ["code", "field", "message"],
        }
    },
    "required": ["error"],
}
BODIES = {
    "eligibility": {
        "type": "object",
        "properties": {
            "as_of": _DATE,
            "unit": {"type": "object"},
            "leader": {"type": "object"},
            "team": {"type": "array", "items": {"type": "object"}},
            "existing_studios": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["as_of", "unit", "leader"],
    },
    "retirement": {
        "type": "object",
        "properties": {
            "birth_date": _DATE,
            "gender": {"type": "string", "enum": ["male", "female"]},
            "original_retirement_age": {"type": ["integer", "null"], "enum": [50, 55, None]},
            "id_number": {"type": "string"},
        },
    },
    "deadline": {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": ["public_notice", "annual_summary", "workdays"]},
            "start": _DATE,
            "year": {"type": "integer"},
            "count": {"type": "integer", "minimum": 1},
        },
        "required": ["kind"],
    },
    "funding": {
        "type": "object",
        "properties": {
            "as_of": _DATE,
            "recognized_on": _DATE,
            "revoked_on": {"type": ["string", "null"], "format": "date"},
            "assessments": {"type": "array", "items": {"type": "object"}},
            "titles": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["as_of", "recognized_on"],
    },
    "identity": {"type": "object", "properties": {"id_number": {"type": "string"}, "credit_code": {"type": "string"}}},
}
SUMMARIES = {
    "eligibility": "申报条件自测（第4–7、9、20条）",
    "retirement": "法定退休日期（渐进式延迟法定退休年龄）",
    "deadline": "期限：公示期、年度总结截止日、工作日",
    "funding": "资助、奖励与追回（第13–15条）",
    "identity": "身份证号、统一社会信用代码校验",
}
PUBLIC_CALCULATOR_LIMIT = (120, 60)  # requests per address per minute


def answer(name: str, body: bytes) -> tuple[int, dict]:
    try:
        payload = bounds.load(body)  # size, depth, numbers, strings and years bounded (issue 21.10)
    except PolicyInputError as exc:
        return 400, exc.to_dict()
    try:
        return 200, engine.ask(name, payload)
    except PolicyInputError as exc:
        return 400, exc.to_dict()


def _endpoint(name: str):
    def view(request: HttpRequest):
        allowed, retry = hit("policy-api", request.META.get("REMOTE_ADDR") or "", *PUBLIC_CALCULATOR_LIMIT)
        if not allowed:
            response = JsonResponse(
                {"error": {"code": "rate_limited", "field": None, "message": f"请求过于频繁，请 {retry} 秒后再试"}},
                status=429,
            )
            response["Retry-After"] = str(retry)
            return response
        try:
            body = bounds.read_body(request)
        except PolicyInputError as exc:
            return JsonResponse(exc.to_dict(), status=400, json_dumps_params={"ensure_ascii": False})
        status, data = answer(name, body)
        return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})

    view.__name__ = f"policy_{name}"
    return view


for _name in QUESTIONS:
    router.add_api_operation(
        f"/{_name}",
        ["POST"],
        _endpoint(_name),
        summary=SUMMARIES[_name],
        operation_id=f"policy_{_name}",
        openapi_extra={
            "requestBody": {"required": True, "content": {"application/json": {"schema": BODIES[_name]}}},
            "responses": {
                "200": {"description": "计算结果", "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": {"description": "输入有误", "content": {"application/json": {"schema": _ERROR}}},
                "429": bounds.RATE_LIMITED_RESPONSE,
            },
        },
    )
