"""The benchmark's app (masterstudio.perf) is installed only where PERF_TOOLS=true (issue 19.4)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "production-like-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "FIELD_ENCRYPTION_KEY": "c2tpbGwtc3R1ZGlvLXRlc3Qta2V5LTMyLWJ5dGVzISE=",
    "AUDIT_CHAIN_KEY": "production-like-audit-chain-key-0123456789abcdef",
    "ALLOWED_HOSTS": "platform.example.cn",
    "DJANGO_SETTINGS_MODULE": "masterstudio.settings",
    "PYTHONPATH": str(ROOT / "src"),
}


def _run(code: str, **extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PERF_TOOLS", "BENCH_ENDPOINTS", "DJANGO_SETTINGS_MODULE")}
    env.update(PRODUCTION_ENV, VAR_DIR=extra.pop("var_dir"), **extra)
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)


APPS = "from django.conf import settings; print('masterstudio.perf' in settings.INSTALLED_APPS)"


def test_production_settings_do_not_install_perf(tmp_path):
    result = _run(APPS, var_dir=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    result = _run(APPS, var_dir=str(tmp_path), PERF_TOOLS="true")
    assert result.stdout.strip() == "True", result.stderr


def test_bench_endpoints_need_the_perf_tools(tmp_path):
    result = _run(APPS, var_dir=str(tmp_path), BENCH_ENDPOINTS="true")
    assert result.returncode != 0 and "PERF_TOOLS=true" in result.stderr


@pytest.mark.parametrize("perf_tools", ["false", "true"])
def test_migrations_are_complete_with_and_without_perf(tmp_path, perf_tools):
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('makemigrations', check=True, dry_run=True, verbosity=0)"
    )
    result = _run(code, var_dir=str(tmp_path), PERF_TOOLS=perf_tools)
    assert result.returncode == 0, result.stdout + result.stderr
