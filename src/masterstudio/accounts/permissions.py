"""The view decorator for the bureau staff's duties (审核, 审批, 财务, 系统管理员, 安全审计员): it lives
with the ``Duty`` choices, whose labels its refusal names. The decorators that need no business
record (signed in, a role, bureau staff, a recent re-authentication) are ``core.permissions``."""

from __future__ import annotations

from masterstudio.accounts.models import SEPARATED_DUTIES, Duty
from masterstudio.core.permissions import require
from masterstudio.core.roles import Role


def duty_refusal(user, duties) -> str:
    """Why ``user`` may not do what needs one of ``duties``: the separation of duties for the system
    administrator and the auditor, else the duty the action needs (e.g. a reviewer deciding: 审批)."""
    if (
        user.role == Role.STAFF
        and any(d in SEPARATED_DUTIES for d in user.duties or [])
        and not any(d in SEPARATED_DUTIES for d in duties)
    ):
        return "您的岗位职责无权执行此操作（三员分立：系统管理员、审计员不办理业务）"
    needed = "或".join(f"“{Duty(d).label}”" for d in duties)
    if user.role != Role.STAFF:
        return f"此操作仅限社会事业局具有{needed}职责的工作人员办理"
    held = "、".join(user.duty_labels) or "无"
    return f"此操作需要{needed}职责（您的岗位职责：{held}），请由具有该职责的工作人员办理"


def duty_required(*duties: str):
    """Bureau staff holding any of the duties."""
    return require(
        lambda u: u.role == Role.STAFF and any(u.has_duty(d) for d in duties),
        lambda u: duty_refusal(u, duties),
    )
