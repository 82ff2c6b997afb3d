"""The studio's life after recognition (docs/domain.md "The lifecycle"), through the one door.

    运行中 active ──(12: 考核不合格，限期整改)──▶ 限期整改 rectification
    限期整改 ──(12: 整改后复评合格)──▶ 运行中
    限期整改 ──(13.2 / 13.1 / 13.3 / 13.4: 撤销)──▶ 已撤销 revoked
    运行中 ──(13.1 / 13.3 / 13.4: 撤销)──▶ 已撤销

The table is ``studios.states.STUDIO_MACHINE``; every transition names its clause, a revocation
the clause of its cause (the revocation's own refusals are ``recoveries.services.revoke_guard``).
Also the Django side's door to the policy engine for the studio apps (:func:`ask_engine`).
"""

from __future__ import annotations

from typing import Any

from masterstudio.catalog.engine import ask
from masterstudio.policy.revocation import revocation_grounds
from masterstudio.studios.models import StudioState

S = StudioState


def ask_engine(name: str, payload: Any) -> dict:
    """Ask the policy engine one of the contract's questions through the catalog's one door
    (``catalog.engine.ask``: the staff calendar, staff-added occupations and policy versions
    added), or the grounds of a revocation (``revocation``, which reads no staff facts)."""
    if name == "revocation":
        return revocation_grounds(payload)
    return ask(name, payload)
