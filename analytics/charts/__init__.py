"""Plotly figure builders: results in, figure out. They never query and never compute a statistic
(every interval they draw comes with the result), so they import neither analytics.stats nor
analytics.store.

This package module holds the shared look (colours, ``base_layout``, ``wrap``, error bars, the
median dot chart, the verdict words); one module per page holds its figures and takeaways
(overview, offers, quality, change, funnel, fairness, survey, business_case).

One colour per pipeline everywhere, from the Okabe-Ito colour-blind-safe palette, in one order
(human-first, then automation-first). Every figure has a title that states the finding, axis
labels with units, intervals as error bars, and the n in the hover text and the footnote.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.findings import verdict_text as verdict  # noqa: F401  (charts' takeaways)
from analytics.i18n import fmt_days, fmt_num, label, t
from analytics.text_safety import plotly_markup

# Okabe & Ito (2008), Color Universal Design: blue and orange stay distinct for all common
# colour-vision deficiencies; vermillion, green and purple for further pipelines.
PIPELINE_COLORS = {
    "human_first": "#0072B2",
    "automation_first": "#E69F00",
}
EXTRA_COLORS = ("#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"


def wrap(text: str, width: int) -> str:
    """Break a long title or footnote into lines for plotly (which does not wrap). Never inside a
    hyphenated word: "automatisering-eerst" broken after its hyphen read "automatisering- eerst"
    once the screen joined the lines back into wrapping text. Nor inside a word a little longer
    than a line: the Dutch tick "Aanwervingspercentage" (21 letters) was cut into
    "Aanwervingspercent / age" on the Overview's phone chart. A token over twice the width (a
    pasted id or link in a category) is still cut, or it would push the plot off a phone."""
    cut = any(len(word) > 2 * width for word in text.split())
    return "<br>".join(
        textwrap.wrap(text, width=width, break_on_hyphens=False, break_long_words=cut)
    )


# Keys whose strings are plotly templates: ``%{x}`` placeholders and ``<extra></extra>`` stay.
_TEMPLATE_KEYS = frozenset({"hovertemplate", "texttemplate", "hovertemplatefallback"})
# The layout template holds only the look (colours, fonts), never data; skipping it saves a walk
# over a few hundred keys per figure.
_SKIP_KEYS = frozenset({"template"})


def _escape_value(value: object, *, template: bool) -> object:
    if isinstance(value, str):
        return plotly_markup(value, template=template)
    if isinstance(value, dict):
        return {
            k: v if k in _SKIP_KEYS else _escape_value(v, template=k in _TEMPLATE_KEYS)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_escape_value(v, template=template) for v in value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        flat = [_escape_value(v, template=template) for v in value.ravel().tolist()]
        return np.array(flat, dtype=object).reshape(value.shape)
    return value


def safe_figure(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` in which every string is literal text in plotly's HTML subset.

    Figures carry data-derived text in many places (trace names and legend, x/y categories,
    ``text``, ``hovertext``, ``customdata`` substituted into hover templates, annotations, axis
    and chart titles), and plotly.js renders a subset of HTML in all of them (``<a href>``,
    ``<b style>``, ``<span style>``). Escaping the whole figure once, where it is handed to a
    renderer (``ui.components.widgets.plotly_chart``, the HTML report), covers every chart and
    every future one; the chart code's own ``<br>`` (``wrap``) and ``<extra></extra>`` survive.
    Escaping is not idempotent (``&`` becomes ``&amp;``): call it once, at the renderer."""
    spec = fig.to_dict()
    return go.Figure(_escape_value(spec, template=False), skip_invalid=False)


def pipeline_color(pipeline: str, index: int = 0) -> str:
    return PIPELINE_COLORS.get(pipeline, EXTRA_COLORS[index % len(EXTRA_COLORS)])


SEPARATORS = {"en": ".,", "nl": ",."}
FOOTNOTE = "footnote"


