"""Writes for district money (Art. 13–15): awarding, disbursing, cancelling and recovering grants.

Every money entry passes the same two guards: :func:`check_money_date` (not after today, not
before the day it could exist, the field named) and :func:`earning_refusal` (a revoked studio
earns nothing; nothing new after the Measures' validity). Entries are corrected by reversing
entries (:func:`reverse_disbursement`), never edited; a duplicate answers "已登记"
(:class:`AlreadyRecorded`) and writes nothing. The recovery after a revocation is computed in
``recoveries.services`` from these payment records.

Amounts and clauses come from the policy engine (``masterstudio.policy.funding``); nothing here
restates an amount of the Measures. Every change goes through ``GRANT_MACHINE.apply`` or records
an event itself, inside one transaction. By part: ``guards``, ``awards``, ``payments``.
"""

from masterstudio.funding.services.awards import award_grant, award_initial_grants, record_title
from masterstudio.funding.services.guards import (
    AWARD_CONDITIONS,
    AlreadyRecorded,
    FundingError,
    award_condition_refusal,
    check_money_date,
    earning_refusal,
    ensure_may_earn,
    policy_valid_until,
    register_award_condition,
    today,
)
from masterstudio.funding.services.payments import (
    attach_document,
    cancel_grant,
    confirm_recovery,
    disburse,
    disbursed_total,
    freeze_grant,
    parse_amount,
    reverse_disbursement,
)

__all__ = [
    "AWARD_CONDITIONS",
    "AlreadyRecorded",
    "FundingError",
    "attach_document",
    "award_condition_refusal",
    "award_grant",
    "award_initial_grants",
    "cancel_grant",
    "check_money_date",
    "confirm_recovery",
    "disburse",
    "disbursed_total",
    "earning_refusal",
    "ensure_may_earn",
    "freeze_grant",
    "parse_amount",
    "policy_valid_until",
    "record_title",
    "register_award_condition",
    "reverse_disbursement",
    "today",
]
