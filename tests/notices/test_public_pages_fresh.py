"""The public pages served by ``core.httpcache.render_public`` (the notice, the list of notices,
the public figures) are never answered from before a write that changes what they show: not from
the shared cache, not as a 304 to a browser holding the earlier ETag."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masterstudio.core import httpcache
from masterstudio.notices import closing
from masterstudio.notices import services as notices
from masterstudio.studios.models import Studio
from tests.factories import selecting as f

FACTS = "领办人不在一线岗位，申报材料所述工作年限与事实不符"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    # a cache that keeps the rendered pages (the tests' database-kept cache stores none)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fresh"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def renders(monkeypatch):
    """How many times a public page's template was rendered."""
    calls = []
    real = httpcache.loader.render_to_string

    def counting(name, context=None, request=None):
        calls.append(name)
        return real(name, context, request)

    monkeypatch.setattr(httpcache.loader, "render_to_string", counting)
    return calls


def _get(client, url, etag=None):
    return client.get(url, **({"HTTP_IF_NONE_MATCH": etag} if etag else {}))


def test_the_notice_is_served_from_the_cache_until_an_objection_freezes_a_line(cast, unit_a, unit_b, renders):
    a, b = f.two_proposed(cast, unit_a, unit_b)
    notice = f.published(a.round, cast["approver"], on=timezone.localdate().isoformat())
    url = reverse("notices:detail", args=[notice.pk])
    first = _get(Client(), url)
    assert first.status_code == 200 and first["Cache-Control"] == "public, no-cache"
    etag = first["ETag"]
    assert first.content.decode().count(">提出异议</a>") == 2
    # another visitor: the same bytes, the template not rendered again; the first visitor's browser: 304
    again = _get(Client(), url)
    assert again.content == first.content and renders == ["notices/detail.html"]
    assert _get(Client(), url, etag).status_code == 304

    entry = notice.entries.order_by("position").first()
    notices.file_objection(entry, name="李某", contact="13900001111", content=FACTS, now=timezone.now())

    for response in (_get(Client(), url, etag), _get(Client(), url)):
        assert response.status_code == 200 and response["ETag"] != etag
        page = response.content.decode()
        assert page.count("异议处理中") == 1 and page.count("公示中<") == 1


def test_the_notice_shows_its_close_and_the_recognition_at_once(cast, unit_a, unit_b):
    a, b = f.two_proposed(cast, unit_a, unit_b)
    notice = f.published(a.round, cast["approver"])  # 2026-09-28: its period has ended
    url = reverse("notices:detail", args=[notice.pk])
    before = _get(Client(), url)
    assert "公示期已结束" in before.content.decode() and "已认定" not in before.content.decode()
    closing.close_due(now=f.day_after(notice))
    after = _get(Client(), url, before["ETag"])
    assert after.status_code == 200 and after.content.decode().count("已认定") == 2


def test_the_list_of_notices_shows_a_new_notice_at_once(cast, unit_a, unit_b):
    a, b = f.two_proposed(cast, unit_a, unit_b)
    url = reverse("notices:list")
    before = _get(Client(), url)
    assert "当前没有正在公示的名单" in before.content.decode()
    notice = f.published(a.round, cast["approver"], on=timezone.localdate().isoformat())
    after = _get(Client(), url, before["ETag"])
    assert after.status_code == 200 and notice.title in after.content.decode()


def test_the_public_figures_follow_a_recognition(cast, unit_a, unit_b):
    a, b = f.two_proposed(cast, unit_a, unit_b)
    notice = f.published(a.round, cast["approver"])
    url = reverse("dashboards:public")
    before = _get(Client(), url)
    assert before.status_code == 200 and Studio.objects.count() == 0
    closing.close_due(now=f.day_after(notice))
    after = _get(Client(), url, before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert '<div class="stat" data-testid="public-studios">2</div>' in after.content.decode()


def test_signed_in_visitors_and_sessions_are_never_served_a_kept_page(cast, unit_a, unit_b, renders):
    a, b = f.two_proposed(cast, unit_a, unit_b)
    notice = f.published(a.round, cast["approver"], on=timezone.localdate().isoformat())
    url = reverse("notices:detail", args=[notice.pk])
    anonymous = _get(Client(), url)
    staff = Client()
    staff.force_login(cast["unit_a"])
    signed_in = _get(staff, url, anonymous["ETag"])
    assert signed_in.status_code == 200 and "ETag" not in signed_in
    assert signed_in["Cache-Control"] == "private, no-cache"
    assert cast["unit_a"].display_name in signed_in.content.decode()
    with_session = Client()
    with_session.cookies["sessionid"] = "someone-elses-or-expired"
    assert "ETag" not in _get(with_session, url)
    with_message = Client()
    with_message.cookies["messages"] = "a-message"
    assert "ETag" not in _get(with_message, url)
    assert renders.count("notices/detail.html") == 4
