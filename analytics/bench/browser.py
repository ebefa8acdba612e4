"""The browser benchmark (``python -m analytics bench --browser``): what a person waits for.

It starts the app (``streamlit run app.py`` on 127.0.0.1, headless) on the benchmark database and
a second server with the floor (``floor_app.py``: a bare Streamlit page, no analytics), opens every
page in headless Debian Chromium through Playwright and clicks through every tab.

Definitions (times from ``page.goto`` until the condition is first seen; the condition is polled
every ``POLL_MS`` ms, so times are late by at most about that much, for the app and the floor
alike):

- **first content**: the page's title (the ``h1`` in the main area) is drawn;
- **complete**: the server has sent ``script_finished`` (FINISHED_SUCCESSFULLY) for the run the
  navigation started, AND the running indicator ``[data-testid="stStatusWidget"]`` is gone, AND
  every *visible* plotly chart (``[data-testid="stPlotlyChart"]``) has its ``.main-svg`` drawn,
  AND no skeleton (``[data-testid="stSkeleton"]``) is left;
- **tab**: after the page is complete, a click on the tab until the same condition holds for the
  tab's content (and, when the click starts a script run, until that run has finished);
- **warm**: the median over ``repeats`` visits of the page on a server that has served it before
  (``st.cache_data`` filled, DuckDB buffers warm, the browser's HTTP cache warm: a person opening
  a link to a page a colleague looked at);
- **cold**: the first visit of the page on a freshly started server after one visit of the Data
  page (so Python's imports and the connection are done, the caches are empty: the first visit
  after a data load), median over ``repeats`` restarts.

The floor page draws as many charts, metrics, tables and tabs as the measured page showed, from
constant data; the ratio page / floor is the app's own cost. Every visit uses the same browser
context per server, so the HTTP cache is warm for both.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analytics import store
from analytics.bench.tasks import REPO_ROOT

CHROMIUM = os.environ.get("AIVSHI_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
# url path -> page name, in the navigation's order ("" is the default page, the overview)
PAGES = {
    "": "overview",
    "funnel": "funnel",
    "offers": "offers",
    "quality": "quality",
    "business_case": "business_case",
    "fairness": "fairness",
    "survey": "survey",
    "presenter": "presenter",
    "data": "data",
}
POLL_MS = 20
RERUN_GRACE_S = 0.5  # a click's rerun request reaches us well within this (sent by the browser)
TIMEOUT_MS = 180_000
VIEWPORT = {"width": 1400, "height": 1000}

# Evaluated in the page. Each returns performance.now() (truthy) once its condition holds.
_FIRST_JS = """() => {
  const h = document.querySelector('[data-testid="stMain"] h1');
  return h && h.getClientRects().length > 0 ? performance.now() : false;
}"""
_DRAWN_JS = """() => {
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  for (const c of main.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (c.getClientRects().length === 0) continue;  // in a hidden tab
    if (!c.querySelector('.main-svg')) return false;
  }
  return performance.now();
}"""
_COUNT_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const n = (sel) => main.querySelectorAll(sel).length;
  return {
    charts: n('[data-testid="stPlotlyChart"]'),
    metrics: n('[data-testid="stMetric"]'),
    tables: n('[data-testid="stDataFrame"], [data-testid="stTable"]'),
    tabs: n('[data-testid="stTabs"] [role="tab"]'),
  };
}"""


class BrowserUnavailableError(RuntimeError):
    """Playwright or Chromium is missing: the browser mode cannot run here."""


@dataclass
class _Server:
    url: str
    proc: subprocess.Popen
    log: Path


@dataclass
class _Visit:
    first_s: float
    complete_s: float
    tabs: list[float] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    errors: int = 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(script: Path, workdir: Path, env: dict[str, str], name: str) -> _Server:
    port = _free_port()
    log = workdir / f"{name}.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return _Server(url, proc, log)
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    _stop(_Server(url, proc, log))
    raise RuntimeError(f"streamlit did not start: {log.read_text()[-1500:]}")


