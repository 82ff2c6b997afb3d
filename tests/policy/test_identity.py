"""居民身份证号 and 统一社会信用代码: literal known-valid numbers, generated numbers, single-digit errors."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from masterstudio.policy.identity import (
    credit_check_char,
    id_check_char,
    mask_id_number,
    validate_credit_code,
    validate_id_number,
)

from .helpers import CREDIT_CHARSET, credit_code, id_number


def test_known_valid_id_is_female_born_1949_12_31():
    valid, reason, facts = validate_id_number("11010519491231002X")
    assert valid and reason is None
    assert facts == {"birth_date": date(1949, 12, 31), "gender": "female", "region_code": "110105"}


def test_known_valid_credit_code():
    valid, reason, facts = validate_credit_code("91350100M000100Y43")
    assert valid and reason is None
    assert facts["registration_authority"] == "工商（市场监管）"
    assert facts["organisation_category"] == "企业"
    assert facts["region_code"] == "350100"
    assert facts["organisation_code"] == "M000100Y4"
    assert facts["organisation_code_check_ok"] is True


def test_helper_and_engine_agree_on_check_characters():
    assert id_number("1975-03-08", male=True, order=12)[-1] == id_check_char(id_number("1975-03-08", male=True)[:17])
    assert credit_code("91350100M000100Y4") == "91350100M000100Y43"
    assert credit_check_char("91350100M000100Y4") == "3"


def test_gender_comes_from_the_17th_digit():
    assert validate_id_number(id_number("1990-01-01", male=True)).facts["gender"] == "male"
    assert validate_id_number(id_number("1990-01-01", male=False)).facts["gender"] == "female"


def test_id_reasons_are_chinese_and_specific():
    assert validate_id_number("11010519491231002").reason == "长度应为18位（当前 17 位）"
    assert validate_id_number("110105194913310024").reason == "出生日期 19491331 不是有效日期"
    assert validate_id_number("110105194912310021").reason == "校验码错误"
    assert validate_id_number("11010519491231002Y").reason == "第18位（校验码）应为数字或 X"
    assert validate_id_number(110105).reason == "身份证号应为字符串"
    assert "地址码" in validate_id_number("000105194912310020").reason


def test_check_digit_x_only_in_last_place():
    body = "11010519491231002"
    assert validate_id_number(body + "X").valid
    assert not validate_id_number("X" + body[1:] + "X").valid


def test_masking_hides_the_birth_date():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("11010519491231002x") == "110105********002X"
    assert mask_id_number("123456") == "**3456"
    assert mask_id_number("") == ""


def test_credit_code_reasons():
    assert validate_credit_code("91350100M000100Y44").reason == "校验码错误"
    assert validate_credit_code("91350100M00010").reason == "长度应为18位（当前 14 位）"
    assert "第16位“I”" in validate_credit_code("91350100M000100I43").reason
    assert validate_credit_code(None).valid is False


def test_credit_code_check_value_31_maps_to_0():
    # Find a body whose weighted sum is a multiple of 31: its check character is "0".
    for tail in CREDIT_CHARSET:
        body = "9111030200000000" + tail
        if credit_check_char(body) == "0":
            assert validate_credit_code(body + "0").valid
            break
    else:
        raise AssertionError("no body with check character 0 in this family")


births = st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31))


@given(birth=births, male=st.booleans(), order=st.integers(min_value=0, max_value=99))
def test_generated_id_numbers_validate(birth, male, order):
    number = id_number(birth.isoformat(), male=male, order=order)
    valid, reason, facts = validate_id_number(number)
    assert valid, reason
    assert facts["birth_date"] == birth
    assert facts["gender"] == ("male" if male else "female")


@given(birth=births, male=st.booleans(), position=st.integers(min_value=0, max_value=17), delta=st.integers(1, 9))
def test_any_single_digit_change_makes_an_id_invalid(birth, male, position, delta):
    number = id_number(birth.isoformat(), male=male)
    char = number[position]
    if char == "X":
        replacement = str(delta)
    else:
        replacement = str((int(char) + delta) % 10)
    changed = number[:position] + replacement + number[position + 1 :]
    assert changed != number
    assert not validate_id_number(changed).valid


body_chars = st.text(alphabet=CREDIT_CHARSET, min_size=17, max_size=17)


@given(body=body_chars)
def test_generated_credit_codes_validate(body):
    assert validate_credit_code(credit_code(body)).valid


@given(body=body_chars, position=st.integers(0, 17), shift=st.integers(1, 30))
def test_any_single_character_change_makes_a_credit_code_invalid(body, position, shift):
    code = credit_code(body)
    replacement = CREDIT_CHARSET[(CREDIT_CHARSET.index(code[position]) + shift) % 31]
    changed = code[:position] + replacement + code[position + 1 :]
    assert not validate_credit_code(changed).valid
