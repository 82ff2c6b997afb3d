"""Dated policy parameters: the façade every rule reads through.

``load(name)`` is a shipped set by name (``paramfiles``); ``load(None, on)`` and ``resolve`` pick the
set of the shipped version in force on a date (``versions.builtin()``). The set itself is
``paramset.ParameterSet``; successors entered as data are built by ``successors``. Import order:
paramset → paramfiles → versions → params, so none of them imports this module back.
"""

from __future__ import annotations

from datetime import date

from . import versions
from .paramfiles import PARAMETERS_DIR, available_sets, load_set
from .paramset import CENT, TYPES, DatedValue, Parameter, ParameterSet
from .successors import articles_of, entries_of, from_entries, redated


def load(name: str | None = None, on: date | None = None) -> ParameterSet:
    """The parameter set ``name``, parsed once per process.

    Without a name: the set of the shipped version in force on ``on`` (``versions.builtin()``), or
    of the latest shipped version with parameters when ``on`` is None. Which version is "current" is
    a question of date, never a constant; the platform asks ``catalog.engine``, which adds the
    successors staff have entered."""
    if name is None:
        chain = versions.builtin()
        return chain.params_on(on) if on is not None else chain.params_on(chain.last().start)
    return load_set(name)


def resolve(params: ParameterSet | str | None, on: date | None = None) -> ParameterSet:
    """``params`` as a set; None = the shipped version's set in force on ``on`` (see ``load``)."""
    if params is None:
        return load(None, on)
    if isinstance(params, str):
        return load(params)
    if isinstance(params, ParameterSet):
        return params
    raise TypeError("params must be a ParameterSet, a parameter-set name or None")


__all__ = [
    "CENT",
    "PARAMETERS_DIR",
    "TYPES",
    "DatedValue",
    "Parameter",
    "ParameterSet",
    "articles_of",
    "available_sets",
    "entries_of",
    "from_entries",
    "load",
    "load_set",
    "redated",
    "resolve",
]
