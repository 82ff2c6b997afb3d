"""The notification outbox written in one insert and sent after commit with one claim (issue 9):
every row is written, every e-mail goes out once, and a failed e-mail stays in the outbox."""
from __future__ import annotations

from unittest import mock

import pytest
from django.db import transaction

from masterstudio.core import notify as outbox
from masterstudio.core.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cast):
    for name in ("unit_a", "unit_b", "reviewer"):
        cast[name].email = f"{name}@example.cn"
        cast[name].save()
    cast["approver"].email = ""  # no address: the bell only
    cast["approver"].save()
    return cast


def test_a_transaction_sends_all_its_mail_after_commit(people, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            outbox.notify([people["unit_a"], people["unit_a"], people["approver"]], "unit_decided",
                          {"unit": people["unit_a"].unit})
            outbox.notify([people["unit_b"]], "unit_decided", {"unit": people["unit_b"].unit})
            assert mailoutbox == []  # nothing before commit
    assert len([c for c in callbacks if isinstance(c, outbox._Outbox)]) == 1  # one sender for the transaction
    assert sorted(m.to[0] for m in mailoutbox) == ["unit_a@example.cn", "unit_b@example.cn"]
    rows = list(Notification.objects.order_by("pk"))
    assert [r.recipient_id for r in rows] == [people["unit_a"].pk, people["approver"].pk, people["unit_b"].pk]
    assert rows[0].emailed_at and rows[2].emailed_at and rows[1].emailed_at is None and rows[1].email_to == ""


def test_notify_many_keeps_the_order_and_one_row_per_recipient(people):
    unit = people["unit_a"].unit
    created = outbox.notify_many([([people["unit_a"], people["unit_b"]], "unit_decided", {"unit": unit}, "/u/"),
                                  ([], "unit_decided", {}, ""),
                                  ([people["reviewer"]], "unit_decided", {"unit": people["unit_b"].unit}, None)])
    assert [n.recipient_id for n in created] == [people["unit_a"].pk, people["unit_b"].pk, people["reviewer"].pk]
    assert [n.url for n in Notification.objects.order_by("pk")] == ["/u/", "/u/", ""]
    assert outbox.notify_many([]) == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_mail_goes_at_once(people, mailoutbox):
    created = outbox.notify([people["unit_a"], people["approver"]], "unit_decided", {"unit": people["unit_a"].unit})
    assert [m.to for m in mailoutbox] == [["unit_a@example.cn"]]
    mailed, bell_only = (Notification.objects.get(pk=n.pk) for n in created)
    assert mailed.emailed_at is not None and bell_only.emailed_at is None
    assert outbox.send_pending() == 0  # nothing left to send twice


def test_a_rolled_back_notification_is_neither_kept_nor_sent(people, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.notify([people["unit_a"]], "unit_decided", {"unit": people["unit_a"].unit})
            with pytest.raises(ValueError):
                with transaction.atomic():
                    outbox.notify([people["unit_b"]], "unit_decided", {"unit": people["unit_b"].unit})
                    raise ValueError("refused")
    assert [m.to for m in mailoutbox] == [["unit_a@example.cn"]]
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [people["unit_a"].pk]


def test_each_row_is_claimed_once(people, mailoutbox):
    notes = [Notification.objects.create(recipient=people[name], key="k", title="标题", body="内容",
                                         email_to=f"{name}@example.cn") for name in ("unit_a", "unit_b")]
    assert outbox._claim([notes[0].pk, 999999]) == {notes[0].pk}  # a missing row is not claimed
    assert outbox._claim([notes[0].pk]) == set()  # claimed already
    assert outbox.send_pending() == 1 and [m.to for m in mailoutbox] == [["unit_b@example.cn"]]
    assert outbox.send_pending() == 0


def test_a_failed_mail_stays_in_the_outbox(people, mailoutbox):
    note = Notification.objects.create(recipient=people["unit_a"], key="k", title="标题", body="内容",
                                       email_to="unit_a@example.cn")
    with mock.patch("masterstudio.core.notify.send_mail", side_effect=OSError("连接被拒绝")):
        assert outbox.send_pending() == 0
    note.refresh_from_db()
    assert note.emailed_at is None and "连接被拒绝" in note.email_error
    assert outbox.send_pending([note.pk]) == 1 and len(mailoutbox) == 1
