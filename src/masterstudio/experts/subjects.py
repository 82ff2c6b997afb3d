"""The kinds of subject the experts judge, contributed by the apps that own them: an application
(Art. 10, registered here: applications is below experts) and a studio's annual assessment
(Art. 12, registered by ``assessments`` in its ``AppConfig.ready()``: assessments is above experts,
so experts never imports it). A kind gives the queryset its subjects are read with on an expert's
tasks page (with what a task row shows of them, e.g. the unit) and, where the kind has one, the
address of the subject's dossier an expert reads once they have declared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class SubjectKind:
    queryset: Callable[[], QuerySet]
    dossier_url: Callable[[Model], str] | None = None


_KINDS: dict[str, SubjectKind] = {}


def register_subject(
    model: type[Model], *, queryset: Callable[[], QuerySet], dossier_url: Callable[[Model], str] | None = None
) -> None:
    """Declare ``model`` a kind of subject experts judge (called from an ``AppConfig.ready()``)."""
    _KINDS[model._meta.label_lower] = SubjectKind(queryset=queryset, dossier_url=dossier_url)


def subject_querysets() -> list[QuerySet]:
    """One queryset per kind of subject, for a ``GenericPrefetch`` of the panels' subjects."""
    return [kind.queryset() for kind in _KINDS.values()]


def dossier_url(subject: Model) -> str:
    """The address of ``subject``'s dossier for an expert, or "" when its kind has none."""
    kind = _KINDS.get(subject._meta.label_lower)
    return kind.dossier_url(subject) if kind and kind.dossier_url else ""
