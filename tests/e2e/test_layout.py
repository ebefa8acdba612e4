"""The layout holds from a phone to a laptop, in English and Dutch.

At 390 px (a phone) and 1440 px (a laptop) every insight page must show no text running past the
right edge of the screen, no chart title or annotation cut off at its chart's edge, and no legend
box lying on a chart title. Full-page screenshots land in tests/e2e/screenshots/layout_*.png for
a person to look at.
"""

from __future__ import annotations

import pytest

from .conftest import shot, wait_for_app

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


@pytest.fixture(params=list(WIDTHS), scope="module")
def width_page(request, browser):
    w, h = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": w, "height": h})
    p = context.new_page()
    p.set_default_timeout(90_000)
    yield request.param, p
    context.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("path", PAGES)
def test_no_overflow_no_clipped_chart_text(server, width_page, lang, path):
    width, page = width_page
    page.goto(f"{server.url}/{path}?lang={lang}")
    wait_for_app(page)
    # charts draw after the script run: wait until plotly has drawn every visible chart (the
    # benchmark's "complete"), then a moment for plotly's relayout
    page.wait_for_function(_CHARTS_DRAWN_JS, timeout=60_000)
    page.wait_for_timeout(500)
    shot(page, f"layout_{path or 'overview'}_{lang}_{width}")  # the first screen
    overflow = page.evaluate(_OVERFLOW_JS)
    charts = page.evaluate(_CHART_JS)
    # the whole page too: Streamlit scrolls inside its main block, so make the window as tall
    # as that block (same width, so the layout is the one just checked)
    w, h = WIDTHS[width]
    full = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": w, "height": min(int(full) + 100, 12_000)})
    page.wait_for_timeout(1000)
    shot(page, f"layout_{path or 'overview'}_{lang}_{width}_full")
    page.set_viewport_size({"width": w, "height": h})
    assert not overflow, overflow[:10]
    assert not charts, charts[:10]
