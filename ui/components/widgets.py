"""Small drawing parts every page uses: metric cards, the "adjust for" selector, chart blocks
with their data and CSV download, footnotes and chart titles (one look across pages)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import charts, findings
from analytics.charts.empty import has_points
from analytics.domain import DIMENSIONS, PRIVACY_THRESHOLD
from analytics.i18n import fmt_num, fmt_p, fmt_points, label, t
from analytics.metrics.common import Adjustment, MetricResult
from analytics.report.export import to_csv_bytes
from analytics.report.tables import display_table
from ui import urlstate
from ui.context import PageContext, page_context
from ui.safe import md

wrap = charts.wrap


def footnote(ctx: PageContext) -> str:
    return findings.cohort_footnote(ctx.filters, ctx.info, ctx.lang)


def chart_footnote(ctx: PageContext) -> str:
    """The footnote wrapped to a chart's width."""
    return wrap(footnote(ctx), 150)


def titled(text: str) -> str:
    """A chart title (the takeaway) wrapped to a chart's width."""
    return wrap(text, 95)


def metric_card(metric: MetricResult, pipelines: tuple[str, ...], lang: str) -> None:
    """One metric: each pipeline's value with interval and n, the difference, and the sentence."""
    st.markdown(f"**{t(f'metric.{metric.key}', lang)}**", help=t(f"metric.{metric.key}.help", lang))
    for pipe in pipelines:
        g = metric.groups.get(pipe)
        if g is None:
            continue
        name = label("pipeline", pipe, lang)
        if g.suppressed:
            st.markdown(f"{name}: *{t('overview.suppressed', lang, k=PRIVACY_THRESHOLD)}*")
            continue
        value = findings.format_value(metric, g.value, lang)
        line = f"{name}: **{value}**"
        if g.ci is not None:
            low = findings.format_value(metric, g.ci.low, lang)
            high = findings.format_value(metric, g.ci.high, lang)
            line += f" ({low} – {high})"
        if g.q1 is not None and g.q3 is not None:
            line += ", " + t("overview.iqr", lang, q1=fmt_num(g.q1, lang), q3=fmt_num(g.q3, lang))
        if metric.kind != "count":
            line += " · " + t("overview.n", lang, n=fmt_num(g.n, lang))
        st.markdown(line)
    if metric.comparable:
        assert metric.diff is not None and metric.diff_ci is not None
        diff = findings.format_diff(metric, metric.diff, lang, signed=True)
        ci = t(
            "overview.ci_label",
            lang,
            low=findings.format_bound(metric, metric.diff_ci.low, lang),
            high=findings.format_bound(metric, metric.diff_ci.high, lang),
        )
        test = t(f"test.{metric.test}", lang) if metric.test else ""
        st.caption(
            f"{t('overview.diff_label', lang)} {diff} · {ci} · "
            f"{t('overview.p_label', lang, p=fmt_p(metric.p_value, lang))} ({test})"
        )
    sentence = findings.metric_sentence(metric, lang, demo=False)
    answer = metric.answer
    if answer is not None and answer[2]:
        st.markdown(f":material/insights: {md(sentence)}")
    else:
        st.markdown(f":material/info: {md(sentence)}")


def adjusted_caption(ctx: PageContext, metric: MetricResult) -> None:
    """Under a card: the adjusted answer's numbers and what adjusting changed
    (:func:`adjusted_block`)."""
    if metric.adjustment is not None:
        adjusted_block(ctx, metric.adjustment)


def adjusted_block(ctx: PageContext, adj: Adjustment) -> None:
    """The adjusted difference in points with its interval and p, the crude one beside it, the
    homogeneity test, then the sentences for a reversal / significance change and for strata
    that disagree (findings.change_sentence, findings.homogeneity_sentence)."""
    lang = ctx.lang
    by = ctx.t(f"dim.{adj.by}").lower()
    if adj.estimable:
        st.caption(
            ctx.t(
                "overview.adjusted.rd",
                by=by,
                strata=adj.strata,
                adj=fmt_points(adj.diff, lang, signed=True),
                low=fmt_points(adj.ci.low, lang, signed=True, unit=False),
                high=fmt_points(adj.ci.high, lang, signed=True, unit=False),
                p=fmt_p(adj.p_value, lang),
                crude=fmt_points(adj.crude_diff, lang, signed=True),
                clow=fmt_points(adj.crude_ci.low, lang, signed=True, unit=False),
                chigh=fmt_points(adj.crude_ci.high, lang, signed=True, unit=False),
                cp=fmt_p(adj.crude_p_value, lang),
                hp=fmt_p(adj.homogeneity_p, lang),
            )
        )
    extra = findings.change_sentence(adj, lang)
    if extra:
        if adj.reversal:
            st.warning(extra, icon=":material/call_split:")
        else:
            st.info(extra, icon=":material/info:")
    hetero = findings.homogeneity_sentence(adj, lang)
    if hetero:
        st.info(hetero, icon=":material/stacked_bar_chart:")


