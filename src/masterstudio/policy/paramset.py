"""The ``ParameterSet``: dated policy parameters, immutable once built, with their typed values.

OpenFisca's habit: each legal quantity is data, with values keyed by the date they take effect and a
citation of the text that sets them. ``with_overrides`` builds an edited copy for what-if questions,
with its own version. The files the shipped sets are read from are ``paramfiles``; the façade that
picks the set of a date is ``params``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from . import skills
from .dates import parse_date
from .errors import INVALID_INPUT, PolicyInputError

CENT = Decimal("0.01")
# what a money column holds (DecimalField(max_digits=12, decimal_places=2), as core.money says)
MAX_MONEY_PARAMETER = Decimal("9999999999.99")

TYPES = ("money", "integer", "date", "month_day", "time", "skill_level", "list_int", "list_str", "enum", "string")


@dataclass(frozen=True)
class DatedValue:
    effective_from: date
    value: Any
    citation: str
    note: str


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    type: str
    values: tuple[DatedValue, ...]  # sorted by effective_from
    unit: str | None = None
    interpretation: int | None = None
    choices: tuple | None = None

    def value_on(self, on: date | None) -> Any:
        return self.entry_on(on).value

    def entry_on(self, on: date | None) -> DatedValue:
        if on is None:
            return self.values[-1]
        current = None
        for entry in self.values:
            if entry.effective_from <= on:
                current = entry
            else:
                break
        if current is None:
            first = self.values[0].effective_from.isoformat()
            raise PolicyInputError(
                INVALID_INPUT,
                None,
                f"{on.isoformat()} 早于政策参数“{self.description}”（{self.name}）的生效日期 {first}，"
                f"本版参数不适用于该日期，请核对日期或加载适用的参数集",
            )
        return current

    @property
    def citation(self) -> str:
        return self.values[-1].citation

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "type": self.type,
            "unit": self.unit,
            "interpretation": self.interpretation,
            "choices": list(self.choices) if self.choices else None,
            "values": [
                {
                    "effective_from": entry.effective_from.isoformat(),
                    "value": _jsonable(entry.value),
                    "citation": entry.citation,
                    "note": entry.note,
                }
                for entry in self.values
            ],
        }


@dataclass(frozen=True)
class ParameterSet:
    name: str
    title: str
    revision: int
    parameters: Mapping[str, Parameter] = field(repr=False)
    overridden: tuple[str, ...] = ()
    version: str = field(default="", compare=False)
    _snapshots: dict = field(default_factory=dict, repr=False, compare=False)

    def __hash__(self) -> int:
        return hash(self.version)

    # -- reading ---------------------------------------------------------------------------------
    def get(self, name: str, on: date | None = None) -> Any:
        """The value of ``name`` in force on ``on`` (the latest value when ``on`` is None)."""
        try:
            parameter = self.parameters[name]
        except KeyError:
            raise KeyError(f"parameter set {self.name!r} has no parameter {name!r}") from None
        return parameter.value_on(on)

    def __getitem__(self, name: str) -> Any:
        return self.get(name)

    def values_on(self, on: date) -> Mapping[str, Any]:
        """Every parameter's value in force on ``on``, as a read-only mapping cached per date.

        Rules read many parameters for the same date; the snapshot makes that a dict lookup. A
        parameter not yet in force on ``on`` is absent from the snapshot and raises, on access, the
        same ``PolicyInputError`` as ``get``.
        """
        snapshot = self._snapshots.get(on)
        if snapshot is None:
            if len(self._snapshots) >= 1024:
                self._snapshots.clear()
            snapshot = _Snapshot(self, on)
            self._snapshots[on] = snapshot
        return snapshot

    def param(self, name: str) -> Parameter:
        return self.parameters[name]

    def names(self) -> list[str]:
        return list(self.parameters)

    @property
    def valid_until(self) -> date:
        return self.get("valid_until")

    def interpretations(self) -> dict[int, Parameter]:
        """Interpretation number → its parameter (the ten of docs/domain.md)."""
        return {p.interpretation: p for p in self.parameters.values() if p.interpretation is not None}

    def policy_info(self) -> dict:
        return {"version": self.version, "valid_until": self.valid_until.isoformat()}

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "revision": self.revision,
            "version": self.version,
            "overridden": list(self.overridden),
            "parameters": {name: parameter.to_dict() for name, parameter in self.parameters.items()},
        }

    # -- editing ---------------------------------------------------------------------------------
    def with_overrides(self, overrides: Mapping[str, Any]) -> ParameterSet:
        """An edited copy for what-if questions.

        ``{"team_min_size": 4}`` replaces every dated value of ``team_min_size`` by 4 (from the
        parameter's first effective date); a list of ``{"effective_from", "value", "note"}`` mappings
        replaces the parameter's dated values. The copy gets its own ``version``.
        """
        if not isinstance(overrides, Mapping):
            raise PolicyInputError(INVALID_INPUT, "overrides", "overrides 应为 {参数名: 新值} 的对象")
        parameters = dict(self.parameters)
        for name, raw in overrides.items():
            path = f"overrides.{name}"
            if name not in parameters:
                raise PolicyInputError(
                    INVALID_INPUT, path, f"参数集中没有参数“{name}”；可用参数：{'、'.join(sorted(parameters))}"
                )
            original = parameters[name]
            # A list is a series of dated values, except a plain list given for a list-typed parameter.
            dated = isinstance(raw, list) and (
                original.type not in ("list_int", "list_str") or (bool(raw) and isinstance(raw[0], Mapping))
            )
            if dated:
                entries = []
                for index, item in enumerate(raw):
                    item_path = f"{path}.{index}"
                    if not isinstance(item, Mapping) or "value" not in item or "effective_from" not in item:
                        raise PolicyInputError(
                            INVALID_INPUT, item_path, "每个取值应为 {effective_from, value, note} 对象"
                        )
                    entries.append(
                        DatedValue(
                            parse_date(item["effective_from"], f"{item_path}.effective_from"),
                            _coerce(original, item["value"], f"{item_path}.value"),
                            str(item.get("citation", original.citation)),
                            str(item.get("note", "what-if 覆盖值")),
                        )
                    )
                if not entries:
                    raise PolicyInputError(INVALID_INPUT, path, "至少需要一个取值")
                values = tuple(sorted(entries, key=lambda e: e.effective_from))
            else:
                first = original.values[0]
                values = (
                    DatedValue(first.effective_from, _coerce(original, raw, path), first.citation, "what-if 覆盖值"),
                )
            parameters[name] = Parameter(
                original.name,
                original.description,
                original.type,
                values,
                original.unit,
                original.interpretation,
                original.choices,
            )
        overridden = tuple(sorted(set(self.overridden) | set(overrides)))
        return _finish(ParameterSet(self.name, self.title, self.revision, parameters, overridden))


class _Snapshot(dict):
    def __init__(self, pset: ParameterSet, on: date):
        values = {}
        for name, parameter in pset.parameters.items():
            if parameter.values[0].effective_from <= on:
                values[name] = parameter.value_on(on)
        super().__init__(values)
        self._pset = pset
        self._on = on

    def __missing__(self, name: str) -> Any:
        return self._pset.get(name, self._on)  # raises: unknown name, or not yet in force

    def _readonly(self, *args, **kwargs):
        raise TypeError("parameter values are read-only")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _readonly  # type: ignore[assignment]


def _finish(pset: ParameterSet) -> ParameterSet:
    canonical = json.dumps(
        {name: p.to_dict() for name, p in sorted(pset.parameters.items())}, sort_keys=True, ensure_ascii=False
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
    label = pset.name if not pset.overridden else f"{pset.name}+whatif"
    object.__setattr__(pset, "version", f"{label}@r{pset.revision}-{digest}")
    return pset


_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$")


def _coerce(parameter: Parameter, raw: Any, path: str) -> Any:
    """Validate and type one value of ``parameter``; ``path`` names it in the error."""
    ptype = parameter.type

    def bad(expected: str) -> PolicyInputError:
        return PolicyInputError(INVALID_INPUT, path, f"参数 {parameter.name} 的值应为{expected}，收到 {raw!r}")

    if ptype == "money":
        if isinstance(raw, bool) or isinstance(raw, float) or not isinstance(raw, (str, int, Decimal)):
            raise bad('以元为单位的金额字符串（如 "200000"）')
        try:
            amount = Decimal(str(raw).strip())
        except InvalidOperation:
            raise bad('以元为单位的金额字符串（如 "200000"）') from None
        # the bound first: quantize beyond the context's 28 digits raises InvalidOperation (1e+26)
        if not amount.is_finite() or amount < 0 or amount > MAX_MONEY_PARAMETER or amount != amount.quantize(CENT):
            raise bad(f"不小于 0、不超过 {MAX_MONEY_PARAMETER:,.2f} 元、最多两位小数的金额")
        return amount.quantize(CENT)
    if ptype == "integer":
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise bad("非负整数")
        return raw
    if ptype == "date":
        return parse_date(raw, path)
    if ptype == "month_day":
        match = _MONTH_DAY.match(raw) if isinstance(raw, str) else None
        if not match:
            raise bad("“MM-DD”格式的月日")
        try:
            date(2024, int(match.group(1)), int(match.group(2)))
        except ValueError:
            raise bad("存在的月日（如 12-15）") from None
        return raw
    if ptype == "time":
        if not isinstance(raw, str) or not _TIME.match(raw):
            raise bad("“HH:MM:SS”格式的时刻")
        return raw
    if ptype == "skill_level":
        if not skills.is_level(raw):
            raise bad(f"职业技能等级代码之一：{skills.choices_text()}")
        return raw
    if ptype == "list_int":
        if not isinstance(raw, list) or any(isinstance(x, bool) or not isinstance(x, int) for x in raw):
            raise bad("整数列表")
        if parameter.choices and any(x not in parameter.choices for x in raw):
            raise bad(f"取自 {list(parameter.choices)} 的列表")
        return tuple(raw)
    if ptype == "list_str":
        if not isinstance(raw, list) or any(not isinstance(x, str) for x in raw):
            raise bad("字符串列表")
        if parameter.choices and any(x not in parameter.choices for x in raw):
            raise bad(f"取自 {list(parameter.choices)} 的列表")
        return tuple(raw)
    if ptype == "enum":
        if not isinstance(raw, str) or (parameter.choices and raw not in parameter.choices):
            raise bad(f"以下之一：{'、'.join(parameter.choices or ())}")
        return raw
    if ptype == "string":
        if not isinstance(raw, str):
            raise bad("字符串")
        return raw
    raise ValueError(f"unknown parameter type {ptype}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
