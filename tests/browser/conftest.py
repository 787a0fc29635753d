"""Browser tests: the real server (gunicorn) on a fresh database, driven by headless chromium.

The server runs as its own process on its own database (SQLite file, or a fresh PostgreSQL
database when the suite runs on PostgreSQL), seeded by ``ketaclinic demo``: exactly what a user
gets from ``make run``. Nothing is mocked.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.demo_template import DemoTemplate

KETACLINIC = Path(sys.executable).parent / "ketaclinic"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEMO_PASSWORD = "demo-pass-2026"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass(frozen=True)
class LiveApp:
    url: str
    env: dict[str, str]

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run a ``ketaclinic`` command against the live app's database."""
        return subprocess.run(
            [str(KETACLINIC), *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_app(
    tmp_path_factory: pytest.TempPathFactory, demo_template: DemoTemplate
) -> Iterator[LiveApp]:
    data_dir = tmp_path_factory.mktemp("live")
    database = f"ketaclinic_e2e_{os.getpid()}"
    env = demo_template.clone(data_dir, database)  # what `make run` seeds, copied
    port = _free_port()
    log = (data_dir / "server.log").open("w")
    server = subprocess.Popen(
        [str(KETACLINIC), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    # A cold start imports the analytics stack (lifelines, matplotlib): on a busy shared
    # machine that alone can take most of a minute.
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError((data_dir / "server.log").read_text()) from None
            time.sleep(0.2)
    try:
        yield LiveApp(url=url, env=env)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
        demo_template.drop(database)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test (no shared cookies); a screenshot is kept on failure."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page (390 x 844, touch), for the patient's diary."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def log_in(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")
