"""The engine's one error type.

A computed answer — "ineligible" included — is never an error. ``PolicyInputError`` is raised only
when the question itself cannot be answered: the input is malformed, names an occupation the
catalogue does not hold, contradicts itself, runs into a year whose holidays are unknown, or asks
for a new grant after the policy's validity. The codes are fixed by the contract
(``/work/shared/contracts/policy-api.md``); the message is Chinese and says what to fix.
"""

from __future__ import annotations

# The error codes of the contract. Nothing else may be used as ``code``.
INVALID_JSON = "invalid_json"
INVALID_INPUT = "invalid_input"
UNKNOWN_OCCUPATION = "unknown_occupation"
IDENTITY_MISMATCH = "identity_mismatch"
CALENDAR_YEAR_UNKNOWN = "calendar_year_unknown"
POLICY_EXPIRED = "policy_expired"

ERROR_CODES = frozenset(
    {INVALID_JSON, INVALID_INPUT, UNKNOWN_OCCUPATION, IDENTITY_MISMATCH, CALENDAR_YEAR_UNKNOWN, POLICY_EXPIRED}
)


class PolicyInputError(ValueError):
    """The question cannot be answered as asked.

    ``field`` is the dotted path of the offending input (``leader.birth_date``, ``team.1.name``),
    or ``None`` when the whole document is at fault (``invalid_json``).
    """

    def __init__(self, code: str, field: str | None, message: str):
        if code not in ERROR_CODES:
            raise ValueError(f"unknown policy error code {code!r}")
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "field": self.field, "message": self.message}}

    def __repr__(self) -> str:
        return f"PolicyInputError({self.code!r}, {self.field!r}, {self.message!r})"
