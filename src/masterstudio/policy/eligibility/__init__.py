"""Eligibility of an application (申报资格自测与预审): Art. 4, 5 or 6, 7 and 20 of the Measures.

Each check answers ``pass``, ``fail``, ``unknown`` (a fact is missing or needs expert judgement) or
``waived`` (Art. 5(一)(二) under 直接认定), cites its clause, states the facts and parameter values
it read in a Chinese sentence that says what to fix, and lists the input facts that would settle it.

Checks, in order (contract): 4.1–4.5; 5.1–5.3 (plus 5.d1–5.d3 for each honour held) when the
occupation is listed in the 大典, 6.1–6.3 when it is not; 7.1, then 7.2 (head office) or 7.3
(branch); 20. Outcome: ``ineligible`` if any check fails, else ``undetermined`` if any is unknown,
else ``eligible``.

Behaviour after the validity date (Art. 20): eligibility is a screening answer, not a recognition,
so it is always answered; check 20 then fails (outcome ``ineligible``) and says that a newer policy
version must be loaded first (interpretation 10). ``policy_expired`` is reserved for questions whose
answer would be a new grant (see ``funding``).

The rules live in the modules of this package, one per part of the Measures: ``parsing`` (the facts),
``common`` (the results and helpers), ``art4``, ``waiver`` and ``art5_6``, ``art7``, ``evaluate``.
"""

from .art4 import check_4_1, check_4_2, check_4_3, check_4_4, check_4_5
from .art5_6 import (
    check_5_1,
    check_5_2,
    check_6_1,
    check_6_2,
    check_employment_and_retirement,
    direct_recognition_checks,
    occupation_missing_message,
)
from .art7 import check_7_1, check_unit_scope
from .common import FAIL, PASS, UNKNOWN, WAIVED
from .evaluate import (
    INTERPRETATION_ORDER,
    check_20,
    evaluate,
    evaluate_application,
    required_materials,
    results_by_clause,
)
from .parsing import (
    GENDERS,
    HONOR_BY_NAME,
    HONORS,
    SKILL_LEVELS,
    UNIT_KINDS,
    Application,
    Leader,
    Member,
    Studio,
    Unit,
    parse_application,
    route_of,
)
from .waiver import PART_LABELS, WAIVABLE, Waiver, waived_parts

__all__ = [
    "FAIL",
    "GENDERS",
    "HONORS",
    "HONOR_BY_NAME",
    "INTERPRETATION_ORDER",
    "PART_LABELS",
    "PASS",
    "SKILL_LEVELS",
    "UNIT_KINDS",
    "UNKNOWN",
    "WAIVABLE",
    "WAIVED",
    "Application",
    "Leader",
    "Member",
    "Studio",
    "Unit",
    "Waiver",
    "check_20",
    "check_4_1",
    "check_4_2",
    "check_4_3",
    "check_4_4",
    "check_4_5",
    "check_5_1",
    "check_5_2",
    "check_6_1",
    "check_6_2",
    "check_7_1",
    "check_employment_and_retirement",
    "check_unit_scope",
    "direct_recognition_checks",
    "evaluate",
    "evaluate_application",
    "occupation_missing_message",
    "parse_application",
    "required_materials",
    "results_by_clause",
    "route_of",
    "waived_parts",
]
