"""The studio's life after recognition (docs/domain.md "The lifecycle"), through the one door.

    运行中 active ──(12: 考核不合格，限期整改)──▶ 限期整改 rectification
    限期整改 ──(12: 整改后复评合格)──▶ 运行中
    限期整改 ──(13.2 / 13.1 / 13.3 / 13.4: 撤销)──▶ 已撤销 revoked
    运行中 ──(13.1 / 13.3 / 13.4: 撤销)──▶ 已撤销

The table is ``studios.states.STUDIO_MACHINE``; here the clause-specific refusal of a revocation
and the Django side's door to the policy engine for the studio apps (:func:`ask_engine`).
"""

from __future__ import annotations

from typing import Any

from masterstudio.studios.models import StudioState

S = StudioState


def _needs_failed_reassessment(studio, actor) -> str | None:
    from masterstudio.assessments.models import Grade, Kind, StudioAssessment

    if not StudioAssessment.objects.filter(studio=studio, kind=Kind.REASSESSMENT, grade=Grade.UNQUALIFIED).exists():
        return "只有整改后复评仍不合格的工作室才能依第13条第（二）项撤销"
    return None


REVOCATION_CLAUSES = ("13.1", "13.2", "13.3", "13.4")


def revoke_guard(studio, clause: str) -> str | None:
    """Clause-specific refusal for a revocation, or None."""
    if clause not in REVOCATION_CLAUSES:
        return "请选择第13条规定的撤销情形（第（一）至（四）项）"
    if studio.state == S.REVOKED:
        return f"该工作室已于 {studio.revoked_on:%Y-%m-%d} 撤销，不能重复撤销"
    if clause == "13.2":
        return _needs_failed_reassessment(studio, None)
    return None


def ask_engine(name: str, payload: Any) -> dict:
    """Ask the policy engine one of the contract's questions (plus ``revocation``), through the
    catalog's wrapper (which adds staff calendar overrides) when it is available."""
    if name == "revocation":
        from masterstudio.policy.revocation import revocation_grounds

        return revocation_grounds(payload)
    try:
        from masterstudio.policy import calculator  # noqa: F401
    except ImportError:
        calculator = None
    if calculator is not None:
        from masterstudio.catalog.engine import ask

        return ask(name, payload)
    from masterstudio.catalog.engine import calendar_overrides
    from masterstudio.policy.api import run

    return run(name, payload, calendar_overrides=calendar_overrides() or None)
