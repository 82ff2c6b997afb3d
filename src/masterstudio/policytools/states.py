"""The one door for a policy version (Art. 20): proposed, confirmed and scheduled, or withdrawn."""

from __future__ import annotations

from django.utils import timezone

from masterstudio.core.transitions import Rule, StateMachine
from masterstudio.policytools.models import PolicyVersion, VersionState

VERSION_MACHINE = StateMachine(
    model=PolicyVersion,
    field="state",
    labels=dict(VersionState.choices),
    table={
        (VersionState.PROPOSED, VersionState.SCHEDULED): Rule(clause="20", label="复核确认并排定施行"),
        (VersionState.PROPOSED, VersionState.WITHDRAWN): Rule(clause="20", requires_reason=True, label="撤回"),
        (VersionState.SCHEDULED, VersionState.WITHDRAWN): Rule(
            clause="20",
            requires_reason=True,
            label="施行前撤回",
            guard=lambda v, actor: (
                None if v.effective_from > timezone.localdate() else "该版本已开始施行，不能撤回；请录入新的后续版本"
            ),
        ),
    },
)
