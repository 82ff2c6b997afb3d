"""What every write of the applying capability shares: the refusal, the editable states, the row
lock, who may edit, the recipients of a notice and the material items."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from masterstudio.accounts.models import User
from masterstudio.applications.models import Application, AppState
from masterstudio.core.roles import Role
from masterstudio.policy.eligibility import required_materials

EDITABLE_STATES = (AppState.DRAFT, AppState.SUPPLEMENT)

# Evidence for the unit's conditions (Art. 4); Art. 9 items come from the engine's answer.
EVIDENCE_ITEMS = {
    "4.1": "依法经营证明（营业执照等）",
    "4.2": "技能人才梯队情况",
    "4.3": "技能人才培养、评价、选拔、使用和激励制度",
    "4.4": "资金支持、场所设备及工作室管理制度证明",
}


SECTION_ITEMS = {
    "scope": "申报主体",
    "leader": "领办人信息",
    "occupation": "职业（工种）与技能等级",
    "team": "团队成员",
    "conditions": "单位条件（第4条）",
}


class ApplyError(Exception):
    """A refused action; ``messages`` are Chinese, each saying what to fix."""

    def __init__(self, messages: str | Iterable[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("；".join(self.messages))


# What a staff step on a submitted application never reads: the wizard's draft and copy report,
# the stored pre-check (review asks the engine again) and the round's guide; left unread (a read
# would still fetch them) they spare the lock decoding the widest columns.
STAFF_UNREAD = ("draft", "copy_report", "precheck", "round__guide")


SUBMIT_UNREAD = ("copy_report", "precheck", "round__guide")  # submission asks the engine again


def locked(application_id: int, *, unread: tuple[str, ...] = (), also: tuple[str, ...] = ()) -> Application:
    """The application's row, locked for this transaction (only that row: a FOR UPDATE over a
    join would also lock the round and the unit in an order that can deadlock). ``also``: further
    related rows read in the same query (not locked)."""
    rows = Application.objects.select_for_update(of=("self",)).select_related(
        "round", "unit", "leader", "branch", *also
    )
    return (rows.defer(*unread) if unread else rows).get(pk=application_id)


def ensure_editable(application: Application, actor) -> None:
    if actor.role != Role.UNIT or actor.unit_id != application.unit_id:
        raise ApplyError("申报由单位账号填报")
    if application.state not in EDITABLE_STATES:
        raise ApplyError(f"申报当前为“{application.get_state_display()}”，内容已冻结，不能修改")
    if application.state == AppState.DRAFT and not application.round.is_open():
        raise ApplyError(
            f"申报批次“{application.round.title}”已于 "
            f"{timezone.localtime(application.round.closes_at):%Y-%m-%d %H:%M} 截止，不能再填报（第8条）"
        )


def material_items(application: Application) -> list[dict]:
    """The items a unit uploads for: Art. 4 evidence, then the Art. 9 items of the route chosen
    in the wizard, as the engine lists them."""
    items = [{"clause": k, "title": v, "required": False, "note": ""} for k, v in EVIDENCE_ITEMS.items()]
    direct = bool((application.precheck or {}).get("direct_recognition"))
    items += [
        {"clause": m["clause"], "title": m["title"], "required": True, "note": m.get("note", "")}
        for m in required_materials(application.route, direct)
    ]
    return items


def unit_recipients(application: Application):
    """Who hears what is told to the applying unit: ``User.unit_recipients``, the one rule of every
    notice to a unit (its unit and leader accounts), as a query."""
    return User.unit_recipients([application.unit_id])


def reviewers():
    return User.staff_with("reviewer")


def settings_max_mb() -> int:
    return settings.UPLOAD_MAX_BYTES // (1024 * 1024)
