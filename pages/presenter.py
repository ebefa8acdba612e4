"""Presenter view: one finding at a time, as slides, with the HTML / PowerPoint / table exports.

The slide number lives in the URL (``?slide=3``), so a link opens the same slide with the same
filters and language. Page-only CSS (a constant, no user data) enlarges the type and moves the
sidebar and toolbar out of the way; a toggle brings them back.
"""

from __future__ import annotations

import streamlit as st

from analytics.domain import PRIVACY_THRESHOLD
from analytics.i18n import fmt_num
from analytics.report.slides import presenter_figure
from analytics.report.tables import display_table
from analytics.report.titles import split_title
from ui import cache, entry, report_data
from ui.components import causal_choice, widgets
from ui.components.answer_strip import show_lines
from ui.safe import md

ctx = entry.start()
lang = ctx.lang

# Chart text in presenter mode relative to the app's (presenter_figure's 16 px becomes ~21 px,
# the size of the slide's body text, 1.35rem). Streamlit tells a script nothing about the
# viewport, so the figure is sized for a laptop or projector, and the CSS below brings chart text
# back to 12 px on a screen under 700 px (at 21 px a phone's plot shrank to ~80 px beside its
# labels). The rule covers plotly's hidden measuring SVG (#js-plotly-tester) as well, so the
# margins plotly computes fit the text it shows.
PRESENTING_TEXT_SCALE = 1.3

_PRESENTING_CSS = """
<style>
section[data-testid="stSidebar"], div[data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], div[data-testid="stToolbar"],
div[data-testid="stDecoration"] { display: none !important; }
div[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 1400px; }
div[data-testid="stMainBlockContainer"] h1 { font-size: 2.1rem; line-height: 1.2; }
div[data-testid="stMainBlockContainer"] div[data-testid="stMarkdownContainer"] p {
  font-size: 1.35rem; }
div[data-testid="stMainBlockContainer"] div[data-testid="stCaptionContainer"] p {
  font-size: 1rem; }
@media (max-width: 700px) {
  .js-plotly-plot .main-svg text, #js-plotly-tester text { font-size: 12px !important; }
}
</style>
"""


def _slide_from_url(count: int) -> int:
    """The 1-based slide number from ``?slide=N``, clamped; anything unreadable is slide 1."""
    raw = st.query_params.get("slide")
    try:
        n = int(raw) if raw is not None else 1
    except ValueError:
        n = 1
    return min(max(n, 1), count)


def _go(to: int) -> None:
    st.query_params["slide"] = str(to)


top_left, top_right = st.columns([2, 1], vertical_alignment="bottom")
presenting = top_left.toggle(
    ":material/fullscreen: " + ctx.t("presenter.mode"),
    value=st.query_params.get("chrome") != "1",
    key="presenter_mode",
    help=ctx.t("presenter.mode.help"),
)
if presenting:
    st.html(_PRESENTING_CSS)
    if "chrome" in st.query_params:
        del st.query_params["chrome"]
else:
    st.query_params["chrome"] = "1"

with top_right:
    # The same "adjust for" choice (and URL parameter) as the Overview page.
    adjust_by = causal_choice.adjust_selector(
        ctx,
        key="adjust",
        label_key="overview.adjust",
        none_key="overview.adjust.none",
        help_key="overview.adjust.help",
    ).value  # "all" adds the everything-measured slide

with st.spinner(ctx.t("presenter.building")):
    deck = cache.deck(ctx.version, ctx.filters, lang, adjust_by=adjust_by)
if not deck.slides:
    st.warning(ctx.t("presenter.empty"), icon=":material/filter_alt:")
    st.stop()

count = len(deck.slides)
current = _slide_from_url(count)
if st.query_params.get("slide") != str(current):
    st.query_params["slide"] = str(current)
slide = deck.slides[current - 1]

nav_prev, nav_pos, nav_next = st.columns([1, 4, 1], vertical_alignment="center")
nav_prev.button(
    ctx.t("presenter.prev"),
    icon=":material/arrow_back:",
    key="presenter_prev",
    disabled=current <= 1,
    on_click=_go,
    args=(current - 1,),
    width="stretch",
)
nav_pos.caption(ctx.t("presenter.position", i=current, n=count))
nav_next.button(
    ctx.t("presenter.next"),
    icon=":material/arrow_forward:",
    key="presenter_next",
    disabled=current >= count,
    on_click=_go,
    args=(current + 1,),
    width="stretch",
)

# Like the deck and the HTML report: the finding as a short title, the numbers beneath it.
short, numbers = split_title(slide.title)
st.title(md(short), anchor=False)
if numbers:
    st.markdown(f"#### {md(numbers)}")
if slide.answers:  # the first slide opens with the Overview's answer strip
    show_lines(ctx, slide.answers, key="presenter_answers")
# The header states the finding and the caption the footnote: the chart drops its own copies.
# Presenting, the slide's type is ~1.35x the app's (CSS above): the chart's text follows, so a
# projector shows axis labels and legends at the size of the slide's own text.
widgets.plotly_chart(
    presenter_figure(slide),
    key=f"presenter_chart_{slide.key}",
    text_scale=PRESENTING_TEXT_SCALE if presenting else 1.0,
)
if slide.finding:
    st.markdown(f":material/insights: {md(slide.finding)}")
st.caption(md(slide.footnote))
if slide.table is not None and not slide.table.empty:
    with st.expander(ctx.t("presenter.table"), icon=":material/table:"):
        st.dataframe(display_table(slide.table, lang), hide_index=True)

st.divider()
with st.expander(ctx.t("presenter.exports"), icon=":material/download:"):
    st.caption(ctx.t("presenter.exports.help", k=fmt_num(PRIVACY_THRESHOLD, lang)))
    state_key = "presenter_exports"
    stamp = (ctx.version, ctx.filters, lang, adjust_by)
    if st.button(ctx.t("presenter.prepare"), icon=":material/build:", key="presenter_prepare"):
        files: dict[str, bytes] = {}
        with st.status(ctx.t("presenter.preparing"), expanded=False) as status:
            bar = st.progress(0.0)
            for i, kind in enumerate(report_data.EXPORTS):
                files[kind] = report_data.export_bytes(deck, kind)
                bar.progress((i + 1) / len(report_data.EXPORTS))
            status.update(label=ctx.t("presenter.ready"), state="complete")
        st.session_state[state_key] = (stamp, files)
    prepared = st.session_state.get(state_key)
    if prepared is not None and prepared[0] != stamp:
        st.info(ctx.t("presenter.stale"), icon=":material/refresh:")
    elif prepared is not None:
        cols = st.columns(len(report_data.EXPORTS))
        for col, kind in zip(cols, report_data.EXPORTS, strict=True):
            col.download_button(
                ctx.t(f"presenter.{kind}"),
                data=prepared[1][kind],
                file_name=f"aivshi_report_{lang}.{report_data.EXTENSION[kind]}",
                mime=report_data.MIME[kind],
                icon=":material/download:",
                key=f"presenter_dl_{kind}",
                on_click="ignore",
            )
