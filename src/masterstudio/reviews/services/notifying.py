"""Telling the applying unit: its recipients, and the ``then`` callbacks of the application machine."""

from __future__ import annotations

from django.urls import reverse

from masterstudio.accounts.models import User
from masterstudio.applications.models import Application
from masterstudio.core.notify import notify, notify_many


def unit_recipients(application: Application):
    return User.unit_recipients([application.unit_id])


def notify_unit(key: str, **context):
    """A ``then`` callback for ``APPLICATION_MACHINE.apply``: tells the unit (in the same transaction)."""

    def callback(application, event):
        notify(
            unit_recipients(application),
            key,
            {"application": application, "reason": event.reason, "clause": event.clause, **context},
            url=reverse("applications:detail", args=[application.pk]),
        )

    return callback


def notify_units(key: str, **context):
    """A ``then`` callback for ``APPLICATION_MACHINE.apply_many``: :func:`notify_unit` for each
    application, the recipients of every unit read with one query and the rows written with one."""

    def callback(applications, events):
        accounts = User.unit_recipients_by_unit({a.unit_id for a in applications})
        notify_many(
            [
                (
                    accounts.get(application.unit_id, []),
                    key,
                    {"application": application, "reason": event.reason, "clause": event.clause, **context},
                    reverse("applications:detail", args=[application.pk]),
                )
                for application, event in zip(applications, events, strict=False)
            ]
        )

    return callback
