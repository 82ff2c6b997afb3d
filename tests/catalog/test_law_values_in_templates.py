"""Law values are never typed into templates (issue 19.3): they come from the policy parameters
through ``{% param %}``, for the date in question."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

from masterstudio.catalog import engine
from masterstudio.catalog.templatetags.policy_params import day_of, display
from masterstudio.policy import params as engine_params
from masterstudio.policy import versions as engine_versions

CHINESE = {1: "一", 2: "两|二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}
# the words a template puts after a number of each parameter unit
UNIT_WORDS = {"人": r"\s*(?:名|人)", "年": r"\s*(?:年|周年)(?!度|级|\d)", "工作日": r"\s*个?\s*工作日"}


def template_files() -> list[Path]:
    roots = [Path(d) for t in settings.TEMPLATES for d in t["DIRS"]]
    roots += [p for p in (Path(settings.BASE_DIR) / "src" / "masterstudio").glob("*/templates")]
    return sorted({f for root in roots if root.is_dir() for f in root.rglob("*") if f.suffix in (".html", ".txt")})


def law_value_patterns() -> dict[str, re.Pattern]:
    """Parameter name → a pattern of its value as a template would type it, for every shipped value."""
    patterns: dict[str, list[str]] = {}
    for version in engine_versions.builtin().versions:
        if version.params is None:
            continue
        for parameter in version.params.parameters.values():
            for entry in parameter.values:
                found = patterns.setdefault(parameter.name, [])
                value = entry.value
                if parameter.type == "integer" and parameter.unit in UNIT_WORDS:
                    numbers = [rf"(?<![\d.]){value}"]
                    if value in CHINESE:
                        # “一年的安排” is a year, not a number of years
                        numbers.append(rf"(?<![同每第单某])(?:{CHINESE[value]})(?!{UNIT_WORDS[parameter.unit]}的)")
                    found += [f"(?:{n}){UNIT_WORDS[parameter.unit]}" for n in numbers]
                elif parameter.type == "money":
                    found.append(rf"(?<![\d.]){value.normalize():f}\s*元")
                    if value % 10000 == 0:
                        found.append(rf"(?<![\d.]){(value / 10000).normalize():f}\s*万元")
                elif parameter.type == "date":
                    found.append(rf"{value.year}\s*年\s*{value.month}\s*月\s*{value.day}\s*日")
                elif parameter.type == "month_day":
                    month, day = (int(x) for x in value.split("-"))
                    found.append(rf"(?<!\d){month}\s*月\s*{day}\s*日")
    return {name: re.compile("|".join(f"(?:{p})" for p in alts)) for name, alts in patterns.items() if alts}


def strip_tags(text: str) -> str:
    """The template's own text: tags, variables and comments taken out (a date in a variable is fine)."""
    return re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", text, flags=re.S)


def law_values_in(text: str) -> list[str]:
    hits = []
    for name, pattern in law_value_patterns().items():
        hits += [f"{match.group(0)} ({name})" for match in pattern.finditer(strip_tags(text))]
    return hits


def test_no_template_types_a_law_value():
    found = {}
    for path in template_files():
        hits = law_values_in(path.read_text(encoding="utf-8"))
        if hits:
            found[str(path.relative_to(settings.BASE_DIR))] = hits
    assert found == {}


def test_the_scan_sees_law_values_typed_in_the_ways_templates_wrote_them():
    assert law_values_in("除领办人外，应由 3 名以上正式员工组成") == ["3 名 (team_min_size)"]
    assert "20 万元 (initial_grant_amount)" in law_values_in("首次认定给予一次性资助 20 万元")
    assert law_values_in("公示 5 个工作日") == ["5 个工作日 (public_notice_working_days)"]
    assert law_values_in("超过一年未开展工作") == ["一年 (inactivity_years)"]
    assert law_values_in("有效期截止 2027 年 1 月 10 日") == ["2027 年 1 月 10 日 (valid_until)"]
    assert law_values_in("于每年12月15日前报送") == ["12月15日 (annual_summary_deadline)"]
    assert law_values_in("同一年度的优秀奖励；2022年版大典；{{ x }}年；录入一年的安排") == []


def test_the_tag_shows_values_with_their_units():
    pset = engine_params.load()
    assert display(pset.param("initial_grant_amount"), Decimal("200000.00"), "万元") == "20"
    assert display(pset.param("fixed_asset_threshold"), Decimal("1500.00")) == "1500"
    assert display(pset.param("valid_until"), date(2027, 1, 10)) == "2027年1月10日"
    assert display(pset.param("annual_summary_deadline"), "12-15") == "12月15日"
    with pytest.raises(ValueError, match="unit must be one of"):
        display(pset.param("initial_grant_amount"), Decimal("200000.00"), "千元")


def render(source: str, **context) -> str:
    return Template("{% load policy_params %}" + source).render(Context(context))


def test_the_tag_reads_the_value_in_force_on_the_date(monkeypatch):
    draft = engine_params.load()
    entries = engine_params.entries_of(draft, date(2026, 6, 30))
    entries["team_min_size"]["value"] = 4
    entries["initial_grant_amount"]["value"] = "300000"
    entries["valid_until"]["value"] = "2029-12-31"
    text = "\n".join(f"第{n}条 ……" for n in range(1, 21))
    successor = engine_params.from_entries(draft, "measures-2027", "2027 年版", text, entries, date(2027, 1, 11))
    chain = engine_versions.builtin().plus(
        [
            engine_versions.Version(
                "measures-2027", "2027 年版", "2027", date(2027, 1, 11), date(2029, 12, 31), successor
            )
        ]
    )
    monkeypatch.setattr(engine, "versions", lambda: chain)
    source = '{% param "team_min_size" on=on %}|{% param "initial_grant_amount" on=on unit="万元" %}'
    # the former Measures (before the draft) hold no values: the nearest known ones answer
    assert render(source, on=date(2024, 3, 1)) == "3|20"
    assert render(source, on=date(2026, 6, 30)) == "3|20"
    assert render(source, on="2027-03-01") == "4|30"
    assert render('{% param "valid_until" on=on %}', on=date(2027, 3, 1)) == "2029年12月31日"


@pytest.mark.django_db
def test_the_tag_without_a_date_reads_today():
    today = timezone.localdate()
    assert day_of(None) == today
    expected = engine.params_on(today).get("public_notice_working_days", today)
    assert render('{% param "public_notice_working_days" %}') == str(expected)
