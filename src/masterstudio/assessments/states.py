"""The one door for the annual assessment's year and for a rectification (Art. 12, 13(2)).

评审中 open ──(计算等次)──▶ 已计算待复核 computed ──(重新计算)──▶ computed ──(发布)──▶ 已发布 published
整改中 open ──(报送)──▶ 已报送 reported ──(再次报送)──▶ reported
open / reported ──(复评合格)──▶ passed;  ──(复评仍不合格)──▶ failed
"""

from __future__ import annotations

from masterstudio.assessments.models import AssessmentYear, Rectification, YearState
from masterstudio.assessments.models import RectificationState as R
from masterstudio.core.transitions import Rule, StateMachine

Y = YearState

YEAR_MACHINE = StateMachine(
    model=AssessmentYear,
    field="state",
    labels=dict(YearState.choices),
    table={
        (Y.OPEN, Y.COMPUTED): Rule(clause="12", label="计算等次"),
        (Y.COMPUTED, Y.COMPUTED): Rule(clause="12", label="重新计算等次"),
        (Y.COMPUTED, Y.PUBLISHED): Rule(clause="12", label="发布考核结果"),
    },
)

RECTIFICATION_MACHINE = StateMachine(
    model=Rectification,
    field="state",
    labels=dict(R.choices),
    table={
        (R.OPEN, R.REPORTED): Rule(clause="12", label="报送整改情况"),
        (R.REPORTED, R.REPORTED): Rule(clause="12", label="补充报送整改情况"),
        (R.OPEN, R.PASSED): Rule(clause="12", requires_reason=True, label="复评合格"),
        (R.REPORTED, R.PASSED): Rule(clause="12", requires_reason=True, label="复评合格"),
        (R.OPEN, R.FAILED): Rule(clause="13.2", requires_reason=True, label="复评仍不合格"),
        (R.REPORTED, R.FAILED): Rule(clause="13.2", requires_reason=True, label="复评仍不合格"),
    },
)
