"""Two finance staff recording the same repayment at once, two approvers publishing at once:
the row locks let one through and refuse the other; nothing is paid or rewarded twice."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from masterstudio.recoveries import services
from masterstudio.recoveries.models import Repayment
from tests.factories import make_user
from tests.factories.studio_life import make_studio

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # the refusal is the outcome under test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_concurrent_repayments_never_exceed_what_is_owed(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"], finance=cast["finance"], paid=True)
    recovery = services.revoke(
        studio, cause="other", evidence="单位注销", decision="撤销", actor=cast["approver"]
    ).recovery
    second = make_user("finance2", "staff", duties=["finance"])
    today = timezone.localdate()
    outcomes = run_together(
        lambda: services.record_repayment(
            recovery, amount="150000", paid_on=today, voucher_no="TH-A", actor=cast["finance"]
        ),
        lambda: services.record_repayment(recovery, amount="150000", paid_on=today, voucher_no="TH-B", actor=second),
    )
    refused = [o for o in outcomes if isinstance(o, services.RecoveryError)]
    assert len(refused) == 1 and "超过尚欠金额 50,000.00 元" in str(refused[0])
    assert sum(r.amount for r in Repayment.objects.all()) == Decimal("150000.00")
