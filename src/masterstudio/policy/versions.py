"""Policy versions: which text governs a fact, decided by the fact's date (Art. 20).

A ``Version`` is one text of the Measures with its own dates and parameter set:

- ``measures-2024-former`` — the former Measures (京技管发〔2024〕1号). The platform does not hold their
  text or amounts (``params`` is None): an amount dated under them is unknown, with the reason, unless
  an imported record gives it. They lapsed when the draft was issued (第二十条 “同时废止”).
- ``measures-2026-draft`` — the draft, “自印发之日起试行，有效期截止2027年1月10日” (第二十条). The text
  gives no issue date; until the bureau records it, the draft is taken to govern from
  ``effective_from_assumed`` (named interpretation ``draft_issue_date``, stated in every answer).
- successors entered by staff (``policytools.PolicyVersion``), each with its own text, parameters,
  ``effective_from`` and ``valid_until``.

``Chain.governing(on)`` is the version in force on ``on`` (None after the last ``valid_until`` or in
a gap between versions); ``Chain.in_force(on)`` the same, for the Art. 20 guard of every service.
A version ends on its ``valid_until`` or the day before its successor starts, whichever is earlier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

import yaml

from .dates import parse_date
from .paramfiles import PARAMETERS_DIR
from .paramfiles import load_set as load
from .paramset import ParameterSet

FORMER = "measures-2024-former"
DRAFT = "measures-2026-draft"
BUILTIN = (FORMER, DRAFT)


@dataclass(frozen=True)
class Version:
    name: str
    title: str
    document: str  # 文号 or short title
    effective_from: date | None  # as the text or the bureau states it; None = not stated
    valid_until: date | None  # None = until replaced
    params: ParameterSet | None = field(default=None, repr=False, compare=False)
    effective_from_text: str = ""  # the words that fix the start
    effective_from_assumed: date | None = None  # used while ``effective_from`` is not known
    assumption_reason: str = ""
    amounts_unknown_reason: str = ""  # why ``params`` is None

    @property
    def start(self) -> date:
        """The first day this version governs (the assumed start while the real one is unknown)."""
        return self.effective_from or self.effective_from_assumed or date.min

    @property
    def start_assumed(self) -> bool:
        return self.effective_from is None and self.effective_from_assumed is not None

    def info(self, end: date | None = None) -> dict:
        data = {
            "name": self.name,
            "title": self.title,
            "document": self.document,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "effective_from_text": self.effective_from_text,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "governs_until": end.isoformat() if end and end != date.max else None,
            "amounts_known": self.params is not None,
        }
        if self.start_assumed:
            data["effective_from_assumed"] = self.effective_from_assumed.isoformat()
            data["assumption"] = "draft_issue_date"
            data["assumption_reason"] = self.assumption_reason
        if self.params is None:
            data["amounts_unknown_reason"] = self.amounts_unknown_reason
        else:
            data["parameters"] = self.params.version
        return data


@dataclass(frozen=True)
class Chain:
    """The versions in the order they took effect."""

    versions: tuple[Version, ...]

    def __post_init__(self):
        ordered = tuple(sorted(self.versions, key=lambda v: v.start))
        object.__setattr__(self, "versions", ordered)

    def end_of(self, version: Version) -> date:
        """The last day ``version`` governs: its ``valid_until`` or the day before the next starts."""
        index = self.versions.index(version)
        ends = [version.valid_until or date.max]
        if index + 1 < len(self.versions):
            ends.append(self.versions[index + 1].start - timedelta(days=1))
        return min(ends)

    def governing(self, on: date) -> Version | None:
        """The version in force on ``on``; None before the first, in a gap, or after the last."""
        current = None
        for version in self.versions:
            if version.start <= on:
                current = version
            else:
                break
        if current is None or on > self.end_of(current):
            return None
        return current

    in_force = governing

    def last(self) -> Version:
        return self.versions[-1]

    @property
    def last_valid_until(self) -> date | None:
        """The date after which no version is in force (None: the last version has no end)."""
        return self.last().valid_until

    def with_params(self, on: date) -> Version:
        """The version whose parameters answer a question about ``on``: the governing one when it has
        parameters, else the nearest one that has (before ``on`` first, then after it)."""
        governing = self.governing(on)
        if governing is not None and governing.params is not None:
            return governing
        known = [v for v in self.versions if v.params is not None]
        earlier = [v for v in known if v.start <= on]
        return earlier[-1] if earlier else known[0]

    def params_on(self, on: date) -> ParameterSet:
        params = self.with_params(on).params
        assert params is not None
        return params

    def successor_of(self, version: Version) -> Version | None:
        index = self.versions.index(version)
        return self.versions[index + 1] if index + 1 < len(self.versions) else None

    def get(self, name: str) -> Version:
        for version in self.versions:
            if version.name == name:
                return version
        raise KeyError(name)

    def plus(self, versions: Iterable[Version]) -> Chain:
        """This chain with more versions (staff-entered successors); a name given again replaces."""
        extra = {v.name: v for v in versions}
        return Chain(tuple(v for v in self.versions if v.name not in extra) + tuple(extra.values()))

    def to_dict(self) -> list[dict]:
        return [v.info(self.end_of(v)) for v in self.versions]


def single(params: ParameterSet) -> Chain:
    """A chain of one version made of ``params`` (what-if copies, explicit parameter sets)."""
    return Chain((Version(params.name, params.title, params.title, None, params.valid_until, params),))


def _read_header(name: str) -> dict:
    with (PARAMETERS_DIR / name / "_set.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _optional_date(raw, where: str) -> date | None:
    return None if raw is None else parse_date(raw if isinstance(raw, date) else str(raw), where)


def version_from_header(name: str, header: Mapping, params: ParameterSet | None) -> Version:
    until = _optional_date(header.get("valid_until"), f"{name}.valid_until")
    if params is not None and until is None:
        until = params.valid_until
    return Version(
        name=name,
        title=header["title"],
        document=header.get("document", header["title"]),
        effective_from=_optional_date(header.get("effective_from"), f"{name}.effective_from"),
        valid_until=until,
        params=params,
        effective_from_text=" ".join(str(header.get("effective_from_text", "")).split()),
        effective_from_assumed=_optional_date(header.get("effective_from_assumed"), f"{name}.effective_from_assumed"),
        assumption_reason=" ".join(str(header.get("assumption_reason", "")).split()),
        amounts_unknown_reason=" ".join(str(header.get("amounts_unknown_reason", "")).split()),
    )


@lru_cache(maxsize=1)
def builtin() -> Chain:
    """The versions shipped with the engine (the former Measures and the draft)."""
    versions = []
    for name in BUILTIN:
        header = _read_header(name)
        params = load(name) if header.get("has_parameters", True) else None
        versions.append(version_from_header(name, header, params))
    return Chain(tuple(versions))


def with_issue_date(chain: Chain, name: str, issued_on: date) -> Chain:
    """``chain`` with the real issue date of version ``name`` recorded (ends the assumption)."""
    version = chain.get(name)
    return chain.plus([replace(version, effective_from=issued_on)])
