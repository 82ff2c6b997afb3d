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
