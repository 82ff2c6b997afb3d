"""Races (issue 8, item 8): two people — or one person's double click — doing the same thing at the
same moment leave exactly one record. Threads released together by a barrier, each with its own
database connection; runs on SQLite and on PostgreSQL (CI runs both).

Covered elsewhere, and listed in docs/security.md: double submission
(tests/applications/test_races.py), double recognition (tests/studios/test_award.py), double
disbursement (tests/funding/test_disbursement.py), concurrent repayments
(tests/recoveries/test_races.py), two staff deciding at once (tests/reviews/test_reviews.py).
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.db import connections
from django.test import Client

from masterstudio.core.events import verify_chain
from masterstudio.core.models import Event
from masterstudio.funding import services as funding
from masterstudio.funding.models import Grant, StudioTitle
from masterstudio.notices.models import Notice, NoticeEntry
from tests.factories import selecting as f
from tests.factories.money import published_grade
from tests.factories.studio_life import make_studio

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(*calls):
    """Run each call in its own thread, released at the same instant; returns their outcomes
    ("ok", or the refusal's message, or the unexpected exception's type and message)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            result = call()
            outcomes[index] = ("ok", result)
        except Exception as exc:  # the refusals are asserted by the tests
            outcomes[index] = (type(exc).__name__, str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_double_publication_publishes_one_notice(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    round_ = application.round
    outcomes = together(lambda: f.published(round_, cast["approver"]), lambda: f.published(round_, cast["approver"]))
    assert [o[0] for o in outcomes].count("ok") == 1, outcomes
    refused = next(o for o in outcomes if o[0] != "ok")
    assert refused[0] == "NoticeError" and "没有待公示" in refused[1]
    assert Notice.objects.count() == 1 and NoticeEntry.objects.count() == 1
    assert verify_chain()[1] is None


def test_double_click_on_publish_over_http_publishes_once(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    url = f"/notices/manage/rounds/{application.round_id}/publish/"

    def click():
        client = Client()
        client.force_login(cast["approver"])
        return client.post(url, {"title": ""}).status_code

    outcomes = together(click, click)
    assert [o for o in outcomes] == [("ok", 302), ("ok", 302)], outcomes
    assert Notice.objects.count() == 1 and NoticeEntry.objects.count() == 1


def test_double_excellent_reward_creates_one_grant(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    published_grade(studio, 2025)

    def reward():
        return funding.award_grant(
            studio,
            "excellent",
            on=date(2026, 1, 15),
            year=2025,
            actor=cast["approver"],
            basis="2025 年度绩效考核等次为优秀",
        ).pk

    outcomes = together(reward, reward)
    assert all(o[0] == "ok" for o in outcomes), outcomes  # idempotent: the second gets the first's record
    assert outcomes[0][1] == outcomes[1][1]
    assert Grant.objects.filter(studio=studio, kind="excellent", year=2025).count() == 1
    assert Event.objects.filter(action__startswith="grant.", object_id=str(outcomes[0][1])).count() >= 1


def test_double_title_reward_creates_one_title_and_one_grant(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])

    def record():
        title, grant = funding.record_title(
            studio, "national", document_no="人社部函〔2026〕1号", awarded_on=date(2026, 3, 1), actor=cast["approver"]
        )
        return grant.pk

    outcomes = together(record, record)
    assert sum(1 for o in outcomes if o[0] == "ok") >= 1, outcomes
    for outcome in outcomes:  # the other either gets the same record or is refused with a message
        assert outcome[0] in ("ok", "FundingError", "AlreadyRecorded"), outcome
        assert outcome[0] != "AlreadyRecorded" or outcome[1].startswith("已登记"), outcome
    assert StudioTitle.objects.filter(studio=studio, level="national").count() == 1
    assert Grant.objects.filter(studio=studio, kind="national").count() == 1


def test_double_click_on_disburse_over_http_pays_once(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    grant = studio.grants.get(kind="initial")
    url = f"/funding/{grant.pk}/disburse/"

    def click():
        client = Client()
        client.force_login(cast["finance"])
        session = client.session
        session["reauth_at"] = time.time()
        session.save()
        return client.post(
            url, {"amount": str(grant.amount), "paid_on": "2024-07-01", "voucher_no": "CZ-9"}
        ).status_code

    outcomes = together(click, click)
    assert sorted(o[1] for o in outcomes) == [302, 400], outcomes
    grant.refresh_from_db()
    assert grant.disbursements.count() == 1 and grant.state == "disbursed"