def _categorical(values: object) -> bool:
    return (
        isinstance(values, list | tuple | np.ndarray)
        and len(values) > 0
        and all(isinstance(v, str) for v in values)
    )


def dodge_horizontal(fig: go.Figure) -> go.Figure:
    """Dodge the series of a horizontal dot-and-whisker chart so every interval has a line.

    ``scattermode="group"`` with an ``offsetgroup`` per series sets markers side by side only
    along the axis named by the trace's ``orientation``, which defaults to ``"v"`` (categories on
    x): with the categories on y, two pipelines' (or the crude and the adjusted) markers and
    whiskers were drawn on one line, the one drawn last hiding the other. Checked in Chromium
    with plotly.js 4.1: without ``orientation="h"`` the grouped points share a y pixel."""
    if fig.layout.scattermode != "group":
        return fig
    for trace in fig.data:
        if (
            trace.type == "scatter"
            and trace.offsetgroup is not None
            and trace.orientation is None
            and _categorical(trace.y)
            and not _categorical(trace.x)
        ):
            trace.orientation = "h"
    return fig


# plotly's pad above a top-anchored title; the first line's ascent (~16 px) rises above it, so 28
# puts the title's top ~12 px below the figure's edge (measured in Chromium, plotly.js 4.1: pad 12
# gave a three-line title the box -4..60 px, pad 40 gave 24..88 px).
TITLE_PAD = 28


def _merged(part: object, new: dict) -> dict:
    """A layout part's properties with ``new`` merged in, nested dicts key by key (as
    ``update_layout`` merges them)."""

    def merge(into: dict, update: dict) -> dict:
        for key, value in update.items():
            if isinstance(value, dict) and isinstance(into.get(key), dict):
                merge(into[key], value)
            else:
                into[key] = value
        return into

    return merge(part.to_plotly_json(), new)  # type: ignore[attr-defined]


def base_layout(fig: go.Figure, *, title: str, footnote: str = "", height: int = 420) -> go.Figure:
    """Shared look: transparent background (works in light and dark themes), title, footnote.

    The legend sits in a row *below* the plot, anchored to the bottom of the figure: a row above
    the plot grows upwards into a wrapped title when a narrow screen folds it into several rows,
    and a legend on the right squeezes the plot to a sliver on a phone. The footnote is an
    annotation named ``footnote`` (for exports that keep it in the figure); the app and the
    presenter view take title and footnote out and print them as text that wraps
    (``screen_parts``), because plotly never wraps text and clips it at the figure's edge."""
    lines = title.count("<br>") + 1
    # Set part by part, not with update_layout/update_xaxes: each of those runs plotly's batch
    # relayout machinery (~10 ms a call on this machine, ~50 ms a chart on every page run,
    # issue 21), and every assignment to a figure dispatches a relayout (~0.5 ms): one
    # assignment per part, merged as update_layout merges nested dicts (test_screen_figure.py
    # compares both).
    layout = fig.layout
    # Pinned to the top of the figure, not centred in the top margin: centred, a three-line
    # title came down to the subplot titles and the top of a y-axis title (exports keep the
    # title in the figure). Its last line ends ~TITLE_PAD + 22 * (lines - 1) + 8 px from the
    # top, 35-75 px above the plot for one to four lines.
    layout.title = _merged(
        layout.title,
        {
            "text": title,
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": TITLE_PAD},
        },
    )
    layout.font = _merged(layout.font, {"family": FONT, "size": 14})
    layout.paper_bgcolor = "rgba(0,0,0,0)"
    layout.plot_bgcolor = "rgba(0,0,0,0)"
    layout.height = height + 34 * (lines - 1)
    # plotly centres the title in the top margin: room for every line of a wrapped title.
    layout.margin = _merged(
        layout.margin, {"l": 10, "r": 10, "t": 40 + 34 * lines, "b": 150 if footnote else 60}
    )
    layout.legend = _merged(
        layout.legend,
        {
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "x": 0,
            "xanchor": "left",
            "title": {"text": ""},
        },
    )
    if footnote:
        fig.add_annotation(
            name=FOOTNOTE,
            text=footnote,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            yshift=-85,
            yanchor="top",
            showarrow=False,
            xanchor="left",
            align="left",
            font={"size": 11, "color": "#888"},
        )
    for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
        axis.gridcolor, axis.zeroline, axis.automargin = "rgba(128,128,128,0.2)", False, True
    return dodge_horizontal(fig)


