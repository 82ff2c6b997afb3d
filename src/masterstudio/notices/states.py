"""The one door for notice entries and objections (Art. 10: 公示, 异议)."""

from __future__ import annotations

from masterstudio.core.transitions import Rule, StateMachine
from masterstudio.notices.models import EntryState as E
from masterstudio.notices.models import NoticeEntry, Objection
from masterstudio.notices.models import ObjectionState as O

ENTRY_MACHINE = StateMachine(
    model=NoticeEntry,
    field="state",
    labels=dict(E.choices),
    table={
        (E.LISTED, E.FROZEN): Rule(clause="10", label="收到异议，暂停该条目"),
        (E.FROZEN, E.LISTED): Rule(clause="10", requires_reason=True, label="异议不成立，恢复公示"),
        (E.FROZEN, E.REMOVED): Rule(clause="10", requires_reason=True, label="异议成立，撤出名单"),
        (E.LISTED, E.RECOGNISED): Rule(clause="10", label="公示期满无异议，认定"),
    },
)

OBJECTION_MACHINE = StateMachine(
    model=Objection,
    field="state",
    labels=dict(O.choices),
    table={
        (O.RECEIVED, O.INVESTIGATING): Rule(clause="10", label="开始调查核实"),
        (O.RECEIVED, O.UPHELD): Rule(clause="10", requires_reason=True, label="异议成立"),
        (O.RECEIVED, O.DISMISSED): Rule(clause="10", requires_reason=True, label="异议不成立"),
        (O.INVESTIGATING, O.UPHELD): Rule(clause="10", requires_reason=True, label="异议成立"),
        (O.INVESTIGATING, O.DISMISSED): Rule(clause="10", requires_reason=True, label="异议不成立"),
    },
)
