"""The floors (issue 19.1), checked over the source: every module of src/masterstudio (migrations
aside) is parsed with ``ast`` and each import of another of the platform's apps — at the top of the
module or inside a function — is held against the order in ``masterstudio/floors.py``:

* an app imports only apps on lower floors (never one on its own floor or above);
* no cycle among apps;
* ``core``, the ground floor, imports no business app (only ``policy``, ``env``, ``formats``);
* an import inside a function of another app says why it is there, in a comment on its line, the line
  above it, or the line above the block of imports it belongs to.

A failure names the file and line of each import at fault."""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

import masterstudio
from masterstudio.floors import FLOORS, TOP

ROOT = Path(masterstudio.__file__).parent
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ARCHITECTURE.md"
FLOOR = {app: number for number, apps in enumerate(FLOORS) for app in apps}
FLOOR.update({module: len(FLOORS) for module in TOP})


@dataclass(frozen=True)
class Import:
    source: str  # the importing app (or root module)
    target: str  # the imported app
    where: str  # file:line, relative to the package
    in_function: bool
    explained: bool  # a comment on the import's line(s) or on the line above it or above its block of imports

    def __str__(self):
        kind = "inside a function" if self.in_function else "at module level"
        return f"{self.where}: {self.source} imports {self.target} ({kind})"


def _app(parts: tuple[str, ...]) -> str:
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def _targets(node, package: list[str]) -> list[str]:
    """The apps of the platform an import names (an empty list for any other import)."""
    if isinstance(node, ast.Import):
        dotted = [alias.name.split(".") for alias in node.names]
    else:
        if node.level:  # relative: from the importing module's package upwards
            base = package[: len(package) - node.level + 1]
        else:
            base = []
        module = base + (node.module.split(".") if node.module else [])
        dotted = [module + [alias.name] for alias in node.names] if len(module) == 1 else [module]
    return [parts[1] for parts in dotted if len(parts) > 1 and parts[0] == "masterstudio"]


def collect(root: Path) -> list[Import]:
    """Every import of one app by another in the package at ``root`` (its migrations left out)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if "migrations" in parts or parts == ("__init__.py",):
            continue
        source = _app(parts)
        text = path.read_text(encoding="utf-8")
        comments = {
            token.start[0]
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.COMMENT
        }
        package = ["masterstudio", *parts[:-1]]
        tree = ast.parse(text, filename=str(path))
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        inside = {id(n) for f in functions for n in ast.walk(f) if n is not f}
        import_lines = {
            line
            for n in ast.walk(tree)
            if isinstance(n, (ast.Import, ast.ImportFrom))
            for line in range(n.lineno, (n.end_lineno or n.lineno) + 1)
        }
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            above = node.lineno - 1
            text_lines = text.split("\n")
            # one comment may explain a block of imports (its groups apart by blank lines), on the line above it
            while above in import_lines or (not text_lines[above - 1].strip() and above - 1 in import_lines):
                above -= 1
            lines = set(range(node.lineno, (node.end_lineno or node.lineno) + 1)) | {above}
            for target in dict.fromkeys(_targets(node, package)):
                if target != source:
                    found.append(
                        Import(
                            source,
                            target,
                            f"{'/'.join(parts)}:{node.lineno}",
                            id(node) in inside,
                            bool(lines & comments),
                        )
                    )
    return found


def upward(imports: list[Import]) -> list[str]:
    """Imports of an app on the importer's floor or above (an app without a floor counts as top)."""
    top = len(FLOORS)
    return [
        f"{i} — floor {FLOOR.get(i.source, top)} may not import floor {FLOOR.get(i.target, top)}"
        for i in imports
        if FLOOR.get(i.source, top) < top and FLOOR.get(i.target, top) >= FLOOR.get(i.source, top)
    ]


def cycles(imports: list[Import]) -> list[list[str]]:
    """The groups of apps that import one another round a circle (strongly connected components)."""
    graph: dict[str, set[str]] = {}
    for i in imports:
        graph.setdefault(i.source, set()).add(i.target)
        graph.setdefault(i.target, set())
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(app):  # Tarjan's algorithm
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for other in sorted(graph[app]):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in on_stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return sorted(groups)


def core_business(imports: list[Import]) -> list[str]:
    """Imports by core of anything but the floor beneath it."""
    return [str(i) for i in imports if i.source == "core" and FLOOR.get(i.target) != 0]


