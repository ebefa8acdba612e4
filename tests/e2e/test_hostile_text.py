"""Hostile text in the data, seen in a real browser: a source, a role family and survey question
texts that are Markdown and HTML ("![b](http://host/x.png)", "[Please sign in again](...)",
"<a href>", "<b style>", "=HYPERLINK(...)", "www.host", "a@b.com"). The URL selects the hostile
groups, so each page SHOWS the text; the test asserts that it appears literally (the reader sees
the characters) and that the DOM holds no link, image or styled element whose text or address
came from the data, and that the browser never asks the attacker's host for anything."""

from __future__ import annotations

from urllib.parse import quote, urlparse

import pytest

from analytics import store
from tests.e2e.conftest import start_server, stop_server, wait_for_app

pytestmark = pytest.mark.browser

# No comma: the URL keeps several values of one filter separated by commas.
HOSTILE = (
    "![b](http://host.example/x.png) [Please sign in again](http://host.example/p) "
    '<a href="http://host.example/q">A</a> <b style="font-size:90px">B</b> '
    '=HYPERLINK("http://host.example/h") www.host.example a@b.com'
)
ROLE = "Role " + HOSTILE
# Pieces a reader must see as written (each would be markup if the text were rendered).
LITERAL = (
    "[Please sign in again](http://host.example/p)",
    '<a href="http://host.example/q">A</a>',
    '<b style="font-size:90px">B</b>',
    '=HYPERLINK("http://host.example/h")',
    "www.host.example a@b.com",
)
PAGES = ("", "funnel", "fairness", "offers", "quality", "survey")
# Pages whose main area names the selected source (footnotes, captions) or shows the questions;
# the Fairness and Offers pages do not print the filter values, so there only the absence of
# markup and of requests is checked.
SHOWN_ON = {"", "funnel", "quality", "survey"}


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("e2e_hostile"))
    stop_server(server)  # the file is the app's while it runs: edit it, then start again
    con = store.connect(server.db)
    # The biggest source and role family (never suppressed) get the hostile names in every table
    # that carries them; every survey question gets the hostile text.
    for column, value in (("source", HOSTILE), ("role_family", ROLE)):
        [(old,)] = con.execute(
            f"SELECT {column} FROM applications GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchall()
        tables = con.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = ? "
            "AND table_schema = 'main' AND table_name NOT LIKE 'prev_%'",
            [column],
        ).fetchall()
        for (table,) in tables:
            con.execute(f'UPDATE "{table}" SET {column} = ? WHERE {column} = ?', [value, old])
    con.execute("UPDATE survey_questions SET text = ? || ' ' || question_id", [HOSTILE])
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


_VISIBLE_TEXT = """
() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  // innerText: what a reader sees; the invisible word joiners the escaping adds are dropped
  return main.innerText.replace(/\\u2060/g, '').replace(/\\s+/g, ' ');
}
"""


@pytest.mark.parametrize("page_path", PAGES)
def test_hostile_text_is_shown_literally_and_never_as_markup(
    browser, hostile_server, page_path
) -> None:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        # The URL selects the hostile groups, so they appear in the filters, captions and
        # footnotes (and the survey page shows the hostile questions).
        query = f"source={quote(HOSTILE, safe='')}"
        page.goto(f"{hostile_server.url}/{page_path}?{query}")
        wait_for_app(page)
        page.wait_for_timeout(1500)
        assert "host.example" in page.url  # the filter is still in the URL: it was taken
        visible = page.evaluate(_VISIBLE_TEXT)
        for piece in LITERAL if page_path in SHOWN_ON else ():
            assert piece in visible, (page_path, piece, visible[:3000])
        assert page.evaluate(_FROM_DATA) == []
        # (our own URLs carry the text in the query: the HOST is what must never be asked)
        assert not [u for u in requests if (urlparse(u).hostname or "").endswith("host.example")]
    finally:
        page.close()
