"""Steps: the notifications and the audit trail (a real hash chain)."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.contrib.contenttypes.models import ContentType

from masterstudio.core.events import _actor_label
from masterstudio.core.models import ChainHead, Event, Notification
from masterstudio.perf.generator.context import BATCH


class AuditSteps:
    """Steps: the notifications and the audit trail (a real hash chain). Mixed into ``Generator``."""

    def notifications(self):

        c = self.c
        rows = []
        for unit in c.units:
            for k in range(c.scale.notifications_per_unit):
                rows.append(
                    Notification(
                        recipient=c.unit_users[unit.pk],
                        key="application_state_changed",
                        title="申报状态已更新",
                        body="您的申报已进入下一审核环节，请登录平台查看。",
                        url="/applications/",
                        email_to=c.unit_users[unit.pk].email,
                        read_at=None if k == 0 else c.now - timedelta(days=k),
                        emailed_at=c.now - timedelta(days=k),
                    )
                )
        for user in c.staff.values():
            for _ in range(10):
                rows.append(
                    Notification(
                        recipient=user,
                        key="application_received",
                        title="收到新的申报",
                        body="有新的申报待审核。",
                        url="/applications/manage/",
                        email_to=user.email,
                        emailed_at=c.now,
                    )
                )
        Notification.objects.bulk_create(rows, batch_size=BATCH)
        c.counts["notifications"] = len(rows)

    def audit_trail(self):
        """Append the events, in time order, to the hash chain (continuing from its head), topped
        up with sign-ins and downloads to the scale's count."""

        c = self.c
        units = list(c.unit_users.values())
        top_up = max(0, c.scale.audit_events - len(c.events))
        for n in range(top_up):
            user = units[n % len(units)] if n % 3 else c.staff["reviewer"]
            at = c.now - timedelta(days=c.rng.randint(1, 1800), minutes=c.rng.randint(0, 600))
            if n % 2:
                self.event("login.succeeded", at, obj=user, actor=user, data={"ip": "10.1.2.3"})
            else:
                self.event("export.xlsx", at, actor=user, data={"what": "applications", "rows": c.rng.randint(10, 900)})
        c.events.sort(key=lambda e: e[0])
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
        seq, previous = head.seq, head.hash
        cts: dict = {}
        rows = []
        for at, action, obj, actor, from_state, to_state, reason, clause, data in c.events:
            seq += 1
            content_type = None
            if obj is not None:
                model = type(obj)
                if model not in cts:
                    cts[model] = ContentType.objects.get_for_model(model)
                content_type = cts[model]
            event = Event(
                seq=seq,
                at=at.astimezone(UTC),
                actor=actor,
                actor_label=_actor_label(actor),
                ip="10.1.2.3" if actor else None,
                action=action,
                content_type=content_type,
                object_id=str(obj.pk) if obj is not None else "",
                object_repr=str(obj)[:255] if obj is not None else "",
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                clause=clause,
                data=data,
                prev_hash=previous,
            )
            event.content_type_id = content_type.pk if content_type else None
            event.actor_id = actor.pk if actor is not None else None
            event.hash = event.compute_hash()
            previous = event.hash
            rows.append(event)
        Event.objects.bulk_create(rows, batch_size=BATCH)
        ChainHead.objects.filter(id=1).update(seq=seq, hash=previous)
        c.counts["events"] = len(rows)
