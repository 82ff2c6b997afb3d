"""core.httpcache: a public page's identity is what it shows."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import RequestFactory

from masterstudio.core import httpcache, versions
from masterstudio.units.models import Unit


@pytest.fixture
def request_(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/notices/1/")
    request.user = AnonymousUser()
    return request


def test_equal_values_give_equal_identities_and_any_change_another(request_):
    context = {"rows": [{"name": "甲", "on": date(2026, 12, 1)}], "open": True}
    same = {"open": True, "rows": [{"on": date(2026, 12, 1), "name": "甲"}]}
    base = httpcache.identity(request_, "notices/detail.html", context)
    assert httpcache.identity(request_, "notices/detail.html", same) == base
    for changed in (
        {"rows": [{"name": "乙", "on": date(2026, 12, 1)}], "open": True},
        {"rows": [{"name": "甲", "on": date(2026, 12, 2)}], "open": True},
        {"rows": [{"name": "甲", "on": date(2026, 12, 1)}], "open": False},
        {"rows": [], "open": True},
    ):
        assert httpcache.identity(request_, "notices/detail.html", changed) != base
    assert httpcache.identity(request_, "notices/list.html", context) != base


def test_a_model_row_is_not_described_by_its_values(db):
    # a row could reach other rows while the template renders: the page is rendered as usual
    unit = Unit(name="甲公司")
    with pytest.raises(httpcache.Undescribable, match="公开页面的内容须以值传入"):
        httpcache.describe({"unit": unit})
    with pytest.raises(httpcache.Undescribable, match="object"):
        httpcache.describe([object()])


def test_a_staff_table_change_read_by_template_tags_moves_the_identity(request_, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hc"}}
    context = {"open": True}
    before = httpcache.identity(request_, "notices/list.html", context)
    topic = versions.topics_now()[0][0]  # the catalogue or the policy versions ({% param %})
    versions.bump(topic)
    assert httpcache.identity(request_, "notices/list.html", context) != before


def test_a_page_with_a_form_is_never_kept(request_, settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hc2"}}
    form = '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="mine"></form>'
    monkeypatch.setattr(httpcache.loader, "render_to_string", lambda *a, **k: form)
    response = httpcache.render_public(request_, "notices/detail.html", {"open": True})
    assert response.content.decode() == form and "ETag" not in response
    from django.core.cache import cache

    assert cache.get(f"page:{httpcache.identity(request_, 'notices/detail.html', {'open': True})}") is None


def test_a_post_is_never_served_a_kept_page():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/notices/1/")
    request.user = AnonymousUser()
    assert not httpcache.servable(request)
