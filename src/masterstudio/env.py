"""Typed settings from the environment, failing loudly (habit 9 of the architecture guide).

Every reader raises ImproperlyConfigured naming the variable and the value it could not use,
so that a typo in a deployment never silently falls back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"环境变量 {name} 未设置")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"环境变量 {name}={value!r} 不是布尔值（应为 true/false/1/0）")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name}={value!r} 不是整数") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"环境变量 {name}={number} 小于允许的最小值 {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def parse_database_url(url: str, *, base_dir: Path) -> dict:
    """Turn DATABASE_URL into a Django DATABASES entry (sqlite:///path or postgres://...)."""
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path (the SQLAlchemy convention)
        path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else unquote(parsed.path)
        if not path or path == ":memory:":
            return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        name = Path(path) if Path(path).is_absolute() else base_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(name),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        options: dict = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        # Parameters bound by the server and statements prepared after their second use on a
        # connection: PostgreSQL parses and plans the platform's repeated statements once per
        # connection instead of at every execution (issue 9: a tenth of the simulated year).
        # ?server_side_binding=false&prepare_threshold=none behind a transaction-pooling PgBouncer.
        binding = options.get("server_side_binding", "true").strip().lower()
        if binding not in _TRUE | _FALSE:
            raise ImproperlyConfigured(f"DATABASE_URL 的 server_side_binding={binding!r} 应为 true 或 false")
        options["server_side_binding"] = binding in _TRUE
        threshold = options.get("prepare_threshold", "2").strip().lower()
        if threshold in {"none", "off", ""}:
            options["prepare_threshold"] = None
        elif threshold.isdigit():
            options["prepare_threshold"] = int(threshold)
        else:
            raise ImproperlyConfigured(f"DATABASE_URL 的 prepare_threshold={threshold!r} 应为整数或 none")
        # behind a transaction-pooling PgBouncer also ?disable_server_side_cursors=true: a named
        # cursor (QuerySet.iterator()) cannot outlive the transaction its PostgreSQL connection is lent for
        cursors = options.pop("disable_server_side_cursors", "false").strip().lower()
        if cursors not in _TRUE | _FALSE:
            raise ImproperlyConfigured(f"DATABASE_URL 的 disable_server_side_cursors={cursors!r} 应为 true 或 false")
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} 缺少数据库名")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", 0)),
            "DISABLE_SERVER_SIDE_CURSORS": cursors in _TRUE,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"DATABASE_URL={url!r} 的协议 {scheme!r} 不受支持（应为 sqlite:/// 或 postgres://）")


def validate_fernet_keys(name: str, value: str) -> list[str]:
    """The comma-separated Fernet keys of ``name`` (new key first), each checked at start-up: a key
    that is not 32 url-safe base64-encoded bytes stops the process naming the variable and the
    position, instead of failing at the first encrypted read."""
    import base64
    import binascii

    keys = [item.strip() for item in value.split(",") if item.strip()]
    if not keys:
        raise ImproperlyConfigured(f"环境变量 {name} 为空")
    for position, key in enumerate(keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.encode())
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            where = f"第 {position} 个密钥" if len(keys) > 1 else "该密钥"
            raise ImproperlyConfigured(
                f"环境变量 {name} 的{where}不是有效的 Fernet 密钥（应为 32 字节的 URL 安全 base64 编码，"
                "可用 python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' 生成）"
            )
    return keys
