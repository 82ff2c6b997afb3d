from decimal import Decimal as D

import pytest

from masterstudio.experts.aggregate import aggregate


@pytest.mark.parametrize(
    "method, values, expected, used",
    [
        ("mean", ["80", "90", "70"], "80.00", "mean"),
        ("median", ["80", "95", "70", "60"], "75.00", "median"),
        ("trimmed", ["80", "95", "70", "60"], "75.00", "trimmed"),
        ("trimmed", ["90", "10", "88", "86", "100"], "88.00", "trimmed"),
        ("trimmed", ["90", "70"], "80.00", "mean"),
        ("mean", ["85.555", "85.555"], "85.56", "mean"),
    ],
)
def test_aggregation_methods(method, values, expected, used):
    summary = aggregate([D(v) for v in values], method)
    assert summary.value == D(expected)
    assert summary.method_used == used
    assert summary.spread == max(D(v) for v in values) - min(D(v) for v in values)


def test_trimmed_with_two_scores_says_why_it_fell_back():
    summary = aggregate([D("90"), D("70")], "trimmed")
    assert "不足 3 份" in summary.note


def test_no_scores_gives_no_value():
    assert aggregate([], "mean").value is None
