"""A successor of the Measures entered as data: its parameter set built from entries, checked against
the articles of its own text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from .clauses import measures
from .errors import INVALID_INPUT, PolicyInputError
from .paramset import DatedValue, Parameter, ParameterSet, _coerce, _finish, _jsonable

_ARTICLE = re.compile(r"第([0-9０-９一二三四五六七八九十百零〇]+)条")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _article_number(text: str) -> int:
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    number, current = 0, 0
    for char in text:
        if char == "百":
            number += (current or 1) * 100
            current = 0
        elif char == "十":
            number += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[char]
    return number + current


def articles_of(text: str) -> set[int]:
    """The article numbers a text contains (“第十四条”, “第14条”)."""
    return {_article_number(match) for match in _ARTICLE.findall(text or "")}


def from_entries(
    base: ParameterSet,
    name: str,
    title: str,
    text: str,
    entries: Mapping[str, Any],
    effective_from: date,
    revision: int = 1,
) -> ParameterSet:
    """A version's parameter set entered as data: ``entries`` = ``{parameter: {"value", "citation",
    "note"}}`` for every parameter of ``base`` (the rules of the engine read them by name), all in
    force from ``effective_from``. Each citation must be a clause id of the engine's clause table
    whose article appears in the version's own ``text`` (“第十四条”); each value is checked by its
    parameter's type. Raises ``PolicyInputError`` naming ``parameters.<name>``."""
    if not isinstance(entries, Mapping):
        raise PolicyInputError(INVALID_INPUT, "parameters", "参数应为 {参数名: {value, citation, note}} 的对象")
    articles = articles_of(text)
    if not articles:
        raise PolicyInputError(INVALID_INPUT, "text", "政策文本中没有找到“第X条”形式的条款，请粘贴完整的政策原文")
    unknown = sorted(set(entries) - set(base.parameters))
    if unknown:
        raise PolicyInputError(
            INVALID_INPUT,
            f"parameters.{unknown[0]}",
            f"参数“{unknown[0]}”不是平台规则使用的参数；可用参数：{'、'.join(base.names())}",
        )
    missing = [n for n in base.names() if n not in entries]
    if missing:
        raise PolicyInputError(
            INVALID_INPUT,
            f"parameters.{missing[0]}",
            f"缺少参数“{missing[0]}”（{base.param(missing[0]).description}）：新版本须为每个参数给出取值和依据条款",
        )
    parameters: dict[str, Parameter] = {}
    for pname in base.names():
        original = base.param(pname)
        raw = entries[pname]
        path = f"parameters.{pname}"
        if not isinstance(raw, Mapping) or "value" not in raw or not raw.get("citation"):
            raise PolicyInputError(INVALID_INPUT, path, f"参数“{pname}”应写作 {{value: 取值, citation: 依据条款号}}")
        citation = str(raw["citation"]).strip()
        try:
            measures().clause(citation)
        except KeyError:
            raise PolicyInputError(
                INVALID_INPUT, f"{path}.citation", f"参数“{pname}”的依据“{citation}”不是条款编号（如 14.1、4.5、20）"
            ) from None
        article = int(citation.split(".")[0])
        if article not in articles:
            raise PolicyInputError(
                INVALID_INPUT,
                f"{path}.citation",
                f"参数“{pname}”引用的第{article}条不在新版本的政策文本中：每个参数须引用本版本文本的条款",
            )
        value = _coerce(original, raw["value"], f"{path}.value")
        note = " ".join(str(raw.get("note") or f"依{title}第{article}条").split())
        parameters[pname] = Parameter(
            pname,
            original.description,
            original.type,
            (DatedValue(effective_from, value, citation, note),),
            original.unit,
            original.interpretation,
            original.choices,
        )
    return _finish(ParameterSet(name, title, revision, parameters))


def entries_of(pset: ParameterSet, on: date | None = None) -> dict[str, dict]:
    """``pset``'s values on ``on`` as ``from_entries`` takes them (a form's starting point)."""
    result = {}
    for pname in pset.names():
        entry = pset.param(pname).entry_on(on)
        result[pname] = {"value": _jsonable(entry.value), "citation": entry.citation, "note": entry.note}
    return result


def redated(pset: ParameterSet, start: date) -> ParameterSet:
    """A copy of ``pset`` whose first values are in force from ``start`` (a successor's rules applied
    to earlier facts, for a preview)."""
    parameters = {
        name: replace(p, values=(replace(p.values[0], effective_from=start),)) for name, p in pset.parameters.items()
    }
    return _finish(ParameterSet(pset.name, pset.title, pset.revision, parameters, ("redated",)))
