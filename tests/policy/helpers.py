"""Test helpers: identifiers computed from their standards, and data-table plumbing."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

CASES_DIR = Path(__file__).with_name("cases")

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def id_number(birth: str, *, male: bool, area: str = "110115", order: int = 12) -> str:
    """A valid 居民身份证号, check digit by ISO 7064 MOD 11-2 computed here independently."""
    sequence = order * 10 + (1 if male else 2)
    body = f"{area}{birth.replace('-', '')}{sequence:03d}"
    assert len(body) == 17
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=False))
    return body + "10X98765432"[total % 11]


def credit_code(body17: str) -> str:
    """A valid 统一社会信用代码 for 17 characters of the GB 32100 charset."""
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(body17, CREDIT_WEIGHTS, strict=False))
    return body17 + CREDIT_CHARSET[(31 - total % 31) % 31]


def load_cases() -> list[tuple[str, str, dict]]:
    """(file name, suite, case) for every data-table case."""
    found = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document.get("cases", ()):
            found.append((path.name, document["suite"], case))
    return found


def base_applications() -> dict[str, dict]:
    return yaml.safe_load((CASES_DIR / "_base.yaml").read_text(encoding="utf-8"))["base_applications"]


def _walk(target: Any, parts: list[str]) -> tuple[Any, str | int]:
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
    last = parts[-1]
    return target, (int(last) if isinstance(target, list) else last)


def set_path(document: dict, path: str, value: Any) -> None:
    target, key = _walk(document, path.split("."))
    target[key] = copy.deepcopy(value)


def unset_path(document: dict, path: str) -> None:
    target, key = _walk(document, path.split("."))
    if isinstance(target, dict):
        target.pop(key, None)
    else:
        del target[key]


def application(base: str = "listed", set_: dict | None = None, unset: list[str] | None = None) -> dict:
    document = copy.deepcopy(base_applications()[base])
    for path, value in (set_ or {}).items():
        set_path(document, path, value)
    for path in unset or ():
        unset_path(document, path)
    return document