def localize(fig: go.Figure, lang: str) -> go.Figure:
    """Numbers on axes, labels and hover in the reader's language: plotly's ``separators`` is
    the decimal mark then the thousands mark (``",."`` gives Dutch 1.234,5)."""
    fig.update_layout(separators=SEPARATORS.get(lang, SEPARATORS["en"]))
    return fig


def _is_footnote(annotation: object) -> bool:
    # Named by base_layout; older figures are recognised by the position base_layout gave them.
    name = getattr(annotation, "name", None)
    return name == FOOTNOTE or (
        getattr(annotation, "xref", None) == "paper"
        and getattr(annotation, "yref", None) == "paper"
        and getattr(annotation, "yshift", None) == -85
    )


def _plain(text: str | None) -> str:
    return " ".join((text or "").replace("<br>", " ").split())


# Widths (characters) that fit a 390 px phone at plotly's 14 px font: an axis title runs along a
# ~300 px axis, a bar label over half the plot, a legend entry across the figure.
_AXIS_CHARS = 28
_LABEL_CHARS = 24
_LEGEND_CHARS = 34
# Category labels beside a horizontal bar take the plot's width away from the bars (and plotly
# centres the axis title on what is left): two short lines instead of one long one.
_TICK_CHARS = 18


def _fold(text: str | None, width: int) -> str | None:
    if not text or "<br>" in text or len(text) <= width:
        return text
    return wrap(text, width)


def _fold_long_text(fig: go.Figure) -> None:
    """Fold axis titles, in-plot labels and legend entries into lines that fit a phone."""
    # A category label longer than a tick line (a word is never cut: "Aanwervingspercentage")
    # narrows the plot and so the x-axis title's lines, or the title runs off a phone.
    x_chars = _x_title_chars((tr.x, tr.y) for tr in fig.data)
    for axis in fig.select_xaxes():
        if axis.title and axis.title.text:
            axis.title.text = _fold(axis.title.text, x_chars)
    for axis in fig.select_yaxes():
        if axis.title and axis.title.text:
            axis.title.text = _fold(axis.title.text, _AXIS_CHARS)
    for annotation in fig.layout.annotations:
        annotation.text = _fold(annotation.text, _LABEL_CHARS)
    for trace in fig.data:
        if getattr(trace, "name", None) and getattr(trace, "showlegend", None) is not False:
            trace.name = _fold(trace.name, _LEGEND_CHARS)
        for attr in ("x", "y"):
            values = getattr(trace, attr, None) if attr in trace else None
            # only categories (text); the same fold on every trace keeps categories matched. A
            # figure read back from JSON holds numbers as a typed-array dict ({dtype, bdata}),
            # whose keys are strings too: only sequences are categories.
            if (
                isinstance(values, list | tuple | np.ndarray)
                and len(values)
                and all(isinstance(v, str) for v in values)
            ):
                setattr(trace, attr, [_fold(v, _TICK_CHARS) for v in values])


def _x_title_chars(pairs: Iterable[tuple[object, object]]) -> int:
    """Characters per line of an x-axis title: ``_AXIS_CHARS``, less two per character by which
    the longest category label beside horizontal bars or dots (categories on y, numbers on x;
    ``pairs`` are the traces' (x, y)) overhangs a tick line once folded: the labels take the
    plot's width away and plotly centres the x-axis title on what is left."""
    longest = 0
    for x, y in pairs:
        if _categorical(y) and not _categorical(x):
            for v in y:
                longest = max(
                    [longest, *(len(s) for s in (_fold(v, _TICK_CHARS) or "").split("<br>"))]
                )
    return max(_AXIS_CHARS - 2 * max(0, longest - _TICK_CHARS), 16)


