"""Writes for the annual assessment (Art. 12) and the application of its results (Art. 12–14),
by part: ``years`` (open, draw, publish), ``grading`` (compute, review), ``rewards`` (Art. 14),
``rectifications`` (限期整改 and the re-assessment), ``supervision`` (督导检查, Art. 11).

Experts are drawn and score through ``masterstudio.experts`` (sealed, conflicts excluded): every
``StudioAssessment`` is the subject of one ``ScoringPanel`` with the year's four-aspect rubric.
The names below are the package's public surface (``services.open_year`` …)."""

from masterstudio.assessments.services.base import (
    AssessmentError,
    deadline_warning,
    measures_valid_until,
    staff_with,
    unit_users,
    unit_users_of,
)
from masterstudio.assessments.services.grading import compute, grade_for, review
from masterstudio.assessments.services.rectifications import record_reassessment, report_rectification
from masterstudio.assessments.services.rewards import recommend_leader, request_reward
from masterstudio.assessments.services.supervision import SUPERVISION_TEXT_LIMIT, record_supervision
from masterstudio.assessments.services.years import draw, open_year, panel_of, publish

__all__ = [
    "SUPERVISION_TEXT_LIMIT",
    "AssessmentError",
    "compute",
    "deadline_warning",
    "draw",
    "grade_for",
    "measures_valid_until",
    "open_year",
    "panel_of",
    "publish",
    "recommend_leader",
    "record_reassessment",
    "record_supervision",
    "report_rectification",
    "request_reward",
    "review",
    "staff_with",
    "unit_users",
    "unit_users_of",
]