def _stop(server: _Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:  # pragma: no cover - a stuck server
        server.proc.kill()
        server.proc.wait()


class _Runs:
    """Counts script runs from the websocket: a ``new_session`` starts one, ``script_finished``
    ends it. Streamlit's frames are ForwardMsg protobufs; decoding them is exact where guessing
    from the DOM is not (the running indicator appears only after a short delay)."""

    def __init__(self) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._msg = ForwardMsg
        self._back = BackMsg
        self.started = 0
        self.finished = 0
        self.requested = 0

    def attach(self, page: Any) -> None:
        def hook(ws: Any) -> None:
            ws.on("framereceived", self._frame)
            ws.on("framesent", self._sent)

        page.on("websocket", hook)

    def _sent(self, payload: Any) -> None:
        # The browser asks for a script run (a widget change, a click on a lazy tab): counted
        # when sent, so a click that will rerun is told from one that will not without waiting
        # for the server's answer.
        if isinstance(payload, str):
            return
        try:
            msg = self._back.FromString(payload)
        except Exception:  # noqa: BLE001 - not a BackMsg
            return
        if msg.WhichOneof("type") == "rerun_script":
            self.requested += 1

    def _frame(self, payload: Any) -> None:
        if isinstance(payload, str):
            return
        try:
            msg = self._msg.FromString(payload)
        except Exception:  # noqa: BLE001 - not a ForwardMsg: not ours to judge
            return
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.started += 1
        elif kind == "script_finished" and msg.script_finished in (
            msg.FINISHED_SUCCESSFULLY,
            msg.FINISHED_WITH_COMPILE_ERROR,
        ):
            self.finished += 1


def _wait_finished(page: Any, runs: _Runs, at_least: int) -> None:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while runs.finished < at_least:
        if time.monotonic() > deadline:
            raise TimeoutError("no script_finished from the server")
        page.wait_for_timeout(POLL_MS)  # lets Playwright dispatch the websocket events


def _visit(page: Any, runs: _Runs, url: str, *, tabs: bool) -> _Visit:
    runs.started = runs.finished = runs.requested = 0
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(_FIRST_JS, polling=POLL_MS, timeout=TIMEOUT_MS)
    first = time.perf_counter() - started
    _wait_finished(page, runs, 1)
    page.wait_for_function(_DRAWN_JS, polling=POLL_MS, timeout=TIMEOUT_MS)
    visit = _Visit(first_s=first, complete_s=time.perf_counter() - started)
    visit.counts = page.evaluate(_COUNT_JS)
    visit.errors = page.locator('[data-testid="stException"]').count()
    if tabs:
        buttons = page.locator('[data-testid="stMain"] [data-testid="stTabs"] [role="tab"]')
        for i in range(1, buttons.count()):
            visit.tabs.append(_click_tab(page, runs, buttons.nth(i)))
    return visit


def _click_tab(page: Any, runs: _Runs, button: Any) -> float:
    """Seconds from the click on a tab until what it shows is complete.

    A lazy tab (``st.tabs(on_change="rerun")``) sends a rerun request: then the time runs until
    that run's ``script_finished`` and the drawn condition (before the run, the new tab is empty
    and would pass the drawn check at once). A plain tab sends nothing: the time is when the
    drawn condition first held, confirmed after ``RERUN_GRACE_S`` without a request.
    """
    requested, finished = runs.requested, runs.finished
    started = time.perf_counter()
    button.click()
    drawn_at: float | None = None
    while True:
        if runs.requested > requested:
            _wait_finished(page, runs, finished + 1)
            page.wait_for_function(_DRAWN_JS, polling=POLL_MS, timeout=TIMEOUT_MS)
            return time.perf_counter() - started
        elapsed = time.perf_counter() - started
        if drawn_at is None and page.evaluate(_DRAWN_JS):
            drawn_at = elapsed
        if drawn_at is not None and elapsed > RERUN_GRACE_S:
            return drawn_at
        if elapsed > TIMEOUT_MS / 1000:
            raise TimeoutError("the tab did not complete")
        page.wait_for_timeout(POLL_MS)  # lets Playwright dispatch the websocket events


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


@contextlib.contextmanager
def _browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:  # pragma: no cover - installed on the machine
        raise BrowserUnavailableError("playwright is not installed") from e
    if not Path(CHROMIUM).exists():
        raise BrowserUnavailableError(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


def _page(browser: Any) -> tuple[Any, Any, _Runs]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    runs = _Runs()
    runs.attach(page)
    return context, page, runs


def _floor_url(base: str, counts: dict[str, int]) -> str:
    return f"{base}/?" + "&".join(f"{k}={int(v)}" for k, v in sorted(counts.items()))


def run_browser(
    db: str,
    workdir: Path,
    *,
    repeats: int = 3,
    pages: dict[str, str] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Warm and cold visits of every page and tab, and the floor for each; JSON-able."""
    pages = PAGES if pages is None else pages
    env = {store.DB_ENV_VAR: db}
    out: dict[str, Any] = {
        "repeats": repeats,
        "poll_ms": POLL_MS,
        "load_avg_start": list(os.getloadavg()),
        "pages": {},
    }
    with _browser() as browser:
        # Warm, with the floor interleaved: both servers run side by side and every timed visit
        # of a page is followed by a visit of its floor, so a change in the machine's load
        # during the run moves both (a page's phase and its floor's phase used to be minutes
        # apart, and the ratio moved with the load in between).
        log("browser: warm visits, each next to its floor ...")
        app = _start(REPO_ROOT / "app.py", workdir, env, "app")
        floor = _start(FLOOR_APP, workdir, {}, "floor")
        try:
            context, page, runs = _page(browser)
            f_context, f_page, f_runs = _page(browser)
            for path, name in pages.items():
                url = f"{app.url}/{path}"
                seen = _visit(page, runs, url, tabs=True)  # fills the caches, untimed
                floor_url = _floor_url(floor.url, seen.counts)
                floor_first = _visit(f_page, f_runs, floor_url, tabs=False)
                visits, floors = [], []
                for _ in range(repeats):
                    visits.append(_visit(page, runs, url, tabs=True))
                    floors.append(_visit(f_page, f_runs, floor_url, tabs=False))
                out["pages"][name] = {
                    "path": path,
                    "counts": seen.counts,
                    "errors": max([seen.errors, *(v.errors for v in visits)]),
                    "warm": {
                        "first_s": _median([v.first_s for v in visits]),
                        "complete_s": _median([v.complete_s for v in visits]),
                        "tabs_s": [
                            _median([v.tabs[i] for v in visits if i < len(v.tabs)])
                            for i in range(len(seen.tabs))
                        ],
                    },
                    "floor": {
                        "cold_complete_s": floor_first.complete_s,
                        "first_s": _median([v.first_s for v in floors]),
                        "complete_s": _median([v.complete_s for v in floors]),
                    },
                }
            context.close()
            f_context.close()
        finally:
            _stop(app)
            _stop(floor)
        # Cold: a fresh server per page and repeat; the Data page first, then the page.
        log("browser: cold visits (a fresh server per page) ...")
        for path, name in pages.items():
            cold: list[_Visit] = []
            for _ in range(repeats):
                app = _start(REPO_ROOT / "app.py", workdir, env, "app-cold")
                try:
                    context, page, runs = _page(browser)
                    if path != "data":
                        _visit(page, runs, f"{app.url}/data", tabs=False)
                    cold.append(_visit(page, runs, f"{app.url}/{path}", tabs=False))
                    context.close()
                finally:
                    _stop(app)
            out["pages"][name]["cold"] = {
                "first_s": _median([v.first_s for v in cold]),
                "complete_s": _median([v.complete_s for v in cold]),
            }
            out["pages"][name]["errors"] = max(
                out["pages"][name]["errors"], *(v.errors for v in cold)
            )
    out["load_avg_end"] = list(os.getloadavg())
    for entry in out["pages"].values():
        floor_s = entry["floor"]["complete_s"]
        entry["ratio_warm"] = entry["warm"]["complete_s"] / floor_s if floor_s else float("nan")
        entry["ratio_cold"] = entry["cold"]["complete_s"] / floor_s if floor_s else float("nan")
    return out


def browser_table(result: dict[str, Any]) -> str:
    """The browser part of the bench table, one line per page and one per tab."""
    b = result["browser"]
    m = result.get("machine", {})
    lines = [
        f"browser: headless Chromium, medians of {b['repeats']}; load avg "
        f"{b['load_avg_start'][0]:.1f} at start, {b['load_avg_end'][0]:.1f} at end; "
        f"{m.get('cpus', '?')} cores, {m.get('cpu_model', '?')}",
        "complete = script finished, no running indicator, every visible chart drawn, no skeleton",
        f"{'page':<16}{'c/m/t/tabs':>12}{'first s':>9}{'complete':>10}{'floor':>8}"
        f"{'ratio':>7}{'cold first':>12}{'cold compl':>12}{'ratio':>7}",
    ]
    for name, e in b["pages"].items():
        c = e["counts"]
        counts = f"{c['charts']}/{c['metrics']}/{c['tables']}/{c['tabs']}"
        lines.append(
            f"{name:<16}{counts:>12}{e['warm']['first_s']:>9.2f}{e['warm']['complete_s']:>10.2f}"
            f"{e['floor']['complete_s']:>8.2f}{e['ratio_warm']:>6.1f}x"
            f"{e['cold']['first_s']:>12.2f}{e['cold']['complete_s']:>12.2f}"
            f"{e['ratio_cold']:>6.1f}x" + ("   ERRORS" if e["errors"] else "")
        )
        for i, s in enumerate(e["warm"]["tabs_s"], start=2):
            lines.append(f"  {name} tab {i:<{14 - len(name)}}{'':>12}{'':>9}{s:>10.2f}")
    return "\n".join(lines)
