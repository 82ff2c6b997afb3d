"""The Django side's door to the identifier rules of the policy engine (GB 11643-1999 居民身份证号,
GB 32100-2015 统一社会信用代码): (valid, reason) pairs for forms, derived facts for models."""

from __future__ import annotations

from masterstudio.policy import identity as _engine

mask_id_number = _engine.mask_id_number


def check_id_number(value: str) -> tuple[bool, str]:
    result = _engine.validate_id_number(value or "")
    return result.valid, result.reason or ""


def id_number_facts(value: str) -> dict:
    """Birth date and gender of a valid ID number (ValueError for an invalid one)."""
    result = _engine.validate_id_number(value)
    if not result.valid:
        raise ValueError(f"身份证号有误：{result.reason}")
    return {"birth_date": result.facts["birth_date"], "gender": result.facts["gender"]}


def check_credit_code(value: str) -> tuple[bool, str]:
    result = _engine.validate_credit_code(value or "")
    return result.valid, result.reason or ""
