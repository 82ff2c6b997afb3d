"""The notification outbox written in one insert and sent after commit with one claim (issue 9):
every row is written, every e-mail goes out once, and a failed e-mail stays in the outbox. With
EMAIL_DELIVERY=worker the same rows are written and nothing is sent (the mail worker sends them)."""

from __future__ import annotations

import threading
import time
from unittest import mock

import pytest
from django.db import connections, transaction

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
            outbox.notify(
                [people["unit_a"], people["unit_a"], people["approver"]],
                "unit_decided",
                {"unit": people["unit_a"].unit},
            )
            outbox.notify([people["unit_b"]], "unit_decided", {"unit": people["unit_b"].unit})
            assert mailoutbox == []  # nothing before commit
    assert len([c for c in callbacks if isinstance(c, outbox._Outbox)]) == 1  # one sender for the transaction
    assert sorted(m.to[0] for m in mailoutbox) == ["unit_a@example.cn", "unit_b@example.cn"]
    rows = list(Notification.objects.order_by("pk"))
    assert [r.recipient_id for r in rows] == [people["unit_a"].pk, people["approver"].pk, people["unit_b"].pk]
    assert rows[0].emailed_at and rows[2].emailed_at and rows[1].emailed_at is None and rows[1].email_to == ""


def test_notify_many_keeps_the_order_and_one_row_per_recipient(people):
    unit = people["unit_a"].unit
    created = outbox.notify_many(
        [
            ([people["unit_a"], people["unit_b"]], "unit_decided", {"unit": unit}, "/u/"),
            ([], "unit_decided", {}, ""),
            ([people["reviewer"]], "unit_decided", {"unit": people["unit_b"].unit}, None),
        ]
    )
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
    notes = [
        Notification.objects.create(
            recipient=people[name], key="k", title="标题", body="内容", email_to=f"{name}@example.cn"
        )
        for name in ("unit_a", "unit_b")
    ]
    assert outbox._claim([notes[0].pk, 999999]) == {notes[0].pk}  # a missing row is not claimed
    assert outbox._claim([notes[0].pk]) == set()  # claimed already
    assert outbox.send_pending() == 1 and [m.to for m in mailoutbox] == [["unit_b@example.cn"]]
    assert outbox.send_pending() == 0


def test_a_failed_mail_stays_in_the_outbox(people, mailoutbox):
    note = Notification.objects.create(
        recipient=people["unit_a"], key="k", title="标题", body="内容", email_to="unit_a@example.cn"
    )
    with mock.patch("masterstudio.core.notify.send_mail", side_effect=OSError("连接被拒绝")):
        assert outbox.send_pending() == 0
    note.refresh_from_db()
    assert note.emailed_at is None and "连接被拒绝" in note.email_error
    assert outbox.send_pending([note.pk]) == 1 and len(mailoutbox) == 1


def test_a_failure_without_a_message_still_records_an_error(people):
    """An empty error would read as "never tried" and send the mail worker after the row again."""
    note = Notification.objects.create(
        recipient=people["unit_a"], key="k", title="标题", body="内容", email_to="unit_a@example.cn"
    )
    with mock.patch("masterstudio.core.notify.send_mail", side_effect=OSError()):
        assert outbox.send_pending() == 0
    note.refresh_from_db()
    assert note.emailed_at is None and note.email_error == "OSError()"


def _messages(people):
    return [
        ([people["unit_a"], people["approver"]], "unit_decided", {"unit": people["unit_a"].unit}, "/u/"),
        ([people["unit_b"]], "unit_decided", {"unit": people["unit_b"].unit}, None),
    ]


def _fields(notes):
    return [(n.recipient_id, n.key, n.title, n.body, n.url, n.email_to) for n in notes]


