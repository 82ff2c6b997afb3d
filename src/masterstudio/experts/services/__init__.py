"""Writes for the expert pool and scoring, one module per stage: :mod:`.panels` (rubrics, the
panels of a subject, their counts), :mod:`.draws` (drawing experts, replacements, replaying a
draw), :mod:`.tasks` (an expert's declaration and scores) and :mod:`.results` (a short panel
accepted, opening a panel, its summary). Generic over the subject being judged (an application
under Art. 10, a studio under Art. 12): a subject offers ``unit``, ``occupation_code`` and
``occupation_name``.

This package defines the errors every stage raises and re-exports nothing: callers import each
function from its stage's module."""

from __future__ import annotations


class ScoringError(Exception):
    """A refused action; ``str(exc)`` is a Chinese message that says what to do."""


class ScoringValidation(ScoringError):
    def __init__(self, errors: dict[int, str]):
        super().__init__("评分有误，请按提示修改")
        self.errors = errors
