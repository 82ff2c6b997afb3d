"""The award (Art. 10, Art. 14): recognition creates the studio with its title and nameplate
number and the initial grant, exactly once."""
from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from masterstudio.applications.models import AppState, Application
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core.events import appended_together, record_event
from masterstudio.core.transitions import TransitionError
from masterstudio.funding.services import FundingError, award_grant, lock_row
from masterstudio.studios.models import Studio

TITLE = "经开区技能大师工作室"


class AwardError(Exception):
    """A refused recognition; ``str(exc)`` says in Chinese why."""


def nameplate_prefix(year: int) -> str:
    return f"经开技大〔{year}〕"


def _next_nameplate(year: int) -> str:
    prefix = nameplate_prefix(year)
    last = (Studio.objects.filter(nameplate_no__startswith=prefix).order_by("-nameplate_no")
            .values_list("nameplate_no", flat=True).first())
    number = int(last[len(prefix):].rstrip("号")) + 1 if last else 1
    return f"{prefix}{number:03d}号"


def studio_name(application: Application) -> str:
    return f"{application.leader.name}{application.occupation_name}技能大师工作室"


def recognise(application: Application, actor=None, *, now: datetime | None = None) -> Studio:
    """Recognise an application whose public notice ended without a standing objection: the
    application becomes 已认定, the Studio is created with title 经开区技能大师工作室 and the next
    nameplate number, and the Art. 14 initial grant is approved through the funding service.
    All of it in one transaction; a second call is refused and pays nothing."""
    from masterstudio.notices.models import NoticeEntry
    from masterstudio.notices.services import mark_recognised, recognition_block

    now = now or timezone.now()
    on: date = timezone.localdate(now)
    with transaction.atomic(), appended_together():
        app = lock_row(Application, application.pk, related=("unit", "leader", "branch"))
        existing = Studio.objects.filter(application=app).first()
        if existing is not None:
            raise AwardError(f"该申报已于 {existing.recognized_on:%Y-%m-%d} 认定为工作室（铭牌编号 {existing.nameplate_no}），不能重复认定")
        if app.state != AppState.ON_NOTICE:
            raise AwardError(f"申报当前状态为“{app.get_state_display()}”，只有公示期满且无异议的申报才能认定")
        entry = NoticeEntry.objects.select_related("notice").filter(application=app).first()
        refusal = recognition_block(app, now, entry=entry)
        if refusal:
            raise AwardError(refusal)
        try:
            APPLICATION_MACHINE.apply(app, AppState.RECOGNISED, actor=actor, reason="公示期满无异议，授予称号和铭牌")
        except TransitionError as exc:
            raise AwardError(str(exc)) from exc
        studio = None
        for _ in range(5):  # two recognitions at once may reach for the same number: take the next
            try:
                with transaction.atomic():
                    studio = Studio.objects.create(
                        application=app, unit=app.unit, branch=app.branch, leader=app.leader,
                        occupation_code=app.occupation_code, occupation_name=app.occupation_name,
                        name=studio_name(app), title=TITLE, nameplate_no=_next_nameplate(on.year),
                        recognized_on=on, leader_key=app.leader_key, scope_key=app.scope_key,
                    )
                break
            except IntegrityError as exc:
                if Studio.objects.filter(application=app).exists():
                    raise AwardError("该申报已被认定，不能重复认定") from exc
                if Studio.objects.filter(leader_key=app.leader_key, state__in=["active", "rectification"]).exists():
                    raise AwardError("该领办人已领办一个经开区技能大师工作室（第7条），不能再认定") from exc
                if Studio.objects.filter(scope_key=app.scope_key, state__in=["active", "rectification"]).exists():
                    raise AwardError("同一单位（分厂/分公司）相同职业已有工作室（第7条），不能再认定") from exc
        if studio is None:
            raise AwardError("铭牌编号分配冲突，请稍后重试")
        try:
            grant = award_grant(studio, "initial", on=on, actor=actor,
                                basis=f"首次认定为{TITLE}（第14条），铭牌编号 {studio.nameplate_no}")
        except FundingError as exc:
            raise AwardError(str(exc)) from exc
        mark_recognised(app, actor=actor, entry=entry)
        record_event("studio.recognised", obj=studio, actor=actor, clause="10", to_state=studio.state,
                     reason="公示期满无异议，授予“经开区技能大师工作室”称号和铭牌",
                     data={"application": app.pk, "nameplate_no": studio.nameplate_no,
                           "recognized_on": on.isoformat(), "grant": grant.pk, "amount": str(grant.amount),
                           "grant_clause": grant.clause})
        from masterstudio.core.notify import notify
        from masterstudio.reviews.services import unit_recipients

        notify(unit_recipients(app), "application_recognised", {"application": app, "studio": studio, "grant": grant},
               url=f"/studios/{studio.pk}/certificate.pdf")
    return studio
