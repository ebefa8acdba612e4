"""User text is data in every renderer: Markdown, plotly, the HTML report, the PPTX deck.

What Streamlit's own renderer makes of the escaped Markdown (autolinks, directives, images) and
what plotly.js draws is checked in a real browser: tests/e2e/test_hostile_text.py."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import text_safety
from analytics.charts import safe_figure

HOSTILE = (
    '![b](http://host/x.png) [Please sign in again](http://host/p) <a href="http://host/q">A</a> '
    '<b style="font-size:90px">B</b> :red[R] :material/home: $x^2$ www.evil.com a@b.com **b**'
)


def _visible(md: str) -> str:
    """What a reader sees of an escaped string: backslash escapes resolved, joiners invisible."""
    out, i = [], 0
    while i < len(md):
        if md[i] == "\\" and i + 1 < len(md):
            out.append(md[i + 1])
            i += 2
            continue
        if md[i] != "\u2060":
            out.append(md[i])
        i += 1
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_markdown_escape_shows_exactly_the_text(text: str) -> None:
    escaped = text_safety.markdown(text)
    assert "\n" not in escaped and "\r" not in escaped
    # Every punctuation character is escaped, so nothing can open a construct.
    bare = escaped.replace("\\\\", "")
    for i, ch in enumerate(bare):
        if ch in "[]()!*_`<>#:$~|":
            assert i > 0 and bare[i - 1] == "\\", (text, escaped)
    expected = text_safety._CONTROL.sub("", text_safety._LINE_BREAKS.sub(" ", text)).strip()
    assert _visible(escaped) == expected


def test_plotly_text_escapes_markup_and_keeps_own_breaks() -> None:
    assert text_safety.plotly_text("<a href='x'>&</a>") == "&lt;a href='x'&gt;&amp;&lt;/a&gt;"
    assert text_safety.plotly_markup("a<br>b <b>c</b>") == "a<br>b &lt;b&gt;c&lt;/b&gt;"
    assert text_safety.plotly_markup("%{x}<extra></extra>", template=True) == "%{x}<extra></extra>"


def _all_strings(obj: object) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() if k != "template" for s in _all_strings(v)]
    if isinstance(obj, list | tuple):
        return [s for v in obj for s in _all_strings(v)]
    if hasattr(obj, "tolist"):
        return _all_strings(obj.tolist())
    return []


def test_safe_figure_escapes_every_data_string() -> None:
    evil = '<a href="http://host/q">x</a>'
    styled = '<b style="font-size:90px">big</b>'
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=pd.Series([evil, styled]),
            y=[1, 2],
            name=evil,
            text=[evil, "ok"],
            hovertext=[styled, "ok"],
            customdata=[[evil, 1], [styled, 2]],
            hovertemplate="%{customdata[0]}<br>%{y}<extra></extra>",
            legendgrouptitle={"text": evil},
        )
    )
    fig.add_annotation(text=evil, x=0, y=0)
    fig.update_layout(title={"text": f"Title {evil}<br>second line"})
    fig.update_xaxes(title_text=styled, ticktext=[evil], tickvals=[0])
    fig.update_layout(legend_title_text=styled)

    safe = safe_figure(fig)
    strings = _all_strings(safe.to_dict())
    assert not [s for s in strings if "<a" in s or "<b " in s or "<b>" in s]
    assert safe.layout.title.text.endswith("<br>second line")
    assert safe.data[0].hovertemplate == "%{customdata[0]}<br>%{y}<extra></extra>"
    assert list(safe.data[0].x) == [text_safety.plotly_text(evil), text_safety.plotly_text(styled)]
    # The original figure is untouched (escaping is not idempotent: once, at the renderer).
    assert fig.data[0].name == evil


def test_safe_figure_keeps_numbers_and_categories_aligned() -> None:
    fig = go.Figure(go.Scatter(x=["a&b", "c"], y=[1.5, 2.5]))
    fig.add_trace(go.Scatter(x=["a&b", "c"], y=[3.0, 4.0]))
    safe = safe_figure(fig)
    assert list(safe.data[0].y) == [1.5, 2.5]
    assert list(safe.data[0].x) == list(safe.data[1].x) == ["a&amp;b", "c"]