def test_in_worker_mode_a_transaction_only_writes_the_rows(
    people, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY = "after_commit"
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            after_commit = _fields(outbox.notify_many(_messages(people)))
    assert len(mailoutbox) == 2
    Notification.objects.all().delete()
    mailoutbox.clear()
    settings.EMAIL_DELIVERY = "worker"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            created = outbox.notify_many(_messages(people))
    assert not [c for c in callbacks if isinstance(c, outbox._Outbox)]  # no sender registered
    assert mailoutbox == []
    assert _fields(created) == _fields(Notification.objects.order_by("pk")) == after_commit  # same rows
    assert [(n.emailed_at, n.email_error) for n in Notification.objects.all()] == [(None, "")] * 3


@pytest.mark.django_db(transaction=True)
def test_in_worker_mode_outside_a_transaction_the_rows_wait_unclaimed(people, settings, mailoutbox):
    settings.EMAIL_DELIVERY = "worker"
    created = outbox.notify_many(_messages(people))
    assert mailoutbox == []
    waiting = Notification.objects.filter(emailed_at__isnull=True).exclude(email_to="")
    assert sorted(waiting.values_list("email_to", flat=True)) == ["unit_a@example.cn", "unit_b@example.cn"]
    assert [n.recipient_id for n in created] == [people["unit_a"].pk, people["approver"].pk, people["unit_b"].pk]
    assert outbox.send_fresh() == (2, False) and len(mailoutbox) == 2


@pytest.mark.django_db(transaction=True)
def test_two_claimers_of_the_same_rows_claim_each_row_once(people):
    """Two mail workers (or a worker and the daily command) on two servers: the second claim of the
    same ids runs while the first one's transaction is still open, and gets none of them."""
    ids = [
        Notification.objects.create(
            recipient=people["unit_a"], key="k", title="标题", body="内容", email_to="unit_a@example.cn"
        ).pk
        for _ in range(3)
    ]
    first_claimed, second_started = threading.Event(), threading.Event()
    claims = {}

    def first():
        try:
            with transaction.atomic():
                claims["first"] = outbox._claim(ids)
                first_claimed.set()
                second_started.wait(10)
                time.sleep(0.5)  # the second claim now waits for this transaction's row locks
        finally:
            first_claimed.set()
            connections.close_all()

    def second():
        try:
            first_claimed.wait(10)
            second_started.set()
            claims["second"] = outbox._claim(ids)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert claims == {"first": set(ids), "second": set()}
    assert Notification.objects.filter(pk__in=ids, emailed_at__isnull=False).count() == 3


def test_a_message_that_does_not_address_its_recipient_is_rendered_once(people, unit_a):
    """Rendering is the costly part of a notice: a message whose text does not use ``recipient``
    reads the same for each recipient and is rendered once; one that does is rendered for each."""
    assert outbox._personal("unit_decided") and not outbox._personal("application_rejected")
    users = [people["unit_a"], people["unit_b"], people["reviewer"]]
    with mock.patch.object(outbox, "render", wraps=outbox.render) as rendered:
        plain = outbox.notify(
            users,
            "application_rejected",
            {
                "application": mock.Mock(receipt_no="SB1", occupation_name="车工", unit=unit_a),
                "reason": "材料不全",
                "clause": "9",
            },
        )
        assert rendered.call_count == 1
        personal = outbox.notify(users, "unit_decided", {"unit": unit_a})
        assert rendered.call_count == 1 + len(users)
    assert len({(n.title, n.body) for n in plain}) == 1 and "材料不全" in plain[0].body
    assert len({n.body for n in personal}) == len(users)


def _rejected_context(unit):
    return {
        "application": mock.Mock(receipt_no="SB2", occupation_name="钳工", unit=unit),
        "reason": "不符合第5条",
        "clause": "5",
    }


def test_a_query_of_recipients_is_written_in_one_statement_and_mailed_after_commit(
    people, mailoutbox, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from masterstudio.accounts.models import User

    unit = people["unit_a"].unit
    query = User.objects.filter(pk__in=[people["unit_a"].pk, people["approver"].pk, people["reviewer"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            with django_assert_num_queries(1):
                created = outbox.notify(query, "application_rejected", _rejected_context(unit), "/a/")
            assert mailoutbox == []
    assert sorted(n.recipient_id for n in created) == sorted(u.pk for u in query)
    assert all(n.pk for n in created)
    rows = {n.recipient_id: n for n in Notification.objects.all()}
    assert set(rows) == {u.pk for u in query}
    assert {(n.key, n.url) for n in rows.values()} == {("application_rejected", "/a/")}
    assert "不符合第5条" in rows[people["unit_a"].pk].body
    assert rows[people["approver"].pk].email_to == "" and rows[people["approver"].pk].emailed_at is None
    assert sorted(m.to[0] for m in mailoutbox) == ["reviewer@example.cn", "unit_a@example.cn"]
    assert rows[people["unit_a"].pk].emailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_query_of_recipients_outside_a_transaction_is_claimed_and_sent(people, mailoutbox):
    from masterstudio.accounts.models import User

    query = User.objects.filter(pk__in=[people["unit_a"].pk, people["approver"].pk])
    outbox.notify(query, "application_rejected", _rejected_context(people["unit_a"].unit))
    assert [m.to for m in mailoutbox] == [["unit_a@example.cn"]]
    assert Notification.objects.get(recipient=people["unit_a"]).emailed_at is not None
    assert outbox.send_pending() == 0  # claimed: never sent twice


def test_a_query_of_recipients_in_worker_mode_waits_for_the_worker(people, settings, mailoutbox):
    from masterstudio.accounts.models import User

    settings.EMAIL_DELIVERY = "worker"
    outbox.notify(
        User.objects.filter(pk=people["unit_a"].pk), "application_rejected", _rejected_context(people["unit_a"].unit)
    )
    assert mailoutbox == [] and Notification.objects.get().emailed_at is None
    assert outbox.send_fresh() == (1, False) and len(mailoutbox) == 1