# Room a chart needs on a phone, where the legend below folds every entry into a row of its own
# and the plot must still show each category: px per legend row, per dodged series in a
# category row, and the fixed parts (axis ticks and title, margins).
_LEGEND_ROW = 22
_SERIES_ROW = 16
_CATEGORY_GAP = 14
_PLOT_MIN = 240
_FIXED = 130


def legend_entries(fig: go.Figure) -> int:
    """Entries the legend shows (traces with a name that are not hidden from it; a legend
    group counts once)."""
    seen: set[str] = set()
    count = 0
    for trace in fig.data:
        if not trace.name or trace.showlegend is False:
            continue
        group = trace.legendgroup or ""
        if group and group in seen:
            continue
        seen.add(group)
        count += 1
    return count


def needed_height(fig: go.Figure) -> int:
    """A height chosen from what the figure holds, not from the screen's width: enough for
    every category row of a horizontal chart (one line per dodged series), and for a legend
    whose entries each take a row on a 390 px phone. Streamlit 1.67 tells a script nothing about
    the viewport (``st.context`` has headers, locale, theme, timezone and URL, no width), so the
    figure is sized for the narrowest screen; on a laptop the same height only gives the plot
    more room."""
    horizontal = [tr for tr in fig.data if getattr(tr, "orientation", None) == "h"]
    plot = _PLOT_MIN
    if horizontal:
        categories: set[str] = set()
        for tr in horizontal:
            if _categorical(tr.y):
                categories.update(str(v) for v in tr.y)
        series = len(
            {
                (tr.xaxis, tr.offsetgroup or tr.name)
                for tr in horizontal
                if tr.type == "bar" or tr.mode != "text"
            }
        )
        panels = len({tr.xaxis for tr in horizontal}) or 1
        per_panel = max(1, round(series / panels))
        plot = max(plot, len(categories) * (_CATEGORY_GAP + _SERIES_ROW * per_panel))
    entries = legend_entries(fig)
    legend = _LEGEND_ROW * entries if entries > 1 else 0
    return plot + legend + _FIXED


def screen_parts(fig: go.Figure) -> tuple[go.Figure, str, str]:
    """The figure for a screen of any width, and its title and footnote as plain text.

    Plotly does not wrap text: a title or footnote wider than the chart is cut off at the edge on
    a phone. On screen both go outside the figure (a heading above, a caption below, which wrap
    at any width, so they appear once and whole); the figure keeps its plot, legend below, and a
    top margin just large enough for the modebar. Its height is the larger of the builder's and
    ``needed_height`` (a phone must not squeeze the plot to a sliver above its legend)."""
    shown = go.Figure(fig)
    title = _plain(shown.layout.title.text)
    notes = [a for a in shown.layout.annotations if _is_footnote(a)]
    footnote = _plain(notes[0].text) if notes else ""
    # assigned, not updated: update_layout merges annotations by position
    shown.layout.annotations = [a for a in shown.layout.annotations if not _is_footnote(a)]
    _fold_long_text(shown)
    dodge_horizontal(shown)
    lines = (fig.layout.title.text or "").count("<br>") + 1 if title else 0
    height = shown.layout.height or 420
    height = height - 34 * lines - (70 if footnote else 0)
    margin_t = 40 if not shown.layout.annotations else 60  # subplot titles need a little room
    shown.update_layout(
        title_text="",
        height=max(260, height, needed_height(shown)),
        margin={"t": margin_t, "b": 60},
    )
    return shown, title, footnote


