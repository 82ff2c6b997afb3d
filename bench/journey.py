"""A browser journey that alternates between two application servers (issue 9, item 5).

    .venv/bin/python bench/journey.py http://127.0.0.1:8101 http://127.0.0.1:8102

Debian's chromium through Playwright. The unit account signs in on server A; every later step
goes to the other server than the one before: the dashboard on B (the session lives in the
shared database), the wizard on A, a typed change autosaved by A and read back on B, a material
uploaded on B and downloaded on A (shared storage), sign-out on B, and A then asks to sign in
again (the session is gone for both). Prints each step; exits non-zero at the first failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masterstudio.settings")
import django  # noqa: E402

django.setup()
from masterstudio.perf.generator import BENCH_PASSWORD  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def principals() -> dict:
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "manage.py"), "bench_sessions"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=os.environ,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["principals"]


def step(text: str) -> None:
    print(f"  ✓ {text}", flush=True)


def main(a: str, b: str) -> int:
    from playwright.sync_api import sync_playwright

    for url in (a, b):
        host = url.split("//", 1)[1].split(":", 1)[0]
        if not host.startswith("127.") and host != "localhost":
            raise SystemExit("the journey runs against loopback servers only")
    p = principals()
    username, draft = p["bench_unit"]["username"], p["draft_application"]
    pdf = Path(tempfile.mkdtemp()) / "journey.pdf"
    from masterstudio.perf.files import pdf as make_pdf

    pdf.write_bytes(make_pdf(f"两台服务器之间交替访问\n{time.time():.0f}"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(20000)
        page.goto(f"{a}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", BENCH_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in page.url, f"sign-in on A failed: {page.url}"
        step(f"signed in on A ({a})")
        page.goto(f"{b}/unit/")
        assert "/accounts/login/" not in page.url, "server B did not know the session made on A"
        step(f"B ({b}) serves the unit's dashboard with the session made on A")
        page.goto(f"{a}/applications/{draft}/edit/")
        assert page.locator("input[name=certificate_no]").count() == 1, f"no wizard on A: {page.url}"
        field = page.locator("input[name=certificate_no]")
        value = f"S2026JOURNEY{int(time.time()) % 100000:05d}"
        with page.expect_response(lambda r: "/autosave/" in r.url) as saved:
            field.fill(value)
            field.dispatch_event("change")
        assert saved.value.status == 200, f"autosave on A answered {saved.value.status}"
        step("typed into the wizard on A; A autosaved it")
        page.goto(f"{b}/applications/{draft}/edit/")
        assert page.locator("input[name=certificate_no]").input_value() == value, "B does not show what A saved"
        step("B shows the value A saved")
        item = page.locator(".material-item").first
        clause = item.get_attribute("id").removeprefix("item-")
        with page.expect_response(lambda r: "/materials/" in r.url and r.request.method == "POST") as uploaded:
            item.locator("input[type=file]").set_input_files(str(pdf))
            item.locator(".upload-form button[type=submit]").click()
        assert uploaded.value.status == 200, f"upload on B answered {uploaded.value.status}"
        page.wait_for_timeout(300)
        link = page.locator(f'[id="item-{clause}"] ul.files a', has_text="journey.pdf").last
        href = link.get_attribute("href")
        step(f"uploaded a PDF for item {clause} on B")
        response = context.request.get(f"{a}{href}")
        assert response.status == 200 and response.body().startswith(b"%PDF-"), (
            f"A could not serve the file stored by B: HTTP {response.status}"
        )
        assert response.body() == pdf.read_bytes(), "A served different bytes than B stored"
        step("A serves the same bytes from the shared storage")
        page.goto(f"{b}/unit/")
        page.click("form[action$='/accounts/logout/'] button")
        page.wait_for_load_state("networkidle")
        step("signed out on B")
        page.goto(f"{a}/unit/")
        assert "/accounts/login/" in page.url, "A still accepted the session after sign-out on B"
        step("A asks to sign in again: the session is gone on both servers")
        material_id = href.rstrip("/").split("/")[-1]
        browser.close()
    # leave the draft as it was: remove the journey's material (row and file)
    code = (
        "from masterstudio.applications.models import Material\n"
        f"m = Material.objects.get(pk={int(material_id)})\nm.file.storage.delete(m.file.name)\nm.delete()\n"
    )
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "manage.py"), "shell", "-c", code],
        check=True,
        cwd=ROOT,
        env=os.environ,
    )
    print("journey ok")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
