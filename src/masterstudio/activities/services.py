"""Writes for activities (Art. 17): the bureau publishes, studios sign up and report their own."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from masterstudio.accounts.models import Role
from masterstudio.activities.models import Activity, ActivityPhoto, ActivityState, Signup, StudioActivity
from masterstudio.activities.states import ACTIVITY_MACHINE
from masterstudio.core.events import record_event
from masterstudio.core.formvalues import set_values
from masterstudio.core.locks import lock_row
from masterstudio.core.transitions import TransitionError
from masterstudio.core.uploads import PHOTO_KINDS, check_upload
from masterstudio.funding.services import FundingError


class ActivityError(FundingError):
    pass


#: what the bureau fills in for an activity (the form's fields)
ACTIVITY_FIELDS = ("title", "kind", "description", "location", "starts_at", "ends_at", "signup_deadline", "capacity")


def save_activity(activity: Activity | None, *, values: dict, actor) -> Activity:
    """Create an activity (``activity`` None) or change a draft, with the checked ``values``."""
    with transaction.atomic():
        created = activity is None or activity.pk is None
        activity = Activity() if created else lock_row(Activity, activity.pk)
        set_values(activity, values, ACTIVITY_FIELDS)
        if created:
            activity.created_by = actor
        activity.save()
        record_event("activity.created" if created else "activity.edited", obj=activity, actor=actor, clause="17")
    return activity


def change_state(activity: Activity, target: str, *, actor, reason: str = "") -> Activity:
    try:
        ACTIVITY_MACHINE.apply(activity, target, actor=actor, reason=reason)
    except TransitionError as exc:
        raise ActivityError(str(exc)) from exc
    return activity


def sign_up(activity: Activity, studio, *, participants: str, contact: str, actor) -> Signup:
    names = [line.strip() for line in (participants or "").splitlines() if line.strip()]
    if not names:
        raise ActivityError("请填写参加人员，每行一人", field="participants")
    if not (contact or "").strip():
        raise ActivityError("请填写联系人及电话", field="contact")
    if studio.unit_id != actor.unit_id:
        raise ActivityError("只能为本单位的工作室报名", field="studio")
    with transaction.atomic():
        activity = lock_row(Activity, activity.pk)
        if activity.state != ActivityState.PUBLISHED:
            raise ActivityError("该活动未发布或已取消，不能报名")
        if timezone.now() > activity.signup_deadline:
            raise ActivityError(f"报名已于 {timezone.localtime(activity.signup_deadline):%Y-%m-%d %H:%M} 截止")
        if activity.capacity:
            taken = sum(activity.signups.values_list("headcount", flat=True))
            if taken + len(names) > activity.capacity:
                raise ActivityError(
                    f"名额不足：共 {activity.capacity} 人，已报 {taken} 人，剩余 {activity.capacity - taken} 人",
                    field="participants",
                )
        try:
            with transaction.atomic():
                signup = Signup.objects.create(
                    activity=activity,
                    studio=studio,
                    participants="\n".join(names),
                    headcount=len(names),
                    contact=contact.strip(),
                    created_by=actor,
                )
        except IntegrityError:
            raise ActivityError("本工作室已报名该活动，如需调整人员请联系社会事业局", field="studio") from None
        record_event(
            "activity.signup",
            obj=activity,
            actor=actor,
            clause="17",
            data={"studio": studio.pk, "headcount": len(names)},
        )
    return signup


def report_activity(studio, *, data: dict, photos, actor) -> StudioActivity:
    if studio.unit_id != actor.unit_id:
        raise ActivityError("只能填报本单位工作室的活动", field="studio")
    if data.get("kind") == "apprentice" and not (data.get("apprentices") or "").strip():
        raise ActivityError("传技带徒请填写带徒名单，每行一人", field="apprentices")
    if data["held_on"] > timezone.localdate():
        raise ActivityError("活动日期不能晚于今天；尚未举办的活动请举办后再填报", field="held_on")
    photos = list(photos or [])
    for photo in photos:
        try:
            check_upload(photo, kinds=PHOTO_KINDS, label="照片")
        except Exception as exc:
            raise ActivityError(getattr(exc, "messages", [str(exc)])[0], field="photos") from exc
    with transaction.atomic():
        report = StudioActivity.objects.create(studio=studio, reported_by=actor, **data)
        for photo in photos:
            ActivityPhoto.objects.create(activity=report, image=photo, original_name=photo.name)
        record_event(
            "studio_activity.reported",
            obj=report,
            actor=actor,
            clause="17",
            data={"studio": studio.pk, "kind": report.kind, "participants": report.participants, "photos": len(photos)},
        )
    return report


def withdraw_signup(signup: Signup, *, actor) -> None:
    """The unit takes back its studio's sign-up, up to the sign-up deadline; the event keeps what
    was withdrawn (the row goes, so the places are free again and the studio may sign up anew)."""
    if actor.role != Role.UNIT or actor.unit_id != signup.studio.unit_id:
        raise ActivityError("只有报名的工作室所在单位可以撤回报名")
    with transaction.atomic():
        activity = lock_row(Activity, signup.activity_id)
        current = Signup.objects.select_for_update().filter(pk=signup.pk).first()
        if current is None:
            raise ActivityError("该报名已撤回")
        if timezone.now() > activity.signup_deadline:
            raise ActivityError(
                f"报名已于 {timezone.localtime(activity.signup_deadline):%Y-%m-%d %H:%M} 截止，不能再撤回；"
                "如不能参加，请联系社会事业局"
            )
        if activity.state != ActivityState.PUBLISHED:
            raise ActivityError("该活动已取消，无需撤回报名")
        record_event(
            "activity.signup_withdrawn",
            obj=activity,
            actor=actor,
            clause="17",
            data={"studio": current.studio_id, "headcount": current.headcount},
        )
        current.delete()


def mark_attendance(activity: Activity, came: dict[int, list[str]], *, actor) -> list[Signup]:
    """Staff record who of each studio's named participants came (``came``: signup id → the names
    that came; a sign-up not listed: nobody came). Allowed once the activity has begun; marking
    again corrects it (each time an event)."""
    if actor is None or not any(actor.has_duty(d) for d in ("reviewer", "approver")):
        raise ActivityError("只有具有审核或审批职责的工作人员可以登记出勤")
    now = timezone.now()
    with transaction.atomic():
        activity = lock_row(Activity, activity.pk)
        if activity.state != ActivityState.PUBLISHED:
            raise ActivityError("该活动未发布或已取消，不能登记出勤")
        if now < activity.starts_at:
            raise ActivityError(
                f"活动 {timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M} 开始，开始后才能登记出勤"
            )
        signups = list(activity.signups.select_for_update().select_related("studio").order_by("pk"))
        known = {s.pk for s in signups}
        strange = sorted(set(came) - known)
        if strange:
            raise ActivityError("所登记的报名不属于该活动，请刷新页面后重试")
        for signup in signups:
            names = signup.names
            chosen = [n for n in names if n in set(came.get(signup.pk, []))]
            unknown = [n for n in came.get(signup.pk, []) if n not in names]
            if unknown:
                raise ActivityError(f"{signup.studio.name}：{'、'.join(unknown)} 不在报名名单中")
            signup.attended_names = "\n".join(chosen)
            signup.attended = len(chosen)
            signup.attendance_marked_at, signup.attendance_marked_by = now, actor
        Signup.objects.bulk_update(
            signups, ["attended_names", "attended", "attendance_marked_at", "attendance_marked_by"]
        )
        record_event(
            "activity.attendance",
            obj=activity,
            actor=actor,
            clause="17",
            data={
                "attended": {str(s.studio_id): s.attended for s in signups},
                "people": sum(s.attended for s in signups),
            },
        )
    return signups
