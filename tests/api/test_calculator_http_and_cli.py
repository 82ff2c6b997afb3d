"""The policy calculator over real HTTP and on the command line, as the contract says."""

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FUNDING = {
    "as_of": "2026-12-31",
    "recognized_on": "2024-06-20",
    "assessments": [{"year": 2024, "grade": "excellent", "on": "2025-01-15"}],
    "titles": [{"level": "beijing", "on": "2025-09-01"}],
    "revoked_on": None,
}

ELIGIBILITY = {
    "as_of": "2026-06-30",
    "unit": {
        "name": "北京亦庄示例精密机械有限公司",
        "credit_code": "91110302MA01ABCD0Y",
        "kind": "enterprise",
        "in_etown": True,
        "lawful_operation": True,
        "has_talent_pipeline": True,
        "has_talent_systems": True,
        "has_stable_funding": True,
        "has_facilities": True,
        "has_management_rules": True,
        "branch": None,
    },
    "leader": {
        "name": "张某",
        "id_number": None,
        "birth_date": "1975-03-08",
        "gender": "male",
        "original_retirement_age": None,
        "employed": True,
        "frontline": True,
        "frontline_years": 22,
        "occupation_code": "6-18-01-01",
        "occupation_name": "车工",
        "skill_level": "technician",
        "honors": [],
        "practical_mastery": None,
    },
    "team": [
        {"name": "李某", "formal_employee": True},
        {"name": "王某", "formal_employee": True},
        {"name": "赵某", "formal_employee": True},
    ],
    "existing_studios": [],
}


def post(live_server, name, body: bytes):
    request = urllib.request.Request(
        f"{live_server.url}/api/policy/{name}", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.django_db(transaction=True)
def test_http_answers_the_contract_examples(live_server):
    status, data = post(live_server, "deadline", json.dumps({"kind": "public_notice", "start": "2026-09-28"}).encode())
    assert status == 200
    assert data == {
        "end": "2026-10-09",
        "days": ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09"],
    } or (data["end"], data["days"]) == (
        "2026-10-09",
        ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09"],
    )
    status, data = post(
        live_server,
        "retirement",
        json.dumps({"birth_date": "1967-05-12", "gender": "male", "original_retirement_age": None}).encode(),
    )
    assert (status, data["retirement_date"], data["retirement_age"], data["delay_months"]) == (
        200,
        "2028-01-12",
        {"years": 60, "months": 8},
        8,
    )
    status, data = post(live_server, "funding", json.dumps(FUNDING).encode())
    assert status == 200 and data["total"] == "400000.00" and data["recovery"] is None
    assert [(a["clause"], a["amount"]) for a in data["awards"]] == [
        ("14.1", "200000.00"),
        ("14.2", "100000.00"),
        ("15.2", "100000.00"),
    ]
    status, data = post(live_server, "eligibility", json.dumps(ELIGIBILITY).encode())
    assert status == 200 and data["outcome"] == "eligible" and data["route"] == "listed"
    assert [c["clause"] for c in data["checks"]][:5] == ["4.1", "4.2", "4.3", "4.4", "4.5"]


@pytest.mark.django_db(transaction=True)
def test_http_errors_are_400_with_the_contract_object(live_server):
    status, data = post(live_server, "retirement", b"{not json")
    assert status == 400 and data["error"]["code"] == "invalid_json"
    status, data = post(live_server, "retirement", json.dumps({"birth_date": "1967/05/12", "gender": "male"}).encode())
    assert status == 400 and data["error"]["code"] == "invalid_input" and data["error"]["field"] == "birth_date"
    assert data["error"]["message"]
    bad = dict(ELIGIBILITY, leader=dict(ELIGIBILITY["leader"], occupation_code="9-99-99-99"))
    status, data = post(live_server, "eligibility", json.dumps(bad).encode())
    assert status == 400 and data["error"]["code"] in {"unknown_occupation", "invalid_input"}
    status, data = post(live_server, "deadline", json.dumps({"kind": "public_notice", "start": "2027-02-01"}).encode())
    assert status == 400 and data["error"]["code"] == "calendar_year_unknown"


@pytest.mark.django_db(transaction=True)
def test_openapi_document_lists_the_five_questions(live_server):
    with urllib.request.urlopen(f"{live_server.url}/api/openapi.json", timeout=20) as response:
        document = json.loads(response.read())
    paths = document["paths"]
    for name in ("eligibility", "retirement", "deadline", "funding", "identity"):
        assert "post" in paths[f"/api/policy/{name}"]


def run_cli(*args, stdin: bytes = b""):
    result = subprocess.run(
        [sys.executable, "manage.py", "policy", *args], cwd=ROOT, input=stdin, capture_output=True, timeout=120
    )
    return result.returncode, json.loads(result.stdout.decode() or "null"), result.stderr.decode()


def test_cli_reads_stdin_and_files(tmp_path):
    code, data, _ = run_cli("retirement", stdin=json.dumps({"birth_date": "1965-12-01", "gender": "male"}).encode())
    assert code == 0 and data["retirement_age"] == {"years": 60, "months": 3}
    path = tmp_path / "funding.json"
    path.write_text(json.dumps(FUNDING), encoding="utf-8")
    code, data, _ = run_cli("funding", str(path))
    assert code == 0 and data["total"] == "400000.00"


def test_cli_bad_input_exits_2_without_a_stack_trace():
    code, data, stderr = run_cli("retirement", stdin=b"[1, 2")
    assert code == 2 and data["error"]["code"] == "invalid_json" and "Traceback" not in stderr
    code, data, stderr = run_cli("nonsense", stdin=b"{}")
    assert code == 2 and data["error"]["field"] == "name" and "Traceback" not in stderr
    code, data, _ = run_cli("identity", stdin=json.dumps({"id_number": "110105194912310021"}).encode())
    assert code == 0 and data == {"valid": False, "reason": "校验码错误"}
