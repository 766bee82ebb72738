"""Playwright driving Debian's Chromium (/usr/bin/chromium): Playwright cannot download browsers
here, so the suite uses the one the setup installs. The fixtures (`browser`, `page`,
`phone_page`, `screenshot_dir`) are in tests/conftest.py, so that every browser test, in any
folder, shares the one browser of the session: Playwright's sync API allows one per thread."""

import os
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[1] / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL = ("http://localhost", "http://127.0.0.1", "data:")


def open_page(browser, **options):
    """A page in a new context, with `page.problems`: every request to an outside host, every
    script error and every failed response (the favicon probe aside) it saw."""
    context = browser.new_context(locale="zh-CN", accept_downloads=True, **options)
    page = context.new_page()
    problems = page.problems = []
    page.on(
        "request",
        lambda request: (
            problems.append(f"outside host: {request.url}")
            if not request.url.startswith(LOCAL)
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return page
