"""The simulated year of the benchmark, on a few applications: every step goes through the
services and ends where a real year ends."""

from __future__ import annotations

import pytest

from masterstudio.applications.models import Application
from masterstudio.core.events import verify_chain
from masterstudio.funding.models import Grant
from masterstudio.perf import simulate
from masterstudio.studios.models import Studio

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_simulated_year_recognises_assesses_and_pays():
    result = simulate.run(12, 6, log=lambda *a: None)
    assert result["recognised"] == 6 and result["award_errors"] == []
    assert Studio.objects.count() == 6 and Grant.objects.filter(kind="initial").count() == 6
    states = dict(result["states"])
    assert states["recognised"] == 6 and sum(states.values()) == 12 == Application.objects.count()
    assert result["assessed"] == 6 and result["reward_errors"] == []
    assert result["rewards"] == Grant.objects.filter(kind="excellent").count() >= 1
    assert result["rectifications"] >= 1
    assert verify_chain()[1] is None
    # every checklist line, state change and notification of the year is kept and sent
    from django.core import mail

    from masterstudio.core.models import Event, Notification
    from masterstudio.reviews.models import ReviewItem

    assert Event.objects.filter(action="review.item").count() == ReviewItem.objects.exclude(result="").count() > 12
    assert Event.objects.filter(action="application.submitted").count() == 12
    assert Event.objects.filter(action="panel.opened").count() == Event.objects.filter(action="panel.drawn").count()
    mailed = Notification.objects.exclude(email_to="")
    assert mailed.exists() and not mailed.filter(emailed_at__isnull=True).exists()
    assert len(mail.outbox) == mailed.count()


@pytest.mark.postgres
def test_the_same_year_with_three_actors_at_once_ends_the_same_way():
    """Three forked processes per step (each its own connection): the same outcome as one after
    another, an unbroken audit chain, and no expert past the yearly cap."""
    from django.db.models import Count

    from masterstudio.experts.models import Assignment, Expert

    result = simulate.run(24, 12, log=lambda *a: None, actors=3)
    assert result["actors"] == 3 and result["award_errors"] == [] and result["reward_errors"] == []
    states = dict(result["states"])
    assert states["recognised"] == 12 == result["recognised"] and sum(states.values()) == 24
    assert states.get("rejected", 0) == 12
    assert result["assessed"] == 12 and result["rewards"] >= 1 and result["rectifications"] >= 1
    assert Studio.objects.count() == 12 and Grant.objects.filter(kind="initial").count() == 12
    assert verify_chain()[1] is None
    from masterstudio.core.models import Event

    assert Event.objects.filter(action="application.submitted").count() == 24
    loads = Assignment.objects.values("expert_id", "panel__year").annotate(n=Count("id"))
    caps = dict(Expert.objects.values_list("pk", "max_per_year"))
    assert all(row["n"] <= caps[row["expert_id"]] for row in loads)


def test_a_failure_in_an_actor_is_raised_with_its_traceback():
    def work(chunk):
        if 3 in chunk:
            raise ValueError("第3件出错")
        return chunk

    assert sorted(simulate.in_parallel(work, [1, 2], 1)) == [1, 2]
    with pytest.raises(RuntimeError, match="第3件出错"):
        simulate.in_parallel(work, [1, 2, 3, 4], 2)
