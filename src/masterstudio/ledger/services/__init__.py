"""Writes for the special account (专账, Art. 16). The unit keeps its studio's account; every entry
records an event. The spending rules (which source pays which category, the fixed-asset threshold)
are policy parameters read from the engine (clause 16), never restated here.

By part: ``base`` (the error, amounts, the keeper), ``balances``, ``entries`` (opening, incomes,
expenses), ``corrections`` (reversing entries)."""

from masterstudio.ledger.services.balances import SourceBalance, asset_required, balances, spending_warning
from masterstudio.ledger.services.base import ZERO, LedgerError, district_paid, source_of_grant
from masterstudio.ledger.services.corrections import reverse_expense, reverse_income
from masterstudio.ledger.services.entries import open_account, record_expense, record_income

__all__ = [
    "LedgerError",
    "ZERO",
    "district_paid",
    "source_of_grant",
    "SourceBalance",
    "asset_required",
    "balances",
    "spending_warning",
    "open_account",
    "record_expense",
    "record_income",
    "reverse_expense",
    "reverse_income",
]
