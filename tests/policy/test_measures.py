"""measures.yaml: every article, the contract's clause ids, reasons for the non-computable ones."""

from __future__ import annotations

from masterstudio.policy.clauses import clause_sort_key, label, measures

CONTRACT_IDS = [
    "4.1",
    "4.2",
    "4.3",
    "4.4",
    "4.5",
    "5.1",
    "5.2",
    "5.3",
    "5.d1",
    "5.d2",
    "5.d3",
    "6.1",
    "6.2",
    "6.3",
    "7.1",
    "7.2",
    "7.3",
    "9.1.1",
    "9.1.2",
    "9.1.3",
    "9.1.4",
    "9.2.1",
    "9.2.2",
    "9.2.3",
    "9.2.4",
    "10",
    "11",
    "12",
    "13.1",
    "13.2",
    "13.3",
    "13.4",
    "14.1",
    "14.2",
    "15.1",
    "15.2",
    "20",
]


def test_all_twenty_articles_are_present_in_order():
    assert [a.number for a in measures().articles] == list(range(1, 21))


def test_contract_clause_ids_exist_and_are_marked():
    doc = measures()
    for clause_id in CONTRACT_IDS:
        assert doc.clause(clause_id).contract, clause_id
    marked = sorted((c.id for c in doc.clauses() if c.contract), key=clause_sort_key)
    assert marked == sorted(CONTRACT_IDS, key=clause_sort_key)


def test_article_texts_hold_their_clauses():
    for article in measures().articles:
        assert article.text.startswith(("第",)), article.number
        for clause in article.clauses:
            assert clause.text in article.text, clause.id


def test_non_computable_clauses_give_reasons():
    reasons = {c.id: c.not_computable for c in measures().clauses() if c.not_computable}
    assert set(reasons) == {"1", "3", "8", "14.3", "17", "18", "19"}
    assert all(len(text) > 10 for text in reasons.values())
    assert "解释" in reasons["19"]


def test_labels_and_sort_order():
    assert label("4.5") == "第4条第（5）项"
    assert label("5.d1") == "第五条直接认定第（1）项"
    ids = ["20", "10", "5.d1", "9.1.1", "5.3", "4.5", "13.1", "13"]
    assert sorted(ids, key=clause_sort_key) == ["4.5", "5.3", "5.d1", "9.1.1", "10", "13", "13.1", "20"]


def test_materials_have_the_measures_titles():
    assert measures().clause("9.1.1").title == "领办人国家职业资格或技能等级证书等证明材料"
    assert measures().clause("9.2.1").title == "领办人职位职级情况、技艺水平或实操经验等证明材料"
