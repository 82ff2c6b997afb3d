"""The one door for an expert's task: declare (or recuse), then score and submit."""

from __future__ import annotations

from masterstudio.core.transitions import Rule, StateMachine
from masterstudio.experts.models import Assignment
from masterstudio.experts.models import AssignmentState as A

ASSIGNMENT_MACHINE = StateMachine(
    model=Assignment,
    field="state",
    labels=dict(A.choices),
    table={
        (A.DECLARING, A.SCORING): Rule(clause="10", label="声明无利益冲突"),
        (A.DECLARING, A.RECUSED): Rule(clause="10", requires_reason=True, label="声明存在利益冲突，回避"),
        (A.SCORING, A.SUBMITTED): Rule(clause="10", label="提交评分"),
        (A.SCORING, A.RECUSED): Rule(clause="10", requires_reason=True, label="评分前发现利益冲突，回避"),
    },
)
