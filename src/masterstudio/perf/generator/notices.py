"""Step: the decisions, public notices and objections."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from masterstudio.notices.models import Evidence, Notice, NoticeEntry, Objection
from masterstudio.notices.period import notice_days
from masterstudio.perf import files
from masterstudio.perf.generator.context import BATCH
from masterstudio.reviews.models import Decision


class NoticeSteps:
    """Step: the decisions, public notices and objections. Mixed into ``Generator``."""

    def notices(self):

        c = self.c
        decisions, entries_by_key = [], {}
        rank_by_round: dict[int, int] = {}
        for index, application in enumerate(c.apps):
            plan = c.plans[index]
            path = plan["path"]
            if "evaluation" not in path or path[-1] == "evaluation" and index % 2:
                continue
            after = path[path.index("evaluation") + 1] if path[-1] != "evaluation" else None
            propose = after in ("proposed",) or after is None
            rank_by_round[application.round_id] = rank_by_round.get(application.round_id, 0) + 1
            published = "on_notice" in path or after == "rejected"
            decisions.append(
                Decision(
                    application=application,
                    outcome="propose" if propose else "reject",
                    rank=rank_by_round[application.round_id] if propose else None,
                    reason="综合评议排名靠前，材料、考察与专家评审均符合要求"
                    if propose
                    else "综合评议得分低于拟认定线",
                    decided_by=c.staff["approver"],
                    published_at=self._notice_time(plan["key"]) if published else None,
                )
            )
            if "on_notice" in path:
                entries_by_key.setdefault(plan["key"], []).append(application)
        Decision.objects.bulk_create(decisions, batch_size=BATCH)

        notices, entries = [], []
        c.notice_at = {}
        for key, applications in entries_by_key.items():
            published = self._notice_time(key)
            try:
                days = notice_days(timezone.localdate(published))
            except Exception:  # a year the holiday calendar does not know: plain weekdays
                days, d = [], timezone.localdate(published)
                while len(days) < 5:
                    if d.weekday() < 5:
                        days.append(d)
                    d += timedelta(days=1)
            round_ = c.rounds[key]
            notice = Notice(
                round=round_,
                title=f"{round_.year}年度经开区技能大师工作室拟认定名单公示",
                published_at=published,
                starts_on=days[0],
                ends_on=days[-1],
                days=[d.isoformat() for d in days],
                how_to_object="对公示对象有异议的，请在公示期内实名提出，并附联系方式和证明材料。",
                published_by=c.staff["approver"],
                closed_at=None if key == "current" else published + timedelta(days=9),
            )
            notices.append((notice, applications))
            c.notice_at[key] = published
        Notice.objects.bulk_create([n for n, _ in notices])
        for notice, applications in notices:
            for position, application in enumerate(applications, start=1):
                state = "recognised" if application.state == "recognised" else "listed"
                entries.append(
                    NoticeEntry(
                        notice=notice,
                        application=application,
                        position=position,
                        unit_name=application.unit.name,
                        occupation=application.occupation_name,
                        leader_name=application.leader.name,
                        state=state,
                    )
                )
            self.event(
                "notice.published",
                notice.published_at,
                obj=notice,
                actor=c.staff["approver"],
                clause="10",
                data={"round": notice.round_id, "entries": [a.pk for a in applications], "days": notice.days},
            )
        NoticeEntry.objects.bulk_create(entries, batch_size=BATCH)
        # objections: most on past notices (decided), a few on the running one (open, the entry frozen)
        objections, evidence = [], []
        current = [e for e in entries if e.notice.round_id == c.rounds["current"].pk]
        past = [e for e in entries if e.notice.round_id != c.rounds["current"].pk]
        for n in range(c.scale.objections):
            live = n % 4 == 0 and current
            entry = c.rng.choice(current if live else (past or current))
            filed = entry.notice.published_at + timedelta(days=1, hours=n % 8)
            if filed > c.now:
                filed = c.now - timedelta(hours=1)
            decided = not live and entry.notice.closed_at is not None
            objections.append(
                Objection(
                    entry=entry,
                    receipt=f"YY{entry.notice.round.year}{c.seed:02d}{n + 1:05d}",
                    name=self.name(),
                    contact=f"137{c.rng.randint(0, 99_999_999):08d}",
                    content="反映该工作室领办人实际不在生产一线岗位工作，请核实。",
                    filed_at=filed,
                    state="dismissed" if decided else "received",
                    investigation="经实地核实，领办人在一线岗位工作，考勤记录完整" if decided else "",
                    reply="经调查核实，异议不成立" if decided else "",
                    handled_by=c.staff["reviewer"] if decided else None,
                    decided_at=filed + timedelta(days=3) if decided else None,
                )
            )
            if live:
                entry.state = "frozen"
        Objection.objects.bulk_create(objections, batch_size=BATCH)
        NoticeEntry.objects.filter(pk__in=[e.pk for e in entries if e.state == "frozen"]).update(state="frozen")
        for objection in objections:
            content = files.pdf(f"异议证明材料\n{objection.receipt}")
            token = uuid.UUID(int=c.rng.getrandbits(128)).hex
            path = self.store(f"objections/{timezone.localtime(objection.filed_at):%Y/%m}/{token}.pdf", content)
            evidence.append(
                Evidence(
                    objection=objection,
                    token=token,
                    file=path,
                    kind="pdf",
                    original_name="证明材料.pdf",
                    size=len(content),
                    sha256=files.sha256(content),
                )
            )
        Evidence.objects.bulk_create(evidence, batch_size=BATCH)
        c.principals["notice"] = next(
            (n.pk for n, _ in notices if n.round_id == c.rounds["current"].pk), notices[0][0].pk if notices else None
        )
        c.counts.update(
            decisions=len(decisions), notices=len(notices), notice_entries=len(entries), objections=len(objections)
        )
