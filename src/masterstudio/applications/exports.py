"""The columns of the staff's application list in Excel (the same filtered queryset the page shows),
written by the platform's one Excel writer (``core.excel``)."""

from __future__ import annotations

from masterstudio.applications.presenters import OUTCOMES

HEADERS = [
    "受理编号",
    "批次",
    "申报单位",
    "统一社会信用代码",
    "分厂/分公司",
    "领办人",
    "职业编码",
    "职业（工种）",
    "申报路径",
    "状态",
    "预检结论",
    "提交时间",
    "版本",
]


def application_rows(queryset):
    """One row per application, in the order of ``HEADERS``."""
    for app in queryset.iterator(chunk_size=500):
        yield [
            app.receipt_no or "",
            app.round.title,
            app.unit.name,
            app.unit.credit_code,
            app.branch.name if app.branch_id else "总部",
            app.leader.name if app.leader_id else "",
            app.occupation_code,
            app.occupation_name,
            app.get_route_display(),
            app.get_state_display(),
            OUTCOMES.get(app.precheck_outcome, app.precheck_outcome),
            app.submitted_at,
            app.version,
        ]
