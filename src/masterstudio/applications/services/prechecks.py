"""The stored pre-check: the engine's answer about an application as it stands, kept on the row."""

from __future__ import annotations

from masterstudio.applications import facts as app_facts
from masterstudio.applications.models import OPEN_STATES, Application, AppState


def store_precheck(application: Application) -> dict:
    """Ask the engine about the application as it stands and store its answer."""
    _engine_input, result = app_facts.precheck(application)
    application.precheck = result
    application.precheck_outcome = result.get("outcome", "")
    Application.objects.filter(pk=application.pk).update(precheck=result, precheck_outcome=application.precheck_outcome)
    return result


def rerun_for_codes(sender=None, *, codes: list[str], **kwargs) -> int:
    """Ask the engine again about every draft or open application of the listed route whose code
    is among ``codes`` (they were waiting for staff to confirm it). Returns how many. Connected to
    ``catalog.signals.occupations_added`` in ``ApplicationsConfig.ready``."""
    waiting = Application.objects.filter(
        occupation_code__in=codes, route="listed", state__in=[AppState.DRAFT, *OPEN_STATES]
    )
    count = 0
    for application in waiting.select_related("round", "unit", "leader", "branch"):
        store_precheck(application)
        count += 1
    return count
