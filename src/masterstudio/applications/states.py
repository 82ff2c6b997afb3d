"""The application state machine (domain guide, "The lifecycle"): the only way an application's
state changes. Guards that need more than the table live with the services that call apply()."""

from __future__ import annotations

from masterstudio.applications.models import Application
from masterstudio.applications.models import AppState as S
from masterstudio.core.transitions import Rule, StateMachine

APPLICATION_MACHINE = StateMachine(
    model=Application,
    field="state",
    labels=dict(S.choices),
    table={
        (S.DRAFT, S.SUBMITTED): Rule(clause="9", label="提交申报"),
        (S.DRAFT, S.WITHDRAWN): Rule(clause="8", label="放弃草稿"),
        (S.SUBMITTED, S.MATERIAL_REVIEW): Rule(clause="10", label="开始材料审核"),
        (S.SUBMITTED, S.WITHDRAWN): Rule(clause="8", label="撤回申报"),
        (S.MATERIAL_REVIEW, S.SUPPLEMENT): Rule(clause="10", requires_reason=True, label="退回补正"),
        (S.MATERIAL_REVIEW, S.SITE_INSPECTION): Rule(clause="10", label="材料审核通过，进入实地考察"),
        (S.MATERIAL_REVIEW, S.REJECTED): Rule(clause="10", requires_reason=True, label="材料审核不通过"),
        (S.MATERIAL_REVIEW, S.WITHDRAWN): Rule(clause="8", label="撤回申报"),
        (S.SUPPLEMENT, S.SUBMITTED): Rule(clause="9", label="补正后重新提交"),
        (S.SUPPLEMENT, S.WITHDRAWN): Rule(clause="8", label="撤回申报"),
        (S.SITE_INSPECTION, S.EXPERT_REVIEW): Rule(clause="10", label="实地考察完成，进入专家评审"),
        (S.SITE_INSPECTION, S.REJECTED): Rule(clause="10", requires_reason=True, label="实地考察不通过"),
        (S.SITE_INSPECTION, S.WITHDRAWN): Rule(clause="8", label="撤回申报"),
        (S.EXPERT_REVIEW, S.EVALUATION): Rule(clause="10", label="专家评审完成，进入综合评议"),
        (S.EXPERT_REVIEW, S.WITHDRAWN): Rule(clause="8", label="撤回申报"),
        (S.EVALUATION, S.PROPOSED): Rule(clause="10", requires_reason=True, label="列入拟认定名单"),
        (S.EVALUATION, S.REJECTED): Rule(clause="10", requires_reason=True, label="综合评议不通过"),
        (S.PROPOSED, S.EVALUATION): Rule(clause="10", requires_reason=True, label="公示前撤回拟认定决定"),
        (S.PROPOSED, S.ON_NOTICE): Rule(clause="10", label="公示"),
        (S.ON_NOTICE, S.RECOGNISED): Rule(clause="10", label="公示无异议，认定"),
        (S.ON_NOTICE, S.REJECTED): Rule(clause="10", requires_reason=True, label="异议成立，不予认定"),
    },
)
