"""Fixtures of the web tests: an outputs folder holding the synthetic sample event, and
the headless Chromium (Playwright) the browser tests drive.

The interpreted event's builder lives with the outputs tests
(tests/outputs/interpreted_outputs.py); its folder is put on the import path here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from web_helpers import make_outputs

OUTPUTS_TESTS = str(Path(__file__).resolve().parents[1] / "outputs")
if OUTPUTS_TESTS not in sys.path:
    sys.path.append(OUTPUTS_TESTS)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
TIMEOUT_MS = 20_000


@pytest.fixture
def outputs(tmp_path) -> Path:
    out = tmp_path / "outputs"
    make_outputs(out)
    return out


@pytest.fixture
def event_dir(outputs) -> Path:
    return next(p.parent for p in outputs.glob("*/index.json"))


# -- the browser (tests marked `browser`) ---------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(`make test` installs it; or `apt-get install chromium`)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def snap(request, screenshots):
    """snap(page, label): a screenshot now, beside the one taken when the test ends."""

    def take(page, label: str) -> Path:
        shot = screenshots / f"{request.node.name}-{label}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
        return shot

    return take


@pytest.fixture
def page(browser, request, screenshots):
    """A fresh page; fails the test on any dialog (alert) or script error, screenshots it.
    The viewer reads German (a language no test event has: replay pages start in the
    session's original) unless the test asks for another (indirect `page` parameter)."""
    locale = getattr(request, "param", "de-DE")
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    yield page
    shot = screenshots / f"{request.node.name}.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    context.close()
    assert not dialogs, f"a dialog opened: {dialogs}"
    assert not errors, f"errors in the page: {errors}"
