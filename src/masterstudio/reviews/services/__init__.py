"""Art. 10 review, step by step, one module per step: :mod:`.materials` (the material review and
its checklist, findings, the conclusion), :mod:`.visits` (the site inspection), :mod:`.scoring`
(the expert review: panels drawn, scores opened) and :mod:`.decisions` (the comprehensive
evaluation); :mod:`.notifying` tells the unit. Every state change goes through
``APPLICATION_MACHINE``; the unit is notified at each step it can see.

This package defines the error every step raises and re-exports nothing: callers import each
function from its step's module."""

from __future__ import annotations


class ReviewError(Exception):
    """A refused review action; ``str(exc)`` says in Chinese what to do."""
