"""Benchmark: full eligibility evaluations, each with its Chinese explanation, per second on one core.

    .venv/bin/python bench/bench_eligibility.py [--seconds 3]

Each iteration is what the calculator does for one request: validate the JSON-like input, run every
check (4.1–4.5, 5.x or 6.x, 7.x, 20) through ``run("eligibility", …)`` and render the explanation
text. Parameters and the occupation catalogue are parsed once per process (as in the server). The
inputs are distinct applications (every leader, birth date and ID number differs) mixing listed,
unlisted, direct-recognition, failing and incomplete cases; the list of existing studios is shared,
as the platform sends the same list with every application of a round.
The rate is evaluations per second of this process's CPU time (one core; Python runs the loop on
one thread), so that other load on the machine does not distort it; wall time is printed too.
Target: at least 5,000 per second.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from masterstudio.policy import load_catalogue, load_parameters, run  # noqa: E402
from masterstudio.policy.explain import render_eligibility  # noqa: E402
from masterstudio.policy.identity import id_check_char  # noqa: E402

TARGET = 5000

OCCUPATIONS = [
    "6-18-01-01",
    "6-18-01-02",
    "6-20-03-01",
    "4-04-05-05",
    "6-31-07-04",
    "6-29-02-18",
    "5-01-01-01",
    "3-01-01-01",
    "2-02-01-01",
    "6-22-02-01",
]
LEVELS = ["senior", "technician", "senior_technician", "special_technician", None]
HONOURS = [[], [], [], [], ["china_skill_award"], ["time_honored_craftsman", "national_technical_expert"]]
# The studios already recognised: the same list accompanies every application (as the platform sends it).
EXISTING = [
    {
        "leader_id_number": None,
        "leader_name": f"领办人{i}",
        "credit_code": code,
        "branch": branch,
        "occupation_code": OCCUPATIONS[i % len(OCCUPATIONS)],
    }
    for i, (code, branch) in enumerate(
        [
            ("91110302MA01ABCD0Y", None),
            ("91110302MA02ABCD9D", "一分厂"),
            ("91110302MA03QRTU79", None),
            ("91110302MA01XYWW1Q", None),
            ("91110302MA01ABCD0Y", "二分厂"),
        ]
    )
]


def _id_number(birth: date, male: bool, serial: int) -> str:
    body = f"110115{birth:%Y%m%d}{(serial % 50) * 2 + (1 if male else 0):02d}{serial % 10}"[:17]
    body = body[:16] + str((int(body[16]) // 2) * 2 + (1 if male else 0))
    return body + id_check_char(body)


def applications(count: int) -> list[dict]:
    """``count`` distinct applications: every leader, birth date and ID number differs."""
    result = []
    for n in range(count):
        birth = date(1966, 1, 1) + timedelta(days=(n * 37) % 9000)
        male = n % 3 != 0
        unlisted = n % 7 == 0
        team = [{"name": f"成员{n}-{k}", "formal_employee": k != 3 or n % 2 == 0} for k in range(2 + n % 4)]
        result.append(
            {
                "as_of": "2026-06-30" if n % 11 else "2027-01-11",
                "unit": {
                    "name": f"北京亦庄示例企业{n}",
                    "credit_code": EXISTING[n % 4]["credit_code"],
                    "kind": "enterprise" if n % 13 else "institution",
                    "in_etown": True,
                    "lawful_operation": True,
                    "has_talent_pipeline": True,
                    "has_talent_systems": n % 17 != 0,
                    "has_stable_funding": True,
                    "has_facilities": True if n % 19 else None,
                    "has_management_rules": True,
                    "branch": "一分厂" if n % 5 == 0 else None,
                },
                "leader": {
                    "name": f"领办人甲{n}",
                    "id_number": _id_number(birth, male, n) if n % 2 else None,
                    "birth_date": birth.isoformat(),
                    "gender": "male" if male else "female",
                    "original_retirement_age": None if male else (55 if n % 2 else 50),
                    "employed": True,
                    "frontline": True,
                    "frontline_years": 3 + n % 20,
                    "occupation_code": None if unlisted else OCCUPATIONS[n % len(OCCUPATIONS)],
                    "occupation_name": "具身智能机器人调试员" if unlisted else None,
                    "skill_level": LEVELS[n % len(LEVELS)],
                    "honors": HONOURS[n % len(HONOURS)],
                    "practical_mastery": None if n % 2 else True,
                },
                "team": team,
                "existing_studios": EXISTING,
            }
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--applications", type=int, default=2000)
    args = parser.parse_args()
    load_parameters()
    load_catalogue()
    inputs = applications(args.applications)
    outcomes = Counter(run("eligibility", payload)["outcome"] for payload in inputs)  # every input is answered
    count = 0
    wall_started, cpu_started = time.perf_counter(), time.process_time()
    while time.process_time() - cpu_started < args.seconds:
        for payload in inputs:
            render_eligibility(run("eligibility", payload))
        count += len(inputs)
    cpu = time.process_time() - cpu_started
    wall = time.perf_counter() - wall_started
    rate = count / cpu
    mix = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
    print(
        f"eligibility evaluations with explanations: {rate:,.0f}/s per core "
        f"({count:,} in {cpu:.2f} s of CPU time, {wall:.2f} s wall; {len(inputs):,} distinct applications: {mix}; "
        f"target ≥ {TARGET:,}/s) — {'OK' if rate >= TARGET else 'BELOW TARGET'}"
    )
    sys.exit(0 if rate >= TARGET else 1)


if __name__ == "__main__":
    main()
