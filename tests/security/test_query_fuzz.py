"""Issue 21.10: no 500 from any query-string or path input. Every list page (every GET pattern
without path arguments, and the pages with a year or round in the path) is asked for the query
parameters it reads — found by recording what the page asks of ``request.GET`` — and each is sent
with NUL bytes, out-of-range integers, a 5,000-digit number and impossible dates; every answer is
a page (2xx/3xx) or a 400 naming the problem in Chinese, never a server error. The same for NUL
bytes in path arguments and in the autosave body. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from tests.security.test_access_matrix import EXPECT, NOT_DEPLOYED, kwargs_for, spec, url_patterns

BAD_VALUES = ["a\x00b", "9" * 30, "-99999999999", "2147483648", "9" * 5000, "9999-99-99", "0"]
FIXED = {"accounts:logout", "accounts:login_verify", "accounts:login_enrol"}


def _viewer(name: str) -> str | None:
    """The first role the access matrix says opens the page (200)."""
    expected = spec(EXPECT[name][0])
    for role in (
        "reviewer",
        "approver",
        "finance",
        "auditor",
        "unit_a",
        "leader_own",
        "expert_in",
        "evaluator_in",
        "anon",
    ):
        if expected.get(role) == 200:
            return role
    return None


def _read_parameters(client, url) -> set[str]:
    seen: set[str] = set()
    methods = {m: getattr(QueryDict, m) for m in ("get", "__getitem__", "getlist", "__contains__")}

    def record(method):
        def wrapped(self, key, *args, **kwargs):
            if self is getattr(_current, "GET", None):
                seen.add(key)
            return method(self, key, *args, **kwargs)

        return wrapped

    from django.core.handlers import base

    original = base.BaseHandler._get_response

    def capture(handler, request):
        _current.GET = request.GET
        return original(handler, request)

    try:
        for name, method in methods.items():
            setattr(QueryDict, name, record(method))
        base.BaseHandler._get_response = capture
        client.get(url)
    finally:
        for name, method in methods.items():
            setattr(QueryDict, name, method)
        base.BaseHandler._get_response = original
        _current.GET = None
    return seen


class _Current:
    GET = None


_current = _Current()


def _pages(objects):
    for name, pattern in url_patterns():
        if name in NOT_DEPLOYED or name in FIXED or name.startswith("api:"):
            continue
        converters = set(pattern.pattern.converters)
        if converters - {"year", "round_pk", "round_id"}:
            continue
        if EXPECT[name][1] == "" or (EXPECT[name][1] is not None and "405" in EXPECT[name][0]):
            continue
        viewer = _viewer(name)
        if viewer is None:
            continue
        yield name, reverse(name, kwargs=kwargs_for(name, pattern, objects)), viewer


@pytest.mark.django_db
def test_no_query_parameter_value_causes_a_server_error(world, unit_a, cast):
    from django.utils import timezone

    objects = dict(world["objects"], unit_a=unit_a, unit_a_user=cast["unit_a"], today=timezone.localdate())
    clients = {}
    failures, asked = [], 0
    for name, url, viewer in _pages(objects):
        if viewer not in clients:
            clients[viewer] = Client(raise_request_exception=False)
            if world["users"][viewer] is not None:
                clients[viewer].force_login(world["users"][viewer])
        client = clients[viewer]
        parameters = _read_parameters(client, url) | {"q", "page"}
        for parameter in sorted(parameters):
            for value in BAD_VALUES:
                response = client.get(url, {parameter: value})
                asked += 1
                if response.status_code >= 500:
                    failures.append(f"{url}?{parameter}={value[:12]!r} ({name}, {viewer}): {response.status_code}")
                elif response.status_code == 400 and not response.headers.get("HX-Request"):
                    body = response.content.decode("utf-8", "replace")
                    if "查询条件" not in body and "控制字符" not in body:
                        failures.append(f"{url}?{parameter}={value[:12]!r} ({name}): 400 without a message")
    assert asked > 500, asked
    assert not failures, f"{len(failures)} 个查询参数导致服务器错误：\n" + "\n".join(failures)


@pytest.mark.django_db
def test_a_list_filter_out_of_range_answers_400_in_chinese(world):
    client = Client()
    client.force_login(world["users"]["reviewer"])
    for url in (
        "/applications/manage/?round=99999999999999999999",
        "/summaries/?year=99999",
        "/funding/?year=99999999999999999999",
        "/studios/?q=a%00b",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        page = response.content.decode()
        assert "请求有误" in page and ("查询条件" in page or "控制字符" in page), url


@pytest.mark.django_db
def test_nul_bytes_in_paths_and_autosave_are_refused(world, cast):
    o = world["objects"]
    anonymous = Client(raise_request_exception=False)
    for url in ("/notices/objections/AB%00CD/", "/studios/%00/", "/notices/%00/", "/accounts/login/%00"):
        assert anonymous.get(url).status_code in (400, 404), url
    client = Client(raise_request_exception=False)
    client.force_login(cast["unit_a"])
    response = client.post(
        f"/applications/{o['application_b'].pk}/autosave/", {"leader_phone": "138\x000000"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
