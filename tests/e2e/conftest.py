"""End-to-end fixtures: a real ``streamlit run app.py`` on a free port with its own database, and
Debian's Chromium driven by Playwright (no browser download: ``.ci/run`` installs Chromium with
apt). Skipped when Playwright or the browser is missing. Screenshots go to
``tests/e2e/screenshots/`` (git-ignored) so a person can look at them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from analytics import demo, store

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("AIVSHI_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

playwright_sync = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):  # pragma: no cover - CI installs it
    pytest.skip(f"no Chromium at {CHROMIUM} (.ci/run installs it)", allow_module_level=True)


@dataclass
class Server:
    url: str
    db: Path
    proc: subprocess.Popen
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workdir: Path, applications: int = 2000) -> Server:
    """Build a demo database in ``workdir`` and start the app on it; waits until healthy."""
    db = workdir / "aivshi.duckdb"
    con = store.connect(db)
    demo.build(con, applications, seed=7)
    con.close()
    return serve_database(db, workdir)


def serve_database(db: Path, workdir: Path) -> Server:
    """Start the app on an existing database file ``db`` (e.g. one built by
    ``tests.robustness.variety``), logging to ``workdir``; waits until healthy."""
    port = _free_port()
    log = workdir / "server.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env={**os.environ, store.DB_ENV_VAR: str(db)},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return Server(url, db, proc, log)
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            break
    stop_server(Server(url, db, proc, log))
    raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:  # pragma: no cover
        server.proc.kill()
        server.proc.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh desktop-sized tab (1400 x 1000) that accepts downloads; closed after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    p = context.new_page()
    p.set_default_timeout(60_000)
    yield p
    context.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    s = start_server(tmp_path_factory.mktemp("e2e"))
    yield s
    stop_server(s)


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Until the page has drawn its title and no script run is in progress."""
    page.wait_for_selector("h1", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )
    page.wait_for_timeout(300)


# The Data page's Load button waits for a confirmation when a replace removes data (issue 19):
# a checkbox "Replace: remove ...". Tests that load a file tick it first, as a person would.
LOAD_READY_JS = """() => [...document.querySelectorAll('button')]
    .some(b => b.innerText.trim().endsWith('Load') && !b.disabled)"""
LOAD_OR_CONFIRM_JS = """() => [...document.querySelectorAll('button')]
    .some(b => b.innerText.trim().endsWith('Load') && !b.disabled)
  || [...document.querySelectorAll('[data-testid="stCheckbox"]')]
    .some(c => c.innerText.trim().startsWith('Replace: remove'))"""
CONFIRM_BOX = '[data-testid="stCheckbox"]'


def confirm_replace_and_wait_for_load(page, timeout: float = 60_000) -> None:
    """Until Load can be pressed: tick the replace confirmation when the page asks for it."""
    page.wait_for_function(LOAD_OR_CONFIRM_JS, timeout=timeout)
    box = page.locator(CONFIRM_BOX).filter(has_text="Replace: remove")
    if box.count():
        box.first.locator("label").first.click()
    page.wait_for_function(LOAD_READY_JS, timeout=timeout)


async def confirm_replace_and_wait_for_load_async(page, timeout: float = 60_000) -> None:
    """``confirm_replace_and_wait_for_load`` for Playwright's async API."""
    await page.wait_for_function(LOAD_OR_CONFIRM_JS, timeout=timeout)
    box = page.locator(CONFIRM_BOX).filter(has_text="Replace: remove")
    if await box.count():
        await box.first.locator("label").first.click()
    await page.wait_for_function(LOAD_READY_JS, timeout=timeout)


# Every page's URL path after the app's address ("" is the Overview), for tests that visit all.
SUB_PAGES = [
    "funnel",
    "offers",
    "quality",
    "business_case",
    "fairness",
    "survey",
    "presenter",
    "data",
]
PAGE_PATHS = ["", *SUB_PAGES]


def pick_one_role_family(page) -> str:
    """Choose one role family in the sidebar filter, as a person would, and wait until the URL
    carries it; returns the chosen label. (Not Streamlit 1.67's "Select all" entry.)"""
    import re

    page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Role family").click()
    page.locator('[role="option"]').first.wait_for()
    option = page.locator('[role="option"]').filter(has_not_text=re.compile("select all", re.I))
    picked = option.first.inner_text().strip()
    option.first.click()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"role_family="), timeout=30_000)
    return picked
