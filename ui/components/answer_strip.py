"""The answer strip: the Overview's first lines, one per question, readable without scrolling.

A TA leader opening the Overview on a laptop or a phone reads the answer before any card or
chart: acceptance, withdrawal, quality of hire and time to hire, each with its verdict and number
(``analytics.answers``; the adjusted answer when the reader adjusted). Plain Markdown lines in one
bordered box, so they wrap at any width.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from analytics.answers import AnswerLine, answer_lines
from analytics.metrics.common import MetricResult
from ui.context import PageContext

_ICONS = {
    "clear": ":material/check_circle:",
    "unclear": ":material/remove:",
    "few": ":material/help:",
}


def answer_strip(ctx: PageContext, metrics: dict[str, MetricResult], *, key: str) -> None:
    show_lines(ctx, answer_lines(metrics, ctx.lang), key=key)


def show_lines(ctx: PageContext, lines: Sequence[AnswerLine], *, key: str) -> None:
    """The strip for lines already made (the presenter shows its first slide's, the same lines
    the Overview makes from the same result)."""
    if not lines:
        return
    with st.container(border=True, key=key):
        st.markdown(f"**{ctx.t('answer.title')}**")
        # Markdown line breaks (two spaces) keep the four answers in one compact block.
        st.markdown("  \n".join(f"{_ICONS[line.verdict]} {line.text}" for line in lines))
