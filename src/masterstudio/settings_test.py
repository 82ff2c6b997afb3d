"""Settings for the test suite: production-like (DEBUG off), fast password hashing.

DATABASE_URL chooses the database as everywhere else (SQLite when unset, PostgreSQL in CI's
second run).
"""

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "c2tpbGwtc3R1ZGlvLXRlc3Qta2V5LTMyLWJ5dGVzISE=")
os.environ.setdefault("AUDIT_CHAIN_KEY", "test-audit-chain-key-not-for-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOGIN_RATE_LIMIT", "100000")  # tests of the limit set their own
os.environ.setdefault("PASSWORD_HASHERS", "django.contrib.auth.hashers.MD5PasswordHasher")
os.environ.setdefault("PERF_TOOLS", "true")  # the benchmark's tools are tested too (tests/perf)
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="masterstudio-test-"))

from masterstudio.settings import *  # noqa: E402,F401,F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_DELIVERY = "after_commit"  # the tests read mail.outbox right after the commit, whatever the shell exports
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not shared-cache memory: threads and the live server then lock as in production.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["VAR_DIR"], "test.sqlite3")}  # noqa: F405