# ---- the same screen figure, built once from a plain dict (issue 21) -------------------------
# Every ``go.Figure(...)`` copy validates the whole figure, plotly's default template included
# (a few hundred keys: ~40 ms a copy on this machine), and every ``update_layout`` on a figure
# runs plotly's relayout machinery (~10 ms for a title). ``screen_parts`` + ``localize`` +
# ``safe_figure`` made three copies and several updates per chart, on every page run: with nine
# charts that was most of a warm page's Python time. ``screen_figure`` does the same edits on
# ``fig.to_dict()`` (already validated: it comes from a figure) and builds the figure once
# without validating it again. ``screen_parts``, ``localize`` and ``safe_figure`` stay the
# specification: tests/analytics/charts/test_screen_figure.py checks that both give the same
# JSON, the JSON Streamlit sends to the browser, for every chart the pages draw.

_AXIS_KEY = re.compile(r"^[xy]axis\d*$")


def _dict_is_footnote(annotation: dict) -> bool:
    # same rule as _is_footnote, on an annotation's dict
    return annotation.get("name") == FOOTNOTE or (
        annotation.get("xref") == "paper"
        and annotation.get("yref") == "paper"
        and annotation.get("yshift") == -85
    )


def _dict_fold_long_text(spec: dict) -> None:
    """``_fold_long_text`` on a figure's dict."""
    layout = spec.get("layout", {})
    x_chars = _x_title_chars((tr.get("x"), tr.get("y")) for tr in spec.get("data", ()))
    for key, axis in layout.items():
        if _AXIS_KEY.match(key) and isinstance(axis, dict):
            title = axis.get("title")
            if isinstance(title, dict) and title.get("text"):
                chars = x_chars if key.startswith("x") else _AXIS_CHARS
                title["text"] = _fold(title["text"], chars)
    for annotation in layout.get("annotations", ()):
        if annotation.get("text") is not None:
            annotation["text"] = _fold(annotation["text"], _LABEL_CHARS)
    for trace in spec.get("data", ()):
        if trace.get("name") and trace.get("showlegend") is not False:
            trace["name"] = _fold(trace["name"], _LEGEND_CHARS)
        for attr in ("x", "y"):
            values = trace.get(attr)
            if (
                isinstance(values, list | tuple | np.ndarray)
                and len(values)
                and all(isinstance(v, str) for v in values)
            ):
                trace[attr] = [_fold(v, _TICK_CHARS) for v in values]


def _dict_dodge_horizontal(spec: dict) -> None:
    """``dodge_horizontal`` on a figure's dict."""
    if spec.get("layout", {}).get("scattermode") != "group":
        return
    for trace in spec.get("data", ()):
        if (
            trace.get("type") == "scatter"
            and trace.get("offsetgroup") is not None
            and trace.get("orientation") is None
            and _categorical(trace.get("y"))
            and not _categorical(trace.get("x"))
        ):
            trace["orientation"] = "h"


def _unvalidated(spec: dict) -> go.Figure:
    # ``_validate=False``: the dict came from a validated figure and only its strings, a height,
    # a margin and the separators changed; validating again would re-check the template.
    return go.Figure(spec, _validate=False)


def screen_figure(fig: go.Figure, lang: str) -> tuple[go.Figure, str, str]:
    """``screen_parts`` then ``localize`` then ``safe_figure``, in one pass over a dict: the
    figure a page draws (escaped, in the reader's number format), its title and its footnote."""
    spec = fig.to_dict()
    layout = spec.setdefault("layout", {})
    title_text = (layout.get("title") or {}).get("text")
    title = _plain(title_text)
    annotations = layout.get("annotations", [])
    notes = [a for a in annotations if _dict_is_footnote(a)]
    footnote = _plain(notes[0].get("text")) if notes else ""
    kept = [a for a in annotations if not _dict_is_footnote(a)]
    if kept:
        layout["annotations"] = kept
    else:
        layout.pop("annotations", None)
    _dict_fold_long_text(spec)
    _dict_dodge_horizontal(spec)
    lines = (title_text or "").count("<br>") + 1 if title else 0
    height = layout.get("height") or 420
    height = height - 34 * lines - (70 if footnote else 0)
    margin_t = 40 if not kept else 60  # subplot titles need a little room
    layout.setdefault("title", {})["text"] = ""
    layout["height"] = max(260, height, needed_height(_unvalidated(spec)))
    layout.setdefault("margin", {}).update({"t": margin_t, "b": 60})
    layout["separators"] = SEPARATORS.get(lang, SEPARATORS["en"])
    return _unvalidated(_escape_value(spec, template=False)), title, footnote