ADJUST_OPTIONS = ("none", *DIMENSIONS)


def adjust_selector(
    ctx: PageContext, *, key: str, label_key: str, none_key: str, help_key: str
) -> str | None:
    """ "Adjust for" selector (none or a filter dimension), kept in the URL under ``key``.

    Returns the dimension to stratify by (Mantel-Haenszel), or None for the crude comparison.
    """
    urlstate.seed_choice(key, ADJUST_OPTIONS, "none")
    choice = st.selectbox(
        ctx.t(label_key),
        options=ADJUST_OPTIONS,
        format_func=lambda d: ctx.t(none_key) if d == "none" else ctx.t(f"dim.{d}"),
        key=key,
        help=ctx.t(help_key),
        width=320,
    )
    urlstate.write_choice(key, choice, "none")
    return None if choice in (None, "none") else choice


def plotly_chart(fig: go.Figure, *, key: str, text_scale: float = 1.0) -> None:
    """Draw a figure so it reads in the light and the dark theme.

    Streamlit's chart theme supplies text and grid colours for the viewer's theme; the pipeline
    colours are set on every trace, so the theme cannot change them. (``st.context.theme`` is
    unreliable on a session's first run, so we do not pick colours ourselves.) ``text_scale``
    grows the chart's text with the page's (the presenter view's larger type); the height comes
    from ``charts.screen_parts`` (rows and legend entries), as Streamlit tells a script nothing
    about the viewport's width.
    """
    if not has_points(fig):  # no number to draw: a sentence, not plotly's bare -1..4 axes
        st.info(t("chart.empty", page_context().lang), icon=":material/info:")
        return
    # Title and footnote as text that wraps at any width (plotly clips them on a phone), numbers
    # in the reader's language; data-derived text is escaped once, at the renderer.
    lang = str(st.session_state.get("lang", "en"))
    if text_scale != 1.0:  # the presenter's larger type
        shown, title, note = charts.screen_parts(fig)
        shown = charts.safe_figure(charts.localize(charts.scale_text(shown, text_scale), lang))
    else:  # the same figure in one pass over a dict (issue 21: ~3 validated copies fewer)
        shown, title, note = charts.screen_figure(fig, lang)
    if title:
        st.markdown(f"**{md(title)}**")
    st.plotly_chart(shown, theme="streamlit", key=key)
    if note and page_context().first_note(note):  # once per page, not under every chart
        st.caption(md(note))


def page_footnote(ctx: PageContext, text: str) -> None:
    """The page's footnote at its foot, unless a chart above already showed the same text."""
    if ctx.first_note(text):
        st.caption(md(text))


def demo_marked(table: pd.DataFrame, *, is_demo: bool, lang: str) -> pd.DataFrame:
    """A download's frame: with demo data loaded, a first column ``data`` saying so in every row
    (a file passed on without its name still says it is demo data); otherwise unchanged."""
    if not is_demo:
        return table
    out = table.copy()
    column = "data" if "data" not in out.columns else "data_source"
    out.insert(0, column, t("demo.short", lang).upper())
    return out


def download_name(page: str, name: str, *, is_demo: bool) -> str:
    """``aivshi_<page>_<name>.csv``, with ``_DEMO`` before the extension for demo data."""
    return f"aivshi_{page}_{name}{'_DEMO' if is_demo else ''}.csv"


def chart_block(
    ctx: PageContext, page: str, name: str, fig: go.Figure, takeaway: str, table: pd.DataFrame
) -> None:
    """One chart: its plain-language takeaway, the chart, and its data with a CSV download.

    Uses the locale keys ``{page}.data`` and ``{page}.download``. With demo data loaded the CSV
    carries a first column saying so and its file name ends in ``_DEMO`` (formulas still escaped).
    """
    if not fig.layout.title.text:  # the chart's title states the takeaway: say it once
        st.markdown(f":material/insights: {md(takeaway)}")
    plotly_chart(fig, key=f"{page}_{name}")
    is_demo, lang = ctx.info.is_demo, ctx.lang

    def csv_export() -> bytes:
        return to_csv_bytes(demo_marked(table, is_demo=is_demo, lang=lang))

    with st.expander(ctx.t(f"{page}.data"), icon=":material/table:"):
        st.dataframe(display_table(table, ctx.lang), hide_index=True)  # the reader's format
        # The CSV is made when the button is clicked, not on every run of the page (issue 21:
        # a page with nine charts built nine files nobody asked for); Streamlit runs the
        # callable on its own thread, and it touches no connection.
        st.download_button(
            ctx.t(f"{page}.download"),
            data=csv_export,
            file_name=download_name(page, name, is_demo=ctx.info.is_demo),
            mime="text/csv",
            icon=":material/download:",
            key=f"{page}_dl_{name}",
        )
