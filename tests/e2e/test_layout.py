"""The layout holds from a phone to a laptop, in English and Dutch, on every tab.

At 390 px (a phone) and 1440 px (a laptop) every insight page, and every tab of it, must show no
text running past the right edge of the screen, no chart title or annotation cut off at its
chart's edge, no legend box lying on a chart title or an axis title, no plot panel squeezed under
100 px, no chart with bare axes and no exception. Tabs are lazy (``ui/components/lazy_tabs.py``:
only the open tab runs), so each tab is opened through its id in the URL (``?funnel_tab=time``)
and measured on its own. Screenshots land in tests/e2e/screenshots/ as
``layout_<page>[_<tab>]_<width>_<lang>.png`` (the first screen) and ``..._full.png`` (the whole
page) for a person to look at.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from analytics.report.causal_slide import OVERVIEW_OUTCOMES
from tests.robustness.variety import HUMAN, Variant, build_database

from .conftest import ROOT, Server, serve_database, shot, stop_server, wait_for_app

PAGES = ("", "funnel", "offers", "quality", "business_case", "fairness", "survey", "presenter")
WIDTHS = {"phone": (390, 844), "laptop": (1440, 900)}

# Text elements (markdown, headings, captions, metric values, chart text) whose box ends right
# of the viewport. Data grids and code blocks scroll inside their own frame and are skipped.
_OVERFLOW_JS = """
() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  const skip = '[data-testid="stDataFrame"], [data-testid="stTable"], pre, code, '
    + '.js-plotly-plot, [role="tablist"]';
  const main = document.querySelector('[data-testid="stMain"]');
  const texts = 'p, h1, h2, h3, h4, li, span, label, [data-testid="stMetricValue"]';
  for (const el of main.querySelectorAll(texts)) {
    if (el.closest(skip) || !el.textContent.trim() || el.children.length > 3) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > vw + 2) out.push(el.textContent.trim().slice(0, 80) + ' @' + Math.round(r.right));
  }
  return out;
}
"""

# Plotly text (titles, annotations, axis titles) that leaves its chart's box, legends that
# overlap the chart title or an axis title, and plot panels squeezed under 100 px.
_CHART_JS = """
() => {
  const MIN_PANEL = 100;  // px: the smallest plot panel that still shows its intervals
  const out = [];
  const overlap = (a, b) =>
    !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top);
  for (const plot of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
    const box = plot.getBoundingClientRect();
    if (box.width === 0) continue;
    const texts = '.gtitle, .annotation-text, .xtitle, .ytitle, .legendtext';
    for (const t of plot.querySelectorAll(texts)) {
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 2 || r.right > box.right + 2)
        out.push('clipped: ' + t.textContent.slice(0, 60));
    }
    const title = plot.querySelector('.gtitle');
    const legend = plot.querySelector('.legend');
    if (title && legend && title.textContent.trim() &&
        overlap(title.getBoundingClientRect(), legend.getBoundingClientRect()))
      out.push('legend on title: ' + title.textContent.slice(0, 60));
    // a legend below must not lie on an axis title, and no panel may be squeezed to a sliver
    // beside or above its legend (on a phone they were 60-80 px)
    if (legend) {
      for (const at of plot.querySelectorAll('.xtitle')) {
        if (at.textContent.trim() &&
            overlap(at.getBoundingClientRect(), legend.getBoundingClientRect()))
          out.push('legend on axis title: ' + at.textContent.slice(0, 60));
      }
    }
    for (const drag of plot.querySelectorAll('.draglayer .nsewdrag')) {
      const r = drag.getBoundingClientRect();
      if (r.width > 0 && (r.height < MIN_PANEL || r.width < MIN_PANEL))
        out.push('squeezed panel ' + Math.round(r.width) + 'x' + Math.round(r.height) + ': '
          + (title ? title.textContent.slice(0, 40) : ''));
    }
  }
  return out;
}
"""


_CHARTS_DRAWN_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(c => c.offsetParent !== null)
    .every(c => c.querySelector('.main-svg'))"""