# Presenter and projector: chart text grows with the slide's type (the page's CSS sets the
# slide's text at ~1.35x the app's); plotly sizes its text in px, so the figure is told.
def scale_text(fig: go.Figure, factor: float) -> go.Figure:
    """A copy of ``fig`` whose text (base font, title, legend, axis titles and ticks,
    annotations) is ``factor`` times its size, and whose height grows with it."""
    out = go.Figure(fig)
    base = out.layout.font.size or 14

    def grown(size: float | None) -> int:
        return round((size or base) * factor)

    out.update_layout(font={"size": grown(base)}, legend={"font": {"size": grown(None)}})
    for axis in (*out.select_xaxes(), *out.select_yaxes()):
        axis.tickfont.size = grown(axis.tickfont.size)
        axis.title.font.size = grown(axis.title.font.size)
    for annotation in out.layout.annotations:
        annotation.font.size = grown(annotation.font.size)
    for trace in out.data:
        if "textfont" in trace and (trace.text is not None):
            trace.textfont.size = grown(trace.textfont.size)
    out.update_layout(height=round((out.layout.height or 420) * (1 + (factor - 1) * 0.6)))
    return out


def finite(x: object) -> bool:
    """True for a number that is not NaN or infinite (charts read results; a missing value is
    None or NaN). Same rule as ``analytics.stats.finite``, kept here because charts do not import
    the statistics package."""
    try:
        return math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def error_bars(values: pd.Series, low: pd.Series, high: pd.Series, scale: float = 100.0) -> dict:
    """Plotly asymmetric error bars from an estimate and its interval (``scale`` 100: shares
    drawn as per cent)."""
    return {
        "type": "data",
        "symmetric": False,
        "array": (scale * (high - values)).to_numpy(float),
        "arrayminus": (scale * (values - low)).to_numpy(float),
    }


def rgba(color: str, alpha: float) -> str:
    """``#RRGGBB`` with transparency, for interval bands."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def pipeline_name(pipe: str, lang: str) -> str:
    return label("pipeline", pipe, lang)


def median_chart(
    times: pd.DataFrame, axis: str, lang: str, *, title: str, footnote: str
) -> go.Figure:
    """Medians per pipeline as dots with their interval (columns pipeline, n, median, low, high,
    q1, q3, optionally suppressed)."""
    shown = times[~times.suppressed.astype(bool)] if "suppressed" in times else times
    shown = shown[shown["median"].notna()]
    fig = go.Figure()
    for i, r in enumerate(shown.itertuples()):
        name = pipeline_name(r.pipeline, lang)
        fig.add_trace(
            go.Scatter(
                x=[r.median],
                y=[name],
                mode="markers",
                name=f"{name} (n = {fmt_num(int(r.n), lang)})",
                marker={"color": pipeline_color(r.pipeline, i), "size": 13},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [r.high - r.median],
                    "arrayminus": [r.median - r.low],
                },
                hovertext=t(
                    "offers.hover.median",
                    lang,
                    name=name,
                    median=fmt_days(r.median, lang),
                    low=fmt_num(r.low, lang, 1),
                    high=fmt_num(r.high, lang, 1),
                    q1=fmt_num(r.q1, lang),
                    q3=fmt_num(r.q3, lang),
                    n=fmt_num(int(r.n), lang),
                ),
                hoverinfo="text",
            )
        )
    fig.update_xaxes(title_text=axis, rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote, height=320)


# The overview chart lives in charts/overview.py; re-exported for callers of charts.headline_rates.
from analytics.charts.overview import headline_rates  # noqa: E402, F401
