"""Hostile text in the data, seen in a real browser: group values that are Markdown and HTML
("![b](http://host/x.png)", "[Please sign in again](http://host/p)", "<a href>", "<b style>")
render as text on every page that shows them: no link, image or styled element whose text or
address came from the data, and the browser never asks the attacker's host for anything."""

from __future__ import annotations

import pytest

from analytics import store
from tests.e2e.conftest import start_server, stop_server, wait_for_app

pytestmark = pytest.mark.browser

HOSTILE = (
    "![b](http://host.example/x.png) [Please sign in again](http://host.example/p) "
    '<a href="http://host.example/q">A</a> <b style="font-size:90px">B</b> www.host.example'
)
PAGES = ("", "funnel", "fairness", "offers", "quality")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("e2e_hostile"))
    stop_server(server)  # the file is the app's while it runs: edit it, then start again
    con = store.connect(server.db)
    # A big group (not suppressed) gets the hostile name in every table that carries it.
    for table in ("applications", "app_outcomes", "app_stage", "app_summary"):
        con.execute(f"UPDATE {table} SET source = ? WHERE source = 'job_board'", [HOSTILE])
    con.close()
    server = start_server_on(server)
    yield server
    stop_server(server)


def start_server_on(server):
    """Restart on the edited file (start_server builds a fresh demo, so reuse its internals)."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    from tests.e2e.conftest import ROOT, Server, _free_port

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
         str(port), "--server.headless", "true"],
        cwd=ROOT,
        env={**os.environ, store.DB_ENV_VAR: str(server.db)},
        stdout=server.log.open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"  # config.toml binds to 127.0.0.1 without being told
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return Server(url, server.db, proc, server.log)
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(server.log.read_text()[-2000:])


_FROM_DATA = """
() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const bad = [];
  for (const a of main.querySelectorAll('a')) {
    const href = a.getAttribute('href') || '';
    if (href.includes('host') || /sign in|^A$|www/i.test(a.textContent)) bad.push('a:' + href);
  }
  for (const img of main.querySelectorAll('img, image')) {
    const src = img.getAttribute('src') || img.getAttribute('href') || '';
    if (src.includes('host')) bad.push('img:' + src);
  }
  for (const el of main.querySelectorAll('b, strong, tspan[style], span[style]')) {
    if (/^B$|^big$/.test(el.textContent.trim()) && /font-size|bold/i.test(
        (el.getAttribute('style') || '') + el.tagName)) bad.push('styled:' + el.outerHTML);
  }
  return bad;
}
"""


@pytest.mark.parametrize("page_path", PAGES)
def test_hostile_group_values_render_as_text(browser, hostile_server, page_path) -> None:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        # The source filter selects the hostile group, so it appears in captions and footnotes.
        page.goto(f"{hostile_server.url}/{page_path}")
        wait_for_app(page)
        page.wait_for_timeout(1500)
        assert page.evaluate(_FROM_DATA) == []
        assert not [u for u in requests if "host.example" in u]
    finally:
        page.close()
