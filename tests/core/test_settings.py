"""Settings come from the environment, typed, failing loudly; production settings pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from masterstudio.env import env_bool, env_int, parse_database_url

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "FIELD_ENCRYPTION_KEY",
            "AUDIT_CHAIN_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "SECURE_SSL_REDIRECT",
            "PASSWORD_HASHERS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "LOGIN_RATE_LIMIT",
            "VAR_DIR",
        }
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-" + "k" * 40,
        FIELD_ENCRYPTION_KEY="c2tpbGwtc3R1ZGlvLXRlc3Qta2V5LTMyLWJ5dGVzISE=",
        AUDIT_CHAIN_KEY="audit-chain-production-test-key-" + "a" * 16,
        ALLOWED_HOSTS="studio.etown.gov.cn",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = _manage("check", DEBUG="false", ALLOWED_HOSTS="x", VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' 不是布尔值"):
        env_bool("DEBUG", False)


def test_bad_integer_names_the_variable(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25)


def test_database_urls(tmp_path):
    pg = parse_database_url("postgres://app:s%40cret@db.local:5433/studios?sslmode=require", base_dir=tmp_path)
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["OPTIONS"]) == (
        "django.db.backends.postgresql",
        "studios",
        "app",
        "s@cret",
        "db.local",
        "5433",
        {"sslmode": "require", "server_side_binding": True, "prepare_threshold": 2},
    )
    # behind a transaction-pooling PgBouncer: no server-side binding, no prepared statements
    pooled = parse_database_url(
        "postgres://db/studios?server_side_binding=false&prepare_threshold=none", base_dir=tmp_path
    )
    assert (pooled["OPTIONS"]["server_side_binding"], pooled["OPTIONS"]["prepare_threshold"]) == (False, None)
    assert not pooled["DISABLE_SERVER_SIDE_CURSORS"]
    pooled = parse_database_url("postgres://db/studios?disable_server_side_cursors=true", base_dir=tmp_path)
    assert pooled["DISABLE_SERVER_SIDE_CURSORS"] and "disable_server_side_cursors" not in pooled["OPTIONS"]
    with pytest.raises(ImproperlyConfigured, match="disable_server_side_cursors"):
        parse_database_url("postgres://db/studios?disable_server_side_cursors=sometimes", base_dir=tmp_path)
    with pytest.raises(ImproperlyConfigured, match="prepare_threshold"):
        parse_database_url("postgres://db/studios?prepare_threshold=often", base_dir=tmp_path)
    with pytest.raises(ImproperlyConfigured, match="server_side_binding"):
        parse_database_url("postgres://db/studios?server_side_binding=maybe", base_dir=tmp_path)
    assert parse_database_url("sqlite:///var/db.sqlite3", base_dir=tmp_path)["NAME"] == str(tmp_path / "var/db.sqlite3")
    assert parse_database_url("sqlite:////srv/db.sqlite3", base_dir=tmp_path)["NAME"] == "/srv/db.sqlite3"
    with pytest.raises(ImproperlyConfigured, match="不受支持"):
        parse_database_url("mysql://x/y", base_dir=tmp_path)


def test_error_pages_are_chinese(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_security_headers(client, db):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-" + "k" * 40,
    "FIELD_ENCRYPTION_KEY": "c2tpbGwtc3R1ZGlvLXRlc3Qta2V5LTMyLWJ5dGVzISE=",
    "ALLOWED_HOSTS": "studio.etown.gov.cn",
    "AUDIT_CHAIN_KEY": "an-audit-chain-key-of-at-least-32-characters",
}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("FIELD_ENCRYPTION_KEY", "not-a-fernet-key", "不是有效的 Fernet 密钥"),
        (
            "FIELD_ENCRYPTION_KEY",
            "c2tpbGwtc3R1ZGlvLXRlc3Qta2V5LTMyLWJ5dGVzISE=,short",
            "第 2 个密钥不是有效的 Fernet 密钥",
        ),
        ("ALLOWED_HOSTS", "*", "含通配符"),
        ("ALLOWED_HOSTS", "studio.etown.gov.cn,*.gov.cn", "含通配符"),
        ("SECRET_KEY", "short-secret", "太短或太简单"),
        ("SECRET_KEY", "ab" * 40, "太短或太简单"),
    ],
)
def test_production_refuses_to_start_on_an_unsafe_setting(tmp_path, variable, value, message):
    """A key that is not a Fernet key, a wildcard host or a short signing key stops the start-up with
    a message naming the variable (they used to start and fail later, or never)."""
    result = _manage("check", VAR_DIR=str(tmp_path), **{**PRODUCTION, variable: value})
    assert result.returncode != 0
    assert variable in result.stderr and message in result.stderr, result.stderr


def test_several_field_keys_start_and_the_first_encrypts(tmp_path):
    from cryptography.fernet import Fernet

    new = Fernet.generate_key().decode()
    result = _manage(
        "check",
        VAR_DIR=str(tmp_path),
        **{**PRODUCTION, "FIELD_ENCRYPTION_KEY": f"{new},{PRODUCTION['FIELD_ENCRYPTION_KEY']}"},
    )
    assert result.returncode == 0, result.stderr
