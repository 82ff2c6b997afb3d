"""The one door for a unit's registration (Art. 4.1): pending, then approved or rejected by staff."""

from __future__ import annotations

from masterstudio.core.transitions import Rule, StateMachine
from masterstudio.units.models import Unit, UnitStatus

UNIT_MACHINE = StateMachine(
    model=Unit,
    field="status",
    labels=dict(UnitStatus.choices),
    table={
        (UnitStatus.PENDING, UnitStatus.APPROVED): Rule(clause="4.1", label="注册审核通过"),
        (UnitStatus.PENDING, UnitStatus.REJECTED): Rule(clause="4.1", label="注册审核不通过"),
    },
)
