"""Settings of the 经开区技能大师工作室管理平台, read from the environment.

Demo (``make run``): DEBUG=true, SQLite in var/, console e-mail to var/mail.
Production: DEBUG=false and SECRET_KEY, FIELD_ENCRYPTION_KEY, ALLOWED_HOSTS, DATABASE_URL set;
``manage.py check --deploy`` is clean then. See docs/deploy.md.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from masterstudio.env import (
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
    parse_database_url,
    validate_fernet_keys,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = env_path("VAR_DIR", BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# The demo clock (core/clock.py): staff move the server's date forward to try the process. Demo only.
DEMO_CLOCK = env_bool("DEMO_CLOCK", DEBUG)
if DEMO_CLOCK and not DEBUG:
    raise ImproperlyConfigured("演示时钟（DEMO_CLOCK）只能在演示环境（DEBUG=true）中开启，生产环境不得开启")

_secret = env_str("SECRET_KEY", "")
if not _secret:
    if not DEBUG:
        raise ImproperlyConfigured("生产环境必须设置 SECRET_KEY（或在演示环境设置 DEBUG=true）")
    _secret = "demo-only-insecure-key-" + "x" * 40
elif not DEBUG and (len(_secret) < 50 or len(set(_secret)) < 5):
    # Django's own check (security.W009) only warns; a short signing key must stop production.
    raise ImproperlyConfigured(
        f"环境变量 SECRET_KEY 太短或太简单（{len(_secret)} 个字符）：生产环境至少 50 个字符、5 种以上不同字符；"
        "可用 python -c 'import secrets; print(secrets.token_urlsafe(64))' 生成"
    )
SECRET_KEY = _secret

_field_key = env_str("FIELD_ENCRYPTION_KEY", "")
if not _field_key:
    if not DEBUG:
        raise ImproperlyConfigured(
            "生产环境必须设置 FIELD_ENCRYPTION_KEY（用于加密身份证号、手机号等个人信息；"
            "可用 python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' 生成）"
        )
    _field_key = base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
# Key rotation: FIELD_ENCRYPTION_KEY may list several Fernet keys, comma-separated, the new key first.
# The first encrypts; every key decrypts (MultiFernet); ``manage.py rotate_field_key`` re-encrypts
# what the older keys wrote, after which they can be removed (docs/deploy.md).
FIELD_ENCRYPTION_KEYS = validate_fernet_keys("FIELD_ENCRYPTION_KEY", _field_key)
FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEYS[0]
# The keyed hash of ID numbers (look-ups and the Art. 7 constraints) must not change when the
# encryption key rotates: by default it is derived from the oldest key listed (the only key before any
# rotation); BLIND_INDEX_KEY pins it once that key is removed from the list.
BLIND_INDEX_KEY = env_str("BLIND_INDEX_KEY", "") or FIELD_ENCRYPTION_KEYS[-1]

# The key of the audit trail's HMAC chain and of its anchors (issue 21.4), and of backup manifests
# (21.5): outside the database and the backups, like FIELD_ENCRYPTION_KEY, so whoever owns the
# database cannot recompute a rewritten chain or sign a swapped backup. Demo and tests derive it.
_audit_key = env_str("AUDIT_CHAIN_KEY", "")
if not _audit_key:
    if not DEBUG:
        raise ImproperlyConfigured(
            "生产环境必须设置 AUDIT_CHAIN_KEY（审计日志哈希链和备份签名的密钥，至少 32 个字符，不存入数据库；"
            "可用 python -c 'import secrets; print(secrets.token_urlsafe(32))' 生成）"
        )
    _audit_key = "demo-audit-" + hashlib.sha256(("audit|" + SECRET_KEY).encode()).hexdigest()
if len(_audit_key) < 32:
    raise ImproperlyConfigured("环境变量 AUDIT_CHAIN_KEY 太短：至少需要 32 个字符")
AUDIT_CHAIN_KEY = _audit_key
# The anchors of the audit chain's head: an append-only, signed file the auditor downloads
# (make it append-only for the database's owner too: chattr +a, or a path on another host).
AUDIT_ANCHOR_PATH = env_path("AUDIT_ANCHOR_PATH", VAR_DIR / "audit" / "anchors.log")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("生产环境必须设置 ALLOWED_HOSTS（逗号分隔的主机名）")
if not DEBUG and any(host == "*" or host.startswith("*") for host in ALLOWED_HOSTS):
    # a wildcard lets any Host header through: password-reset links and absolute URLs would follow it
    raise ImproperlyConfigured(
        f"环境变量 ALLOWED_HOSTS={','.join(ALLOWED_HOSTS)!r} 含通配符：生产环境请逐个写明平台的主机名"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "masterstudio.core",
    "masterstudio.accounts",
    "masterstudio.units",
    "masterstudio.applications",
    "masterstudio.studios",
    "masterstudio.funding",
    "masterstudio.ledger",
    "masterstudio.activities",
    "masterstudio.evaluations",
    "masterstudio.dashboards",
    "masterstudio.catalog",
    "masterstudio.api",
    "masterstudio.selfcheck",
    "masterstudio.policytools",
    "masterstudio.reviews",
    "masterstudio.experts",
    "masterstudio.notices",
    "masterstudio.summaries",
    "masterstudio.assessments",
    "masterstudio.recoveries",
    "masterstudio.workspaces",
    "masterstudio.whatif",
]
# The benchmark's tools (generated data sets, simulated years, the /bench/ pages; docs/performance.md)
# are installed only where PERF_TOOLS=true: the benchmark (bench/run.py) and the test suite, never
# in production, whose database then has no perf tables either.
PERF_TOOLS = env_bool("PERF_TOOLS", False)
if PERF_TOOLS:
    INSTALLED_APPS.append("masterstudio.perf")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "masterstudio.core.middleware.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "masterstudio.core.params.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "masterstudio.core.middleware.SecurityHeadersMiddleware",
    "masterstudio.core.middleware.DatabaseUnavailableMiddleware",
    "masterstudio.core.middleware.RequestAddressMiddleware",
    "masterstudio.core.clock.DemoClockMiddleware",
    "masterstudio.core.errorpages.DemoErrorPagesMiddleware",
]

ROOT_URLCONF = "masterstudio.urls"
CSRF_FAILURE_VIEW = "masterstudio.core.errorpages.csrf_failure"
WSGI_APPLICATION = "masterstudio.wsgi.application"

# Plain widgets written in Python, the same text as Django's widget templates (core/formrender.py)
FORM_RENDERER = "masterstudio.core.formrender.Renderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "masterstudio.workspaces.context_processors.workspace",
                "masterstudio.workspaces.context_processors.roles",
                "masterstudio.core.clock.context",
            ],
        },
    }
]

DATABASES = {
    "default": parse_database_url(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), base_dir=BASE_DIR)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "masterstudio.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "masterstudio.accounts.validators.CharacterClassValidator"},
    {"NAME": "masterstudio.accounts.validators.CommonPatternValidator"},
    {"NAME": "masterstudio.accounts.validators.PasswordHistoryValidator"},
]
PASSWORD_HASHERS = env_list(
    "PASSWORD_HASHERS",
    [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ],
)

# Idle timeout: a session lives SESSION_IDLE_MINUTES after the last request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # cached_db (read from Redis) when REDIS_URL is set, below
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
# Instead of saving the session on every request (SESSION_SAVE_EVERY_REQUEST: a database write per
# page), core.middleware.SessionIdleMiddleware renews it when the last renewal is a minute old.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["masterstudio.formats"]
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "masterstudio.core.uploads.GeneratedNameStorage"},  # random names, outside the web root
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files live outside the web root and are served only through permission-checked views.
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
# Each user's staged uploads (kept across a form error, a day at most), and files per material item.
UPLOAD_STAGING_QUOTA_BYTES = env_int("UPLOAD_STAGING_QUOTA_MB", 100, minimum=1) * 1024 * 1024
UPLOAD_STAGING_MAX_FILES = env_int("UPLOAD_STAGING_MAX_FILES", 20, minimum=1)
MATERIAL_MAX_FILES_PER_ITEM = env_int("MATERIAL_MAX_FILES_PER_ITEM", 10, minimum=1)
# Art. 18: the longest a third-party evaluator may be given read access in one grant (days)
EVALUATION_ACCESS_MAX_DAYS = env_int("EVALUATION_ACCESS_MAX_DAYS", 366, minimum=1)

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = env_path("EMAIL_FILE_PATH", VAR_DIR / "mail")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "经开区社会事业局 <noreply@etown.example>")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)  # seconds: a hanging relay fails the e-mail (kept to retry)
# Who sends notification e-mail (core/notify.py): "after_commit" — the request, right after its commit
# (demo and tests); "worker" — ``manage.py mail_worker``, so that no page waits for the SMTP relay.
EMAIL_DELIVERY = env_str("EMAIL_DELIVERY", "after_commit")
if EMAIL_DELIVERY not in ("after_commit", "worker"):
    raise ImproperlyConfigured(f"环境变量 EMAIL_DELIVERY={EMAIL_DELIVERY!r} 无效（应为 after_commit 或 worker）")
MAIL_WORKER_INTERVAL = env_int("MAIL_WORKER_INTERVAL", 5, minimum=1)  # seconds between the worker's looks

_redis = env_str("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "masterstudio.core.cache.RedisCache", "LOCATION": _redis}
    if _redis
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_table"}
}
if _redis:
    # sessions stay in PostgreSQL and are read through Redis (written to both)
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif DEMO_CLOCK:  # sessions keep real time when the demo date is moved (core/clock.py)
    SESSION_ENGINE = "masterstudio.core.clock_sessions"
AUTHENTICATION_BACKENDS = ["masterstudio.accounts.backends.AccountBackend"]

# Security headers. HTTPS settings apply when DEBUG is off (production behind TLS).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

# The benchmark's empty view (/bench/empty/): the framework's floor. Never set in production.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
if BENCH_ENDPOINTS and not PERF_TOOLS:
    raise ImproperlyConfigured("环境变量 BENCH_ENDPOINTS=true 需要 PERF_TOOLS=true（/bench/ 页面属于性能测试工具）")

# Sign-in protection.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
LOGIN_RATE_LIMIT = env_int("LOGIN_RATE_LIMIT", 30, minimum=1)  # sign-in posts per address per 5 minutes
# Failures of one account from one address before that pair waits, doubling from LOGIN_BACKOFF_SECONDS
# up to LOGIN_LOCKOUT_MINUTES (LOGIN_FAILURE_LIMIT above); failures of one address over all accounts in
# LOGIN_LOCKOUT_MINUTES before the address waits; failures of one account from anywhere before the
# account itself is locked (high, so that no single address can lock someone out).
LOGIN_BACKOFF_SECONDS = env_int("LOGIN_BACKOFF_SECONDS", 30, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 50, minimum=1)
# Passwords: none of the holder's last PASSWORD_HISTORY may be used again; a password set by an
# administrator (new account, reset) is e-mailed to the holder and works for this many hours, once.
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5, minimum=1)
INITIAL_PASSWORD_HOURS = env_int("INITIAL_PASSWORD_HOURS", 72, minimum=1)
# The client's address: X-Forwarded-For is believed only from these proxies (CIDRs, comma-separated).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"环境变量 TRUSTED_PROXIES 中的 {_proxy!r} 不是 IP 地址或 CIDR 网段（如 10.0.0.5 或 10.0.0.0/24）"
        ) from _error
# Anonymous writes: objections (per address per hour) and unit registrations (per address per hour).
OBJECTION_RATE_LIMIT = env_int("OBJECTION_RATE_LIMIT", 10, minimum=1)
REGISTER_RATE_LIMIT = env_int("REGISTER_RATE_LIMIT", 20, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