# A chart that draws axes but not one mark (plotly's bare -1..4 axes: issue 19's "empty chart"),
# and anything that shows a stack or the generic error instead of the page.
_EMPTY_OR_BROKEN_JS = """
() => {
  const out = [];
  const main = document.querySelector('[data-testid="stMain"]');
  for (const plot of main.querySelectorAll('.js-plotly-plot')) {
    if (plot.getBoundingClientRect().width === 0) continue;
    if (!plot.querySelector('.xaxislayer-above .xtick, .yaxislayer-above .ytick')) continue;
    // plotly.js draws each trace in a g.trace (bars, points, lines, error bars, text)
    const drawn = plot.querySelectorAll('.cartesianlayer .trace path, .cartesianlayer .trace text');
    const marks = [...drawn].some(m => m.tagName === 'text'
      ? m.textContent.trim() : (m.getAttribute('d') || '').length > 4);
    if (!marks) {
      const title = plot.querySelector('.gtitle');
      out.push('empty axes: ' + (title ? title.textContent.slice(0, 60) : '(untitled)'));
    }
  }
  if (main.querySelector('[data-testid="stException"]')) out.push('exception shown');
  if (main.innerText.includes('Traceback')) out.push('traceback shown');
  return out;
}
"""


def _tab_ids(page_file: str) -> tuple[str, ...]:
    """A page's tab ids, in order, read from its ``TABS = (...)`` (pages are scripts that start
    the app when imported, so the source is read, not imported): a tab added to a page is
    measured without touching this test."""
    tree = ast.parse((ROOT / "pages" / page_file).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "TABS" for t in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError(f"pages/{page_file} has no TABS")


@dataclass(frozen=True)
class View:
    """One thing to measure: a page (URL path) with extra URL parameters, named for its files."""

    path: str
    query: tuple[tuple[str, str], ...]
    name: str

    def url(self, base: str, lang: str) -> str:
        params = "&".join(f"{k}={v}" for k, v in (("lang", lang), *self.query))
        return f"{base}/{self.path}?{params}"


def _pages() -> list[View]:
    """Every insight page as it opens (its first tab)."""
    return [View(p, (), p or "overview") for p in PAGES]


# Pages with lazy tabs: URL path, the tab's URL key, and the page file that names the tabs.
TABBED = {
    "funnel": ("funnel_tab", "funnel.py"),
    "offers": ("offers_tab", "offers.py"),
    "quality": ("quality_tab", "quality.py"),
    "fairness": ("fair_tab", "fairness.py"),
    "survey": ("survey_tab", "survey.py"),
}


def _tabs() -> list[View]:
    """Every tab that is not a page's first (the first is what ``_pages`` measures), and the
    Overview's everything-measured panel (``?adjust=all``) with each of its outcome tabs."""
    views = []
    for path, (key, page_file) in TABBED.items():
        views += [View(path, ((key, tab),), f"{path}_{tab}") for tab in _tab_ids(page_file)[1:]]
    first, *rest = OVERVIEW_OUTCOMES
    views.append(View("", (("adjust", "all"),), f"overview_all_{first}"))
    views += [
        View("", (("adjust", "all"), ("overview_causal_tab", o)), f"overview_all_{o}") for o in rest
    ]
    return views


_SETTLED_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return [!!document.querySelector('[data-testid="stStatusWidget"]'), main ? main.scrollHeight : 0,
    document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot .main-svg').length].join('/');
}"""


def settle(page, quiet_ms: int = 1500, timeout_s: float = 90) -> None:
    """Until the page has run and drawn: its title is up, no script run is in progress, plotly
    has drawn every visible chart, and the page's height and number of drawn charts have not
    changed for ``quiet_ms``. ``wait_for_app`` alone returned before a lazy tab's run had even
    started (Streamlit shows its running widget only after a delay): screenshots were cut short
    and charts measured before they existed."""
    wait_for_app(page)
    deadline = time.monotonic() + timeout_s
    last, quiet = None, 0
    while time.monotonic() < deadline:
        state = page.evaluate(_SETTLED_JS)
        drawn = page.evaluate(_CHARTS_DRAWN_JS)
        if state == last and drawn and not state.startswith("true"):
            quiet += 250
            if quiet >= quiet_ms:
                return
        else:
            last, quiet = state, 0
        page.wait_for_timeout(250)
    raise AssertionError(f"the page did not settle in {timeout_s} s ({last})")


def measure(page, base: str, view: View, width: str, lang: str) -> dict[str, list[str]]:
    """Open ``view`` at ``width`` in ``lang``, save its screenshots, and return what is wrong."""
    page.goto(view.url(base, lang))
    settle(page)
    name = f"layout_{view.name}_{width}_{lang}"
    shot(page, name)  # the first screen
    found = {
        "overflow": page.evaluate(_OVERFLOW_JS),
        "charts": page.evaluate(_CHART_JS),
        "broken": page.evaluate(_EMPTY_OR_BROKEN_JS),
    }
    # the whole page too: Streamlit scrolls inside its main block, so make the window as tall
    # as that block (same width, so the layout is the one just checked)
    w, h = WIDTHS[width]
    full = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": w, "height": min(int(full) + 100, 12_000)})
    page.wait_for_timeout(1000)
    shot(page, f"{name}_full")
    page.set_viewport_size({"width": w, "height": h})
    return {k: v for k, v in found.items() if v}


@pytest.fixture(params=list(WIDTHS), scope="module")
def width_page(request, browser):
    w, h = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": w, "height": h})
    p = context.new_page()
    p.set_default_timeout(90_000)
    yield request.param, p
    context.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("view", _pages(), ids=lambda v: v.name)
def test_no_overflow_no_clipped_chart_text(server, width_page, lang, view):
    width, page = width_page
    assert not measure(page, server.url, view, width, lang)


# CI time: every page's first tab is measured at both widths in both languages (above); the other
# tabs at a phone in English and a laptop in Dutch (each width and each language once; ~40
# visits instead of ~80). The Dutch phone was where most text ran out, so it is also taken for
# the small database below.
TAB_SIZES = [("phone", "en"), ("laptop", "nl")]


@pytest.mark.parametrize(("width_page", "lang"), TAB_SIZES, indirect=["width_page"])
@pytest.mark.parametrize("view", _tabs(), ids=lambda v: v.name)
def test_every_tab_holds_its_layout(server, width_page, lang, view):
    width, page = width_page
    assert not measure(page, server.url, view, width, lang)


def test_every_tab_is_measured():
    """The tab lists come from the pages themselves and the tab keys are the ones the pages use
    (a renamed key would silently measure the first tab again)."""
    for key, page_file in TABBED.values():
        source = (ROOT / "pages" / page_file).read_text(encoding="utf-8")
        assert f'"{key}"' in source, (page_file, key)
        assert len(_tab_ids(page_file)) >= 2
    names = [v.name for v in _tabs()]
    assert len(names) == len(set(names))
    assert "funnel_time" in names and "overview_all_withdrawal" in names


# ---- a database that is not the demo (issue 20): one pipeline, 40 applications ----------------
# The pages were polished on the demo's shape (two pipelines, thousands of rows). A real first
# export may hold one pipeline and groups below the privacy threshold: every funnel and quality
# tab must still say something (a chart, a table or a message), never a stack or bare axes.
EDGE = Variant("one_pipeline_small", applications=40, pipelines=(HUMAN,), layout="last_by_one")

_SAYS_SOMETHING_JS = """() => {
  const panel = [...document.querySelectorAll('[data-testid="stMain"] [role="tabpanel"]')]
    .find(p => p.offsetParent !== null && !p.hidden);
  if (!panel) return 'no open tab';
  const said = panel.querySelector('.js-plotly-plot, [data-testid="stAlert"], '
    + '[data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stMetric"]');
  return said || panel.innerText.trim().length > 40 ? '' : 'silent tab: ' + panel.innerText;
}"""


@pytest.fixture(scope="module")
def edge_server(tmp_path_factory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("e2e_edge")
    db = build_database(work / "edge.duckdb", EDGE, seed=3)
    s = serve_database(db, work)
    yield s
    stop_server(s)


def _edge_views() -> list[View]:
    views = []
    for path in ("funnel", "quality"):
        key, page_file = TABBED[path]
        first, *rest = _tab_ids(page_file)
        views.append(View(path, (), f"edge_{path}_{first}"))
        views += [View(path, ((key, tab),), f"edge_{path}_{tab}") for tab in rest]
    return views


@pytest.mark.parametrize(
    ("width_page", "lang"), [("phone", "nl"), ("laptop", "en")], indirect=["width_page"]
)
@pytest.mark.parametrize("view", _edge_views(), ids=lambda v: v.name)
def test_every_tab_speaks_on_a_small_one_pipeline_database(edge_server, width_page, lang, view):
    width, page = width_page
    found = measure(page, edge_server.url, view, width, lang)
    silent = page.evaluate(_SAYS_SOMETHING_JS)
    assert not found and not silent, (found, silent)
