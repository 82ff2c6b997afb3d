"""Browser tests: Debian's chromium driven by Playwright (never a downloaded browser).

They run against pytest-django's live server. Nothing here skips: a missing chromium fails the
test with a message saying how to install it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))

pytestmark = pytest.mark.browser

# Generous waits: CI runs the browser, the live server and the database on two cores.
from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=20000)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"找不到 chromium（{CHROMIUM}）：请运行 scripts/system-deps.sh 安装 Debian 的 chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _watched(context):
    """A page whose Content-Security-Policy violations and script errors fail the test: the
    platform serves no inline script or style, and its own scripts must not throw."""
    page = context.new_page()
    page.set_default_timeout(30000)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation detail: ' + e.violatedDirective + ' at ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample))"
    )
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text or "CSP violation" in m.text else None,
    )
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.problems = problems
    return page


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url)
    page = _watched(context)
    yield page
    context.close()
    assert not page.problems, "页面违反内容安全策略或脚本出错：\n" + "\n".join(
        sorted(page.problems, key=lambda p: "detail" not in p)[:5]
    )


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True, base_url=live_server.url
    )
    page = _watched(context)
    yield page
    context.close()
    assert not page.problems, "页面违反内容安全策略或脚本出错：\n" + "\n".join(
        sorted(page.problems, key=lambda p: "detail" not in p)[:5]
    )


def totp_now(username: str) -> str:
    """The current code of a user's authenticator (tests only: reads the secret from the database
    and clears the replay guard so one test may sign the same person in twice in 30 seconds)."""
    import pyotp

    from masterstudio.accounts.models import User

    User.objects.filter(username=username).update(totp_last_step=0)
    return pyotp.TOTP(User.objects.get(username=username).totp_secret).now()


def _submit(page, selector: str = "form button[type=submit]") -> None:
    """Click and wait for the server's answer to that very request to have loaded (not merely the
    old page going idle, nor an earlier navigation finishing)."""
    with page.expect_navigation(wait_until="load"):
        page.locator(selector).first.click()


def flashed(page, text: str) -> None:
    """Wait (Playwright's retrying ``expect``) until the page shows the message ``text`` that the
    server flashes after an action: the answer to that action has loaded."""
    expect(page.locator("ul.messages")).to_contain_text(text)


def login(page, username: str, password: str, *, expect_success: bool = True) -> None:
    """Sign in through the real pages, second factor included for bureau staff, experts and
    evaluators (accounts.models.SECOND_FACTOR_ROLES).

    Such an account that has not set up an authenticator yet gets one in the database first, as if
    enrolled earlier: the enrolment pages themselves are tested in tests/accounts, and every browser
    test then signs staff in through the same two pages (password, then the 6-digit code)."""
    import pyotp
    from django.utils import timezone

    from masterstudio.accounts.models import SECOND_FACTOR_ROLES, User

    staff = User.objects.filter(username=username, role__in=list(SECOND_FACTOR_ROLES)).first()
    if staff is not None and not staff.totp_confirmed_at:
        staff.totp_secret = pyotp.random_base32()
        staff.totp_confirmed_at = timezone.now()
        staff.save(update_fields=["totp_secret", "totp_confirmed_at"])
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    _submit(page, "main form button[type=submit]")
    if "/accounts/login/verify/" in page.url:
        for _attempt in range(2):  # a code typed across a 30-second boundary is retried once, as a person would
            page.fill("#id_code", totp_now(username))
            _submit(page, "main form button[type=submit]")
            if "/accounts/login/verify/" not in page.url:
                break
    if expect_success:
        assert "/accounts/login/" not in page.url, f"登录未完成（{page.url}）：" + page.inner_text("main")[:300]


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
