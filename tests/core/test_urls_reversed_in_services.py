"""Services and notifications build internal links with ``reverse()``, never a typed path (issue 19.3).

A typed ``f"/studios/{pk}/"`` breaks silently when a URL moves; ``reverse("studios:detail", ...)``
fails loudly. The check: every string (or f-string) in a services module that the URL configuration
resolves, with each ``{…}`` taken as 1, is a hard-coded internal path.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.urls import Resolver404, resolve

SRC = Path(__file__).resolve().parents[2] / "src" / "masterstudio"


def services_modules() -> list[Path]:
    return sorted(
        path
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        and (path.name in ("services.py", "monitoring.py", "notify.py") or path.parent.name == "services")
    )


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "1" for v in node.values)
    return None


def internal_paths(source: str) -> list[str]:
    found = []
    tree = ast.parse(source)
    inner = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if id(node) in inner:
            continue
        text = _text(node)
        if not text or not text.startswith("/") or text.startswith("//"):
            continue
        try:
            resolve(text.split("?")[0])
        except Resolver404:
            continue
        found.append(f"{node.lineno}: {text}")
    return found


def test_no_services_module_types_an_internal_path():
    assert services_modules()
    found = {
        str(path.relative_to(SRC)): hits
        for path in services_modules()
        if (hits := internal_paths(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_check_sees_typed_paths_and_passes_reversed_ones():
    source = """
url = f"/studios/{studio.pk}/"
notify(users, "x", {}, url="/experts/tasks/")
ok = reverse("studios:detail", args=[studio.pk])
other = "/not/a/page/of/ours/"
"""
    assert internal_paths(source) == ["2: /studios/1/", "3: /experts/tasks/"]
