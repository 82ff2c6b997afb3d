"""The shipped parameter sets: ``parameters/<set>/*.yaml``, parsed once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .clauses import measures
from .dates import parse_date
from .errors import INVALID_INPUT, PolicyInputError
from .paramset import TYPES, DatedValue, Parameter, ParameterSet, _coerce, _finish

PARAMETERS_DIR = Path(__file__).with_name("parameters")


def available_sets() -> list[str]:
    """The shipped parameter sets (a version without known parameters, the former Measures, has none)."""
    return sorted(p.name for p in PARAMETERS_DIR.iterdir() if p.is_dir() and any(p.glob("[!_]*.yaml")))


@lru_cache(maxsize=16)
def load_set(name: str) -> ParameterSet:
    directory = PARAMETERS_DIR / name
    if name not in available_sets():
        raise PolicyInputError(
            INVALID_INPUT, "params", f"没有名为“{name}”的政策参数集；可用：{'、'.join(available_sets())}"
        )
    with (directory / "_set.yaml").open(encoding="utf-8") as handle:
        header = yaml.safe_load(handle)
    parameters: dict[str, Parameter] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "_set.yaml":
            continue
        with path.open(encoding="utf-8") as handle:
            raw = yaml.safe_load(handle) or {}
        for pname, spec in raw.items():
            if pname in parameters:
                raise ValueError(f"{path}: parameter {pname} defined twice")
            parameters[pname] = _parse_parameter(pname, spec, f"{path.name}:{pname}")
    return _finish(ParameterSet(header["name"], header["title"], int(header["revision"]), parameters))


def _parse_parameter(name: str, spec: dict, where: str) -> Parameter:
    ptype = spec.get("type")
    if ptype not in TYPES:
        raise ValueError(f"{where}: type must be one of {TYPES}, not {ptype!r}")
    choices = tuple(spec["choices"]) if spec.get("choices") else None
    shell = Parameter(name, spec["description"], ptype, (), spec.get("unit"), spec.get("interpretation"), choices)
    entries = []
    for item in spec["values"]:
        citation = str(item["citation"])
        measures().clause(citation)  # raises for a citation that is not a clause of the Measures
        if not item.get("note"):
            raise ValueError(f"{where}: every value needs a note")
        entries.append(
            DatedValue(
                parse_date(item["effective_from"], f"{where}.effective_from"),
                _coerce(shell, item["value"], where),
                citation,
                " ".join(str(item["note"]).split()),
            )
        )
    if not entries:
        raise ValueError(f"{where}: no values")
    return Parameter(
        name,
        spec["description"],
        ptype,
        tuple(sorted(entries, key=lambda e: e.effective_from)),
        spec.get("unit"),
        spec.get("interpretation"),
        choices,
    )
