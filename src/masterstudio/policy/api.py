"""The one door of the policy calculator (政策计算器): ``run(name, payload)``.

The command line (``manage.py policy NAME``) and HTTP (``POST /api/policy/NAME``) wrappers both call
``run`` and only translate its result: a dict is the answer (exit 0 / HTTP 200); a
``PolicyInputError`` is bad input (exit 2 / HTTP 400) with ``error.to_dict()`` as the body.
Questions (contract ``/work/shared/contracts/policy-api.md``): eligibility, retirement, deadline,
funding, identity.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from . import deadlines, eligibility, funding, inputs
from .dates import parse_date
from .errors import IDENTITY_MISMATCH, INVALID_INPUT, INVALID_JSON, PolicyInputError
from .identity import mask_id_number, normalize_id_number, validate_credit_code, validate_id_number
from .occupations import Catalogue, load_catalogue
from .params import ParameterSet, resolve
from .retirement import category_for, retirement
from .versions import Chain, builtin, single
from .workdays import calendar_for

QUESTIONS = ("eligibility", "retirement", "deadline", "funding", "identity")


def run(
    name: str,
    payload: Any,
    *,
    params: ParameterSet | str | None = None,
    calendar_overrides: Mapping | None = None,
    extra_occupations: Iterable[Mapping] | None = None,
    versions: Chain | None = None,
) -> dict:
    """Answer question ``name`` for ``payload`` (a dict, or JSON text / bytes).

    ``params``: a ``ParameterSet`` or a set name answering every date (what-if); None = the version in
    force on the question's date (``versions``: the platform's chain, staff successors included;
    default the shipped versions). Funding reads each award's own date.
    ``calendar_overrides``: ``{year: {"holidays": [...], "workdays": [...]}}`` entered by staff.
    ``extra_occupations``: staff-added catalogue entries (``{"code", "name", ...}``).
    Raises ``PolicyInputError`` for bad input; every other outcome is a returned answer.
    """
    if not isinstance(name, str) or name not in QUESTIONS:
        raise PolicyInputError(INVALID_INPUT, "name", f"未知的问题“{name}”；可用：{'、'.join(QUESTIONS)}")
    data = _decode(payload)
    inputs.refuse_unknown_fields(data, inputs.QUESTION_FIELDS[name])
    chain = single(resolve(params)) if params is not None else (versions or builtin())
    if name == "funding":
        return funding.answer(data, chain=chain)
    pset = chain.params_on(_question_date(name, data) or chain.last().start)
    handler: Callable[..., dict] = _HANDLERS[name]
    answer = handler(data, pset, calendar_overrides, extra_occupations)
    if name == "deadline":
        _warn_after_validity(answer, chain)
    return answer


def _warn_after_validity(answer: dict, chain: Chain) -> None:
    """Art. 20: a period computed to end when no version is in force says so (it is still computed)."""
    end = date.fromisoformat(answer["end"])
    if chain.in_force(end) is None:
        until = chain.last_valid_until
        answer["warnings"] = [
            f"期限截止日 {end.isoformat()} 晚于《办法》有效期截止日 {until.isoformat() if until else ''}（第二十条），"
            f"届时尚无新版办法施行；依本办法作出的认定、奖励或资助不能在有效期后完成"
        ]


def _question_date(name: str, data: Any) -> date | None:
    """The date whose version answers ``name`` (eligibility: as_of; deadline: start or the year's end);
    None when absent or malformed (the question's own reader then names the field)."""
    if not isinstance(data, Mapping):
        return None
    try:
        if name == "eligibility":
            return parse_date(data.get("as_of"), "as_of")
        if name == "deadline":
            if data.get("kind") == "annual_summary":
                year = data.get("year")
                return date(year, 12, 1) if isinstance(year, int) and 2000 <= year <= 2100 else None
            return parse_date(data.get("start"), "start")
    except PolicyInputError:
        return None
    return None


def _decode(payload: Any) -> Any:
    if isinstance(payload, (bytes, bytearray)):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError:
            raise PolicyInputError(INVALID_JSON, None, "请求内容不是 UTF-8 编码的 JSON，请以 UTF-8 编码提交") from None
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except json.JSONDecodeError as error:
            raise PolicyInputError(
                INVALID_JSON,
                None,
                f"请求内容不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列：{error.msg}），请检查括号、"
                "引号和逗号",
            ) from None
    return payload


def catalogue_with(extra_occupations: Iterable[Mapping] | None) -> Catalogue:
    base = load_catalogue()
    if not extra_occupations:
        return base
    return base.with_extra(extra_occupations)


def _eligibility(data, pset, calendar_overrides, extra_occupations) -> dict:
    return eligibility.evaluate(data, params=pset, catalogue=catalogue_with(extra_occupations))


def _deadline(data, pset, calendar_overrides, extra_occupations) -> dict:
    return deadlines.answer(data, pset, calendar_for(calendar_overrides))


def _retirement(data, pset, calendar_overrides, extra_occupations) -> dict:
    return retirement_answer(data)


def _identity(data, pset, calendar_overrides, extra_occupations) -> dict:
    return identity_answer(data)


def retirement_answer(data: Any) -> dict:
    """``{"birth_date", "gender", "original_retirement_age"}`` or ``{"id_number", "original_retirement_age"}``."""
    root = inputs.root_object(data, "退休日期计算")
    birth = inputs.opt_date(root, "birth_date", "")
    gender = inputs.opt_enum(root, "gender", "", {"male": "男", "female": "女"})
    id_number = inputs.opt_str(root, "id_number", "", max_length=30)
    if id_number is not None:
        checked = validate_id_number(id_number)
        if not checked.valid:
            raise inputs.fail("id_number", f"身份证号无效：{checked.reason}；请核对18位居民身份证号")
        facts = checked.facts
        if birth is not None and birth != facts["birth_date"]:
            raise PolicyInputError(
                IDENTITY_MISMATCH,
                "birth_date",
                f"身份证号中的出生日期为 {facts['birth_date'].isoformat()}，与填写的 {birth.isoformat()} "
                "不一致，请核对",
            )
        if gender is not None and gender != facts["gender"]:
            raise PolicyInputError(IDENTITY_MISMATCH, "gender", "身份证号中的性别与填写的性别不一致，请核对")
        birth, gender = facts["birth_date"], facts["gender"]
        inputs.refuse_future_birth(birth, "id_number", source="身份证号中的出生日期")
    else:
        inputs.refuse_future_birth(birth, "birth_date")
    if birth is None:
        raise inputs.fail("birth_date", "请填写出生日期 birth_date（YYYY-MM-DD），或填写身份证号 id_number")
    if gender is None:
        raise inputs.fail("gender", "请填写性别 gender：male（男）或 female（女），或填写身份证号 id_number")
    original = None
    if gender == "female":
        original = inputs.opt_int(root, "original_retirement_age", "", minimum=0, maximum=100)
        if original not in (50, 55):
            raise inputs.fail(
                "original_retirement_age",
                "女职工须填写原法定退休年龄 original_retirement_age：50 或 55（周岁）",
            )
    category = category_for(gender, original)
    assert category is not None
    return retirement(birth, category).to_dict()


def identity_answer(data: Any) -> dict:
    """``{"id_number": …}`` or ``{"credit_code": …}`` → validity (an answer, not an error)."""
    root = inputs.root_object(data, "证件号码校验")
    id_number = root.get("id_number")
    credit_code = root.get("credit_code")
    if id_number is not None and credit_code is not None:
        raise inputs.fail("id_number", "请只提供 id_number 或 credit_code 中的一个")
    if id_number is not None:
        if not isinstance(id_number, str):
            raise inputs.fail("id_number", "id_number 应为字符串（18位居民身份证号）")
        checked = validate_id_number(id_number)
        if not checked.valid:
            return {"valid": False, "reason": checked.reason}
        return {
            "valid": True,
            "birth_date": checked.facts["birth_date"].isoformat(),
            "gender": checked.facts["gender"],
            "region_code": checked.facts["region_code"],
            "masked": mask_id_number(normalize_id_number(id_number)),
        }
    if credit_code is not None:
        if not isinstance(credit_code, str):
            raise inputs.fail("credit_code", "credit_code 应为字符串（18位统一社会信用代码）")
        checked = validate_credit_code(credit_code)
        if not checked.valid:
            return {"valid": False, "reason": checked.reason}
        return {"valid": True, **checked.facts}
    raise inputs.fail("id_number", "请提供 id_number（居民身份证号）或 credit_code（统一社会信用代码）")


_HANDLERS: dict[str, Callable[..., dict]] = {
    "eligibility": _eligibility,
    "retirement": _retirement,
    "deadline": _deadline,
    "identity": _identity,
}
