"""GB 11643-1999 (居民身份证号) and GB 32100-2015 (统一社会信用代码) with real check characters."""

import pytest

from masterstudio.core.identifiers import check_credit_code, check_id_number, id_number_facts, mask_id_number
from tests.factories import id_number


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519750308001X", "110105199002200027"])
def test_valid_id_numbers(number):
    assert check_id_number(number) == (True, "")


def test_id_number_wrong_check_digit():
    assert check_id_number("110105194912310021") == (False, "校验码错误")


def test_id_number_impossible_birth_date():
    valid, reason = check_id_number("110105202602300012")
    assert not valid and "不是有效日期" in reason


@pytest.mark.parametrize("value,fragment", [("1101051949123100", "18位"), ("11010519491231002Y", "第18位")])
def test_id_number_shape(value, fragment):
    valid, reason = check_id_number(value)
    assert not valid and fragment in reason


def test_id_number_facts_birth_and_gender():
    assert id_number_facts("11010519491231002X") == {
        "birth_date": __import__("datetime").date(1949, 12, 31),
        "gender": "female",
    }
    assert id_number_facts(id_number("1983-02-25", male=True))["gender"] == "male"


def test_mask_keeps_region_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110302MA01ABCD0Y", "91110302MA01EFGH1Q"])
def test_valid_credit_codes(code):
    assert check_credit_code(code) == (True, "")


def test_credit_code_wrong_check_character():
    assert check_credit_code("91350100M000100Y44") == (False, "校验码错误")


def test_credit_code_forbidden_letters():
    valid, reason = check_credit_code("91350100M000100I43")
    assert not valid and "“I”不是允许的字符" in reason
