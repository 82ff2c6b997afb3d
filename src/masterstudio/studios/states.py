"""The one door for a studio's life after recognition (docs/domain.md "The lifecycle"; the
diagram in ``studios.lifecycle``): every transition names its clause."""

from __future__ import annotations

from masterstudio.core.transitions import Rule, StateMachine
from masterstudio.studios.models import Studio, StudioState

S = StudioState


STUDIO_MACHINE = StateMachine(
    model=Studio,
    field="state",
    labels=dict(StudioState.choices),
    table={
        (S.ACTIVE, S.RECTIFICATION): Rule(clause="12", requires_reason=True, label="考核不合格，限期整改"),
        (S.RECTIFICATION, S.ACTIVE): Rule(clause="12", requires_reason=True, label="整改后复评合格，恢复运行"),
        (S.RECTIFICATION, S.REVOKED): Rule(clause="13", requires_reason=True, label="撤销工作室称号"),
        (S.ACTIVE, S.REVOKED): Rule(clause="13", requires_reason=True, label="撤销工作室称号"),
    },
)
