"""What-if: the same applications under two parameter sets.

    base = load_parameters()
    stricter = base.with_overrides({"team_min_size": 4})
    report = compare(applications, base, stricter)

For each application whose outcome or any clause result differs, the report lists the clause
results before and after with both messages; a summary counts outcomes under each set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from .eligibility import evaluate_application, parse_application
from .errors import PolicyInputError
from .occupations import Catalogue, load_catalogue
from .params import ParameterSet, resolve


def compare(
    applications: Iterable[Any],
    base: ParameterSet | str | None,
    alternative: ParameterSet | str | None,
    *,
    catalogue: Catalogue | None = None,
    labels: Iterable[str] | None = None,
) -> dict:
    """Evaluate every application under ``base`` and ``alternative`` and report the differences.

    ``labels`` names the applications in the report (default: their position). An application that
    cannot be evaluated is reported under ``errors`` with its error, not dropped silently.
    """
    before_set, after_set = resolve(base), resolve(alternative)
    cat = catalogue or load_catalogue()
    items = list(applications)
    names = list(labels) if labels is not None else [str(i) for i in range(len(items))]
    if len(names) != len(items):
        raise ValueError("labels must name every application")
    counts_before: Counter = Counter()
    counts_after: Counter = Counter()
    changes, errors = [], []
    for name, payload in zip(names, items, strict=False):
        try:
            app = parse_application(payload, cat)
            before = evaluate_application(app, before_set, cat)
            after = evaluate_application(app, after_set, cat)
        except PolicyInputError as error:
            errors.append({"application": name, **error.to_dict()})
            continue
        counts_before[before["outcome"]] += 1
        counts_after[after["outcome"]] += 1
        clause_changes = _clause_changes(before["checks"], after["checks"])
        if clause_changes or before["outcome"] != after["outcome"]:
            changes.append(
                {
                    "application": name,
                    "outcome_before": before["outcome"],
                    "outcome_after": after["outcome"],
                    "outcome_changed": before["outcome"] != after["outcome"],
                    "clauses": clause_changes,
                }
            )
    return {
        "base": {"version": before_set.version, "overridden": list(before_set.overridden)},
        "alternative": {"version": after_set.version, "overridden": list(after_set.overridden)},
        "parameter_changes": parameter_changes(before_set, after_set),
        "evaluated": sum(counts_before.values()),
        "outcomes_before": dict(counts_before),
        "outcomes_after": dict(counts_after),
        "outcome_changes": sum(1 for c in changes if c["outcome_changed"]),
        "changes": changes,
        "errors": errors,
    }


def _clause_changes(before: list[Mapping], after: list[Mapping]) -> list[dict]:
    old = {c["clause"]: c for c in before}
    new = {c["clause"]: c for c in after}
    result = []
    for clause in list(dict.fromkeys([*old, *new])):
        a, b = old.get(clause), new.get(clause)
        if a is not None and b is not None and a["result"] == b["result"] and a["message"] == b["message"]:
            continue
        result.append(
            {
                "clause": clause,
                "before": a["result"] if a else None,
                "after": b["result"] if b else None,
                "message_before": a["message"] if a else None,
                "message_after": b["message"] if b else None,
            }
        )
    return result


def parameter_changes(before: ParameterSet, after: ParameterSet) -> list[dict]:
    """The parameters whose dated values differ between the two sets."""
    changed = []
    for name in sorted(set(before.parameters) | set(after.parameters)):
        a = before.parameters.get(name)
        b = after.parameters.get(name)
        da = a.to_dict()["values"] if a else None
        db = b.to_dict()["values"] if b else None
        if da != db:
            changed.append({"name": name, "before": da, "after": db})
    return changed


def render(report: Mapping) -> str:
    """The report as Chinese text."""
    outcome = {"eligible": "符合", "ineligible": "不符合", "undetermined": "待定"}
    lines = [f"参数对比：{report['base']['version']} → {report['alternative']['version']}"]
    for change in report["parameter_changes"]:
        before = "；".join(str(v["value"]) for v in change["before"] or [])
        after = "；".join(str(v["value"]) for v in change["after"] or [])
        lines.append(f"  参数 {change['name']}：{before} → {after}")
    lines.append(f"共评估 {report['evaluated']} 份申报，结论改变 {report['outcome_changes']} 份")
    for change in report["changes"]:
        head = f"申报 {change['application']}：{outcome[change['outcome_before']]} → {outcome[change['outcome_after']]}"
        lines.append(head)
        for clause in change["clauses"]:
            lines.append(
                f"  {clause['clause']}：{clause['before']} → {clause['after']}；现为：{clause['message_after']}"
            )
    for error in report["errors"]:
        lines.append(f"申报 {error['application']} 无法评估：{error['error']['message']}")
    return "\n".join(lines)
