"""The shared chart look: legend below, title and footnote out of the figure on screen (they wrap
as text), long labels folded for a phone, numbers in the reader's language."""

from __future__ import annotations

import plotly.graph_objects as go

from analytics import charts


def _figure() -> go.Figure:
    fig = go.Figure(
        go.Bar(
            y=["Candidate withdrawal (any stage)", "Hire rate"],
            x=[7.6, 3.7],
            orientation="h",
            name="Human-first",
        )
    )
    fig.update_xaxes(title_text="Share of applications, offers or hires (%)")
    return charts.base_layout(
        fig, title=charts.wrap("A long finding " * 10, 95), footnote="Cohort: all applications."
    )


def test_screen_parts_take_title_and_footnote_out_and_fold_long_text():
    fig = _figure()
    shown, title, footnote = charts.screen_parts(fig)
    assert title == ("A long finding " * 10).strip() and "<br>" not in title
    assert footnote == "Cohort: all applications."
    assert not shown.layout.title.text
    assert not [a for a in shown.layout.annotations if a.name == charts.FOOTNOTE]
    assert "<br>" in shown.layout.xaxis.title.text
    folded = charts.wrap("Candidate withdrawal (any stage)", 18)
    assert list(shown.data[0].y) == [folded, "Hire rate"]
    # the original figure (used by exports) keeps everything
    assert fig.layout.title.text and any(a.name == charts.FOOTNOTE for a in fig.layout.annotations)
    assert list(fig.data[0].y)[0] == "Candidate withdrawal (any stage)"


def test_legend_below_and_separators_follow_the_language():
    fig = _figure()
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.yref == "container"
    assert charts.localize(go.Figure(fig), "nl").layout.separators == ",."
    assert charts.localize(go.Figure(fig), "en").layout.separators == ".,"