def unexplained(imports: list[Import]) -> list[str]:
    return [str(i) for i in imports if i.in_function and not i.explained]


def _report(problems) -> str:
    return f"{len(problems)}:\n" + "\n".join(str(p) for p in problems)


IMPORTS = collect(ROOT)


def test_no_app_imports_an_app_on_its_floor_or_above():
    problems = upward(IMPORTS)
    assert not problems, _report(problems)


def test_no_cycle_among_apps():
    problems = cycles(IMPORTS)
    assert not problems, _report(problems)


def test_core_imports_no_business_app():
    problems = core_business(IMPORTS)
    assert not problems, _report(problems)


def test_function_level_imports_of_other_apps_say_why():
    problems = unexplained(IMPORTS)
    assert not problems, _report(problems)


def test_every_app_has_a_floor():
    apps = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    modules = {path.stem for path in ROOT.glob("*.py")} - {"__init__"}
    assert sorted(apps - set(FLOOR)) == []
    assert sorted(modules - set(FLOOR)) == []


def test_the_architecture_document_shows_the_floors():
    text = DOCS.read_text(encoding="utf-8")
    for number, apps in enumerate(FLOORS):
        assert f"{number:>2}  {', '.join(apps)}" in text, (number, apps)


# the checker itself, on a tiny package written for the purpose


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "masterstudio"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            (root / parent / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")
    return root


def test_the_checker_finds_upward_imports_cycles_and_silent_function_imports(tmp_path):
    root = _tree(
        tmp_path,
        {
            "core/views.py": "import os\n\nfrom masterstudio.units.models import Unit\n",
            "core/audit.py": "def f():\n    from masterstudio.accounts import models\n",
            "units/models.py": (
                "from masterstudio.core import events\n"
                "from . import forms\n"
                "from .. import policy\n\n\n"
                "def g():\n"
                "    # inside the function: read only when the command runs\n"
                "    from masterstudio.core import clock\n\n"
                "    from masterstudio.policy import (\n"
                "        clauses,  # why: the clause labels are loaded lazily\n"
                "    )\n"
                "    from masterstudio.core import events as again  # a block of imports shares the comment above it\n"
                "    key = None\n"
                "    from masterstudio.core import crypto\n"
            ),
            "accounts/models.py": "from masterstudio.units.models import Unit\n",
            "dashboards/views.py": "from masterstudio.workspaces import roles\n",
            "workspaces/roles.py": "from masterstudio.dashboards import views\n",
            "urls.py": "from masterstudio.workspaces import roles\n",
        },
    )
    imports = collect(root)
    assert sorted(i.where for i in imports) == [
        "accounts/models.py:1",
        "core/audit.py:2",
        "core/views.py:3",
        "dashboards/views.py:1",
        "units/models.py:1",
        "units/models.py:10",
        "units/models.py:13",
        "units/models.py:15",
        "units/models.py:3",
        "units/models.py:8",
        "urls.py:1",
        "workspaces/roles.py:1",
    ]
    assert upward(imports) == [
        "core/audit.py:2: core imports accounts (inside a function) — floor 1 may not import floor 3",
        "core/views.py:3: core imports units (at module level) — floor 1 may not import floor 2",
        "dashboards/views.py:1: dashboards imports workspaces (at module level) — floor 20 may not import floor 20",
        "workspaces/roles.py:1: workspaces imports dashboards (at module level) — floor 20 may not import floor 20",
    ]
    assert cycles(imports) == [["accounts", "core", "units"], ["dashboards", "workspaces"]]
    assert core_business(imports) == [
        "core/audit.py:2: core imports accounts (inside a function)",
        "core/views.py:3: core imports units (at module level)",
    ]
    assert unexplained(imports) == [
        "core/audit.py:2: core imports accounts (inside a function)",
        "units/models.py:15: units imports core (inside a function)",
    ]


def test_the_checker_passes_a_package_that_keeps_its_floors(tmp_path):
    root = _tree(
        tmp_path,
        {
            "core/views.py": "from masterstudio.policy import clauses\n",
            "units/models.py": "def g():\n    from masterstudio.core import clock  # lazily: the demo clock\n",
            "workspaces/views.py": "from masterstudio.units.models import Unit\n",
        },
    )
    imports = collect(root)
    assert len(imports) == 3
    assert upward(imports) == cycles(imports) == core_business(imports) == unexplained(imports) == []
