"""Shared fixtures: the permission cast (habit 7) and CI's no-skip rule."""

from __future__ import annotations

import os

import pytest


def pytest_sessionfinish(session, exitstatus):
    """In CI nothing may skip: browser and PostgreSQL tests included."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("CI") and reporter is not None and reporter.stats.get("skipped"):
        reporter.write_line(f"CI: {len(reporter.stats['skipped'])} 个测试被跳过，CI 中不允许跳过测试", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _audit_anchor_file(tmp_path, settings):
    """Each test anchors the audit chain in a file of its own (the database is rolled back after
    each test; an anchor file kept between tests would name the next test's chain truncated)."""
    settings.AUDIT_ANCHOR_PATH = tmp_path / "audit" / "anchors.log"


@pytest.fixture
def unit_a(db):
    from tests.factories import make_unit

    return make_unit("北京亦庄测试甲有限公司", "91110302MA01ABCD0Y")


@pytest.fixture
def unit_b(db):
    from tests.factories import make_unit

    return make_unit("北京亦庄测试乙有限公司", "91110302MA01EFGH1Q")


@pytest.fixture
def cast(db, unit_a, unit_b):
    """One account for every role the platform knows."""
    from tests.factories import make_user

    return {
        "unit_a": make_user("unit_a", "unit", unit=unit_a),
        "unit_b": make_user("unit_b", "unit", unit=unit_b),
        "leader": make_user("leader_a", "leader", unit=unit_a),
        "reviewer": make_user("reviewer", "staff", duties=["reviewer"]),
        "approver": make_user("approver", "staff", duties=["approver"]),
        "finance": make_user("finance", "staff", duties=["finance"]),
        "sysadmin": make_user("sysadmin", "staff", duties=["sysadmin"]),
        "auditor": make_user("auditor", "staff", duties=["auditor"]),
        "expert": make_user("expert", "expert"),
        "evaluator": make_user("evaluator", "evaluator"),
    }
