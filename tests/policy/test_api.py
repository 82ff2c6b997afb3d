"""The one door: run(name, payload); JSON handling, errors, helpers for the Django side, purity."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from masterstudio.policy import QUESTIONS, PolicyInputError, run
from masterstudio.policy.funding import Award, excellent_reward, initial_grant, recovery, title_reward

from .helpers import application

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "masterstudio" / "policy"


def test_questions():
    assert QUESTIONS == ("eligibility", "retirement", "deadline", "funding", "identity")


def test_unknown_question_is_invalid_input():
    with pytest.raises(PolicyInputError) as raised:
        run("pension", {})
    assert raised.value.to_dict() == {
        "error": {
            "code": "invalid_input",
            "field": "name",
            "message": "未知的问题“pension”；可用：eligibility、retirement、deadline、funding、identity",
        }
    }


def test_json_text_and_bytes_are_accepted():
    payload = json.dumps({"kind": "annual_summary", "year": 2026})
    assert run("deadline", payload)["end"] == "2026-12-15"
    assert run("deadline", payload.encode("utf-8"))["end"] == "2026-12-15"


@pytest.mark.parametrize("text", ["{", "{'kind': 1}", "", b"\xff\xfe"])
def test_broken_json_is_invalid_json(text):
    with pytest.raises(PolicyInputError) as raised:
        run("deadline", text)
    assert raised.value.code == "invalid_json"
    assert raised.value.field is None


def test_answers_are_plain_json():
    for name, payload in [
        ("eligibility", application()),
        ("retirement", {"birth_date": "1967-05-12", "gender": "male"}),
        ("deadline", {"kind": "public_notice", "start": "2026-09-28"}),
        ("funding", {"as_of": "2026-12-31", "recognized_on": "2024-06-20", "revoked_on": "2026-01-01"}),
        ("identity", {"credit_code": "91350100M000100Y43"}),
    ]:
        result = run(name, payload)
        assert json.loads(json.dumps(result, ensure_ascii=False)) == result


def test_eligibility_policy_block():
    result = run("eligibility", application())
    assert result["policy"]["valid_until"] == "2027-01-10"
    assert result["policy"]["version"].startswith("measures-2026-draft@")


def test_parameter_set_by_name_and_what_if():
    answer = run("deadline", {"kind": "annual_summary", "year": 2026}, params="measures-2026-draft")
    assert answer["end"] == "2026-12-15"


def test_funding_helpers_for_the_django_side():
    grant = initial_grant(date(2024, 6, 20))
    assert grant == Award("initial", "14.1", date(2024, 6, 20), Decimal("200000.00"))
    reward = excellent_reward(2024, date(2025, 1, 15), paid=True)
    title = title_reward("national", date(2025, 9, 1), paid=False)
    assert (reward.clause, reward.amount) == ("14.2", Decimal("100000.00"))
    assert (title.clause, title.amount) == ("15.1", Decimal("200000.00"))
    back = recovery([grant, reward, title], date(2024, 6, 20), date(2025, 12, 31))
    assert back.to_dict() == {
        "cycle_start": "2024-06-20",
        "cycle_end": "2027-06-19",
        "amount": "500000.00",
        "clauses": ["14.1", "14.2", "15.1"],
        "revoked_on": "2025-12-31",
        "awards": [grant.to_dict(), reward.to_dict(), title.to_dict()],
        "recover_amount": "100000.00",
        "cancel_amount": "200000.00",
    }


def test_helpers_refuse_grants_after_validity():
    with pytest.raises(PolicyInputError) as raised:
        initial_grant(date(2027, 1, 11))
    assert raised.value.code == "policy_expired"
    with pytest.raises(PolicyInputError) as raised:
        title_reward("beijing", date(2027, 2, 1), field="titles.0.on")
    assert (raised.value.code, raised.value.field) == ("policy_expired", "titles.0.on")
    assert excellent_reward(2026, date(2027, 1, 10)).amount == Decimal("100000.00")


def test_policy_package_imports_nothing_from_django():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path
    code = (
        f"import sys; sys.path.insert(0, {str(SRC)!r}); import masterstudio.policy as p; "
        "import masterstudio.policy.coverage, masterstudio.policy.whatif, masterstudio.policy.explain; "
        "p.run('identity', {'id_number': '11010519491231002X'}); "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'; "
        "assert 'cscoder' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
