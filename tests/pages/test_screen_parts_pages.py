"""Every chart and table the pages draw on the demo, every tab, English and Dutch, is drawn as
before issue 21: the figure ``charts.screen_figure`` hands Streamlit equals the old composition
``safe_figure(localize(screen_parts(fig)))`` (as the JSON sent to the browser), and every data
table ``display_table`` formats equals the cell-by-cell version it replaced."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from analytics import charts
from tests.analytics.charts.test_screen_figure import _same as same_figure
from tests.analytics.report.test_display_table_same import _same as same_table
from tests.pages.tabs import open_tab, tab_labels
from ui.components import widgets

APP = Path(__file__).resolve().parents[2] / "app.py"
PAGES = ("overview", "funnel", "offers", "quality", "business_case", "fairness", "presenter")

pytestmark = pytest.mark.usefixtures("fresh_app")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_page_figure_and_table_is_drawn_as_before(lang, monkeypatch):
    figures: list[tuple[go.Figure, str]] = []
    frames: list[tuple[pd.DataFrame, str]] = []
    fast, table = charts.screen_figure, widgets.display_table

    def record_figure(fig: go.Figure, lang: str) -> tuple[go.Figure, str, str]:
        figures.append((go.Figure(fig), lang))
        return fast(fig, lang)

    def record_table(frame: pd.DataFrame, lang: str, **kw: object) -> pd.DataFrame:
        frames.append((frame.copy(), lang))
        return table(frame, lang, **kw)

    # recorders around the real functions: the pages draw what they always draw
    monkeypatch.setattr(charts, "screen_figure", record_figure)
    monkeypatch.setattr(widgets, "display_table", record_table)
    at = AppTest.from_file(str(APP), default_timeout=120)
    if lang == "nl":
        at.query_params["lang"] = "nl"
    at.run()
    for page in PAGES:
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception, page
        key = next((k for k in at.session_state if str(k).endswith("_tab")), None)
        labels = tab_labels(at) if key else []
        for label in labels[1:]:
            open_tab(at, key, label)
            assert not at.exception, (page, label)
    assert len(figures) >= 25 and len(frames) >= 15  # every tab drew, none failed
    assert {used for _, used in figures} == {lang}
    for fig, used in figures:
        same_figure(fig, used)
    for frame, used in frames:
        same_table(frame, used)
