"""Issue 21.10: the policy API bounds body size, nesting depth, number size, string length and the
years of dates, and answers the contract's error object — never a 500, never an HTML page; the 429
body is in the OpenAPI document."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from masterstudio.api import bounds

RETIREMENT = {"birth_date": "1975-03-08", "gender": "male", "original_retirement_age": None}


def _post(name: str, body: bytes):
    response = Client(raise_request_exception=False).post(
        f"/api/policy/{name}", data=body, content_type="application/json"
    )
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.status_code, response.json()


def _error_shape(data) -> dict:
    assert set(data) == {"error"} and set(data["error"]) == {"code", "field", "message"}
    assert data["error"]["code"] in ("invalid_json", "invalid_input")
    return data["error"]


@pytest.mark.django_db
def test_a_5000_digit_integer_is_refused_with_the_error_shape():
    body = b'{"kind": "workdays", "start": "2026-03-02", "count": ' + b"9" * 5000 + b"}"
    status, data = _post("deadline", body)
    assert status == 400
    assert "数字过长" in _error_shape(data)["message"]


@pytest.mark.django_db
def test_an_integer_beyond_the_bound_names_its_field():
    status, data = _post("deadline", json.dumps({"kind": "workdays", "start": "2026-03-02", "count": 10**18}).encode())
    assert status == 400
    error = _error_shape(data)
    assert error["code"] == "invalid_input" and error["field"] == "count"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, body, field",
    [
        ("retirement", dict(RETIREMENT, birth_date="9999-12-31"), "birth_date"),
        ("funding", {"as_of": "9999-01-01", "recognized_on": "2024-06-20"}, "as_of"),
        (
            "eligibility",
            {"as_of": "2026-06-30", "unit": {}, "leader": {"birth_date": "0001-01-01"}},
            "leader.birth_date",
        ),
    ],
)
def test_a_date_in_year_9999_is_refused_naming_the_field(name, body, field):
    status, data = _post(name, json.dumps(body).encode())
    assert status == 400
    error = _error_shape(data)
    assert error["code"] == "invalid_input" and error["field"] == field and "年份" in error["message"]


@pytest.mark.django_db
def test_deep_nesting_is_refused():
    depth = 5_000
    status, data = _post("eligibility", b'{"as_of": "2026-06-30", "unit": ' + b"[" * depth + b"]" * depth + b"}")
    assert status == 400
    assert "嵌套过深" in _error_shape(data)["message"]


@pytest.mark.django_db
def test_an_over_large_body_is_refused_as_json_without_being_read():
    body = json.dumps(dict(RETIREMENT, padding="x" * (3 * 1024 * 1024))).encode()
    status, data = _post("retirement", body)
    assert status == 400
    assert "请求内容过大" in _error_shape(data)["message"]


@pytest.mark.django_db
def test_a_nul_byte_in_a_string_is_refused():
    status, data = _post("retirement", json.dumps(dict(RETIREMENT, gender="ma\u0000le")).encode())
    assert status == 400 and _error_shape(data)["field"] == "gender"


@pytest.mark.django_db
def test_ordinary_questions_still_answer():
    status, data = _post("retirement", json.dumps(RETIREMENT).encode())
    assert status == 200 and "retirement_date" in json.dumps(data)
    assert bounds.load(b'{"a": [1, 2.5, {"b": -3}]}') == {"a": [1, 2.5, {"b": -3}]}


@pytest.mark.django_db
def test_the_429_body_is_in_the_openapi_document():
    document = Client().get("/api/openapi.json").json()
    for name in ("eligibility", "retirement", "deadline", "funding", "identity"):
        response = document["paths"][f"/api/policy/{name}"]["post"]["responses"]["429"]
        schema = response["content"]["application/json"]["schema"]
        assert schema["properties"]["error"]["properties"]["code"]["enum"] == ["rate_limited"]
        assert "Retry-After" in response["headers"]
