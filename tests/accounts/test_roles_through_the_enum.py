"""Roles are compared through ``Role`` (accounts.models.Role), never string literals (issue 19.3)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.template import Context, Template

from masterstudio.accounts.models import Role
from masterstudio.core import roles

SRC = Path(__file__).resolve().parents[2] / "src" / "masterstudio"
ROLE_VALUES = {role.value for role in Role}
TEMPLATE_COMPARISON = re.compile(
    r"""\brole\s*(?:==|!=)\s*['"](?:{values})['"]|['"](?:{values})['"]\s*(?:==|!=)\s*[\w.]*\brole\b"""
    r"""|\brole\s+(?:not\s+)?in\s+['"(\[]""".format(values="|".join(sorted(ROLE_VALUES)))
)


def _is_role(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "role") or (
        isinstance(node, ast.Name) and node.id == "role"
    )


def _role_strings(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in ROLE_VALUES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_role_strings(item) for item in node.elts)
    return False


def string_role_comparisons(source: str) -> list[int]:
    """Line numbers of a role compared with a string literal, a role filter or ``role_required`` given strings."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_role(o) for o in operands) and any(_role_strings(o) for o in operands):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "role_required" and any(_role_strings(arg) for arg in node.args):
                lines.append(node.lineno)
            if name in ("filter", "exclude", "get") and any(
                k.arg in ("role", "role__in") and _role_strings(k.value) for k in node.keywords
            ):
                lines.append(node.lineno)
    return sorted(lines)


def python_files():
    return [p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.parts]


def template_files():
    return [p for p in sorted(SRC.rglob("templates/**/*")) if p.suffix in (".html", ".txt")]


def test_no_python_module_compares_a_role_with_a_string():
    found = {
        str(path.relative_to(SRC)): lines
        for path in python_files()
        if (lines := string_role_comparisons(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_no_template_compares_a_role_with_a_string():
    found = {
        str(path.relative_to(SRC)): TEMPLATE_COMPARISON.findall(path.read_text(encoding="utf-8"))
        for path in template_files()
    }
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_checks_see_the_forms_string_comparisons_took():
    source = """
if user.role == "unit": pass
if actor.role not in ("unit", "leader"): pass
if "staff" != request.user.role: pass
User.objects.filter(role="expert")
@role_required("staff")
def view(request): pass
if user.role == Role.UNIT or user.role in (Role.UNIT, Role.LEADER): pass
"""
    assert string_role_comparisons(source) == [2, 3, 4, 5, 6]
    assert TEMPLATE_COMPARISON.findall("""{% if user.role == "unit" %}{% if u.role != 'staff' %}""")
    assert not TEMPLATE_COMPARISON.findall("{% if user.role == Role.UNIT %}")


def test_templates_compare_roles_through_the_context_enum(rf):
    assert Role is roles.Role
    from masterstudio.workspaces.context_processors import roles as roles_context

    template = Template("{% if user.role == Role.UNIT %}unit{% elif user.role == Role.STAFF %}staff{% endif %}")

    class User:
        role = "staff"

    assert template.render(Context({"user": User(), **roles_context(rf.get("/"))})) == "staff"
