"""Services take values, not HTTP (issue 19.4): a view reads the request, validates it with its
form and passes the cleaned values; a service never sees a request, a ``QueryDict`` or a form.
Read from the source (ast), so a service written the old way fails here before it is ever called:
every module named ``services*.py`` or inside a ``services`` package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "masterstudio"

#: parameter names that carry HTTP (the request itself, its POST/FILES data) or a bound form
HTTP_NAMES = {"request", "querydict", "query_dict", "post", "files", "form", "formset"}
#: annotations that carry HTTP or a form
HTTP_TYPES = ("HttpRequest", "QueryDict", "MultiValueDict", "Form", "FormSet")


#: services still taking HTTP or a form, with why, as the check reports it (line numbers aside): none since
#: the wizard's draft is read by ``applications.wizard.read_draft`` (values in, values out). Kept so a
#: new finding fails here with the reason it would have to give.
KNOWN: dict[str, list[str]] = {}


def service_modules() -> list[Path]:
    return sorted(
        path
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        and (path.name.startswith("services") or "services" in path.relative_to(SRC).parts[:-1])
    )


def _imports_forms(node: ast.AST) -> str | None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == "django.forms" or alias.name.startswith("django.forms.") or alias.name.endswith(".forms"):
                return alias.name
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        if module == "django.forms" or module.startswith("django.forms.") or module.endswith(".forms"):
            return module
        if module == "forms" and node.level:  # from .forms import …
            return "." * node.level + module
        if any(alias.name == "forms" for alias in node.names):  # from django import forms / from . import forms
            return f"{'.' * node.level}{module}.forms"
    return None


def findings(source: str) -> list[str]:
    """What in ``source`` (a service module's text) takes HTTP or a form, one line each."""
    found = []
    for node in ast.walk(ast.parse(source)):
        module = _imports_forms(node)
        if module:
            found.append(f"line {node.lineno}: imports {module}")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if arg is None:
                    continue
                annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                if arg.arg.lower() in HTTP_NAMES or any(kind in annotation for kind in HTTP_TYPES):
                    found.append(f"line {node.lineno}: {node.name}({arg.arg}{': ' + annotation if annotation else ''})")
    return found


def test_the_service_modules_are_found():
    names = {str(path.relative_to(SRC)) for path in service_modules()}
    assert "experts/services/draws.py" in names and "reviews/services/materials.py" in names
    assert "applications/services/drafts.py" in names and "accounts/services.py" in names


@pytest.mark.parametrize("path", service_modules(), ids=lambda path: str(path.relative_to(SRC)))
def test_a_service_takes_values_not_requests_or_forms(path):
    found = [line.split(": ", 1)[1] for line in findings(path.read_text(encoding="utf-8"))]
    assert found == KNOWN.get(str(path.relative_to(SRC)), [])


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from masterstudio.units.forms import BranchForm\n", "imports masterstudio.units.forms"),
        ("from .forms import BranchForm\n", "imports .forms"),
        ("from django import forms\n", "imports django.forms"),
        ("def f():\n    from django.forms import Form\n", "imports django.forms"),
        ("def save(request, x):\n    pass\n", "save(request)"),
        ("def save(x, *, querydict=None):\n    pass\n", "save(querydict)"),
        ("def save(post: QueryDict):\n    pass\n", "save(post: QueryDict)"),
        ("def save(data: 'ApplicationForm'):\n    pass\n", "save(data: 'ApplicationForm')"),
        ("def save(data: HttpRequest):\n    pass\n", "save(data: HttpRequest)"),
    ],
)
def test_the_check_sees_a_service_written_the_old_way(source, expected):
    assert any(expected in line for line in findings(source)), findings(source)


def test_the_check_leaves_values_alone():
    source = "from masterstudio.units.models import Branch\n\ndef save_branch(branch, *, name: str, actor):\n    pass\n"
    assert findings(source) == []
