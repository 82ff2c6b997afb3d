"""Vocational skill levels: order and Chinese names (一级 is the highest of the five grades)."""

from __future__ import annotations

import pytest

from masterstudio.policy import skills


def test_levels_lowest_first():
    assert list(skills.CODES) == [
        "apprentice",
        "junior",
        "intermediate",
        "senior",
        "technician",
        "senior_technician",
        "special_technician",
        "chief_technician",
    ]
    assert [skills.rank(c) for c in skills.CODES] == list(range(8))


def test_labels():
    assert [skills.label(c) for c in skills.CODES] == [
        "学徒工",
        "五级/初级工",
        "四级/中级工",
        "三级/高级工",
        "二级/技师",
        "一级/高级技师",
        "特级技师",
        "首席技师",
    ]


def test_technician_and_above():
    above = [c for c in skills.CODES if skills.at_least(c, "technician")]
    assert above == ["technician", "senior_technician", "special_technician", "chief_technician"]


@pytest.mark.parametrize(
    "text,code",
    [
        ("技师", "technician"),
        ("二级", "technician"),
        ("国家职业资格一级", "senior_technician"),
        ("一级/高级技师", "senior_technician"),
        ("高级工", "senior"),
        ("首席技师", "chief_technician"),
        (" senior ", "senior"),
        ("大师", None),
        (3, None),
    ],
)
def test_parse_chinese_names(text, code):
    assert skills.parse(text) == code


def test_unknown_level_raises():
    with pytest.raises(KeyError):
        skills.rank("master")
