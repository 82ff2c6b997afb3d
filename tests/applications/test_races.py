"""Art. 7 under concurrency: two tabs or two people submitting at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from masterstudio.applications import services
from masterstudio.applications.models import Application, AppState
from tests.factories import make_user
from tests.factories.applications import make_people, ready_application


def _submit_together(pairs):
    """Run services.submit for each (application id, user) in its own thread, released together."""
    barrier = threading.Barrier(len(pairs))
    outcomes = [None] * len(pairs)

    def run(index, app_id, user):
        try:
            barrier.wait(timeout=10)
            services.submit(app_id, actor=user)
            outcomes[index] = "ok"
        except services.ApplyError as exc:
            outcomes[index] = exc.messages
        except Exception as exc:  # anything else is a failure of the test, reported with its type
            outcomes[index] = f"{type(exc).__name__}: {exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, app_id, user)) for i, (app_id, user) in enumerate(pairs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_for_one_leader_let_exactly_one_through(cast, unit_a):
    leader, team = make_people(unit_a)
    second_user = make_user("unit_a_hr2", "unit", unit=unit_a)
    first = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    second = ready_application(unit_a, second_user, first.round, leader=leader, team=team, occupation_code="6-18-01-02")
    outcomes = _submit_together([(first.pk, cast["unit_a"]), (second.pk, second_user)])
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    refused = next(o for o in outcomes if o != "ok")
    assert isinstance(refused, list), refused
    assert any("第7" in m for m in refused), refused
    assert Application.objects.filter(state=AppState.SUBMITTED, leader=leader).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tabs_submitting_the_same_draft_submit_once(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    outcomes = _submit_together([(app.pk, cast["unit_a"]), (app.pk, cast["unit_a"])])
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    app.refresh_from_db()
    assert app.version == 1
    assert app.snapshots.count() == 1
