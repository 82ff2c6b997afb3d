"""District funding of a studio: Art. 14 and 15 amounts, Art. 13 recovery, Art. 20 validity.

An amount is dated on the recognition date (14.1), on the assessment result's date (14.2) or on the
date the title was obtained (15.1 / 15.2). It counts only when that date is on or before ``as_of``,
on or before ``revoked_on`` and inside a policy version (Art. 20: the draft ends 2027-01-10). Each
amount is read from the **version in force on its own date** (``policy.versions``): a studio
recognised under the former Measures (京技管发〔2024〕1号) and rewarded under the draft gets each
award from its own text. Where a version's amount is unknown to the platform (the former Measures),
the award is listed with ``amount: null`` and the reason, or with the imported record's figure
(``initial_amount``, ``assessments.N.amount``, ``titles.N.amount``) — never a refusal of the question.
Money is Decimal, shown as "200000.00".

Recovery (Art. 13, interpretations 6, 22, 23): funding cycles of ``funding_cycle_years`` (3) years run
from the recognition date (or, choice ``calendar_year``, from 1 January of the recognition year); on
revocation every counted amount dated inside the cycle that contains the revocation date, up to that
date, is recovered if paid and cancelled if not yet paid — whichever version paid it. Which amounts
count as “区级补助资金” is interpretation 26 (``recovered_funds``).

The package: ``amounts`` (Art. 14, 15), ``cycle`` (Art. 13), ``question`` (the ``funding`` answer).
"""

from .amounts import (
    GRADES,
    KIND_LABELS,
    MAX_AMOUNT,
    RECORD_FIELDS,
    TITLE_LEVELS,
    ZERO,
    Award,
    Recovery,
    award_under,
    excellent_reward,
    expired_reason,
    initial_grant,
    money,
    title_reward,
)
from .cycle import funding_cycle, recovery
from .question import answer

__all__ = [
    "Award",
    "GRADES",
    "KIND_LABELS",
    "MAX_AMOUNT",
    "RECORD_FIELDS",
    "Recovery",
    "TITLE_LEVELS",
    "ZERO",
    "answer",
    "award_under",
    "excellent_reward",
    "expired_reason",
    "funding_cycle",
    "initial_grant",
    "money",
    "recovery",
    "title_reward",
]
