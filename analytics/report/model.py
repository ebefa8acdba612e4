"""The slide model: what a deck is made of, shared by the slide builders and every renderer.

Kept apart from the builders (``analytics.report.slides``) so the HTML and PowerPoint renderers
depend on the shape of a deck only, never on the analytics that fill it.
``ChartData`` carries the numbers of a slide's figure in a plain shape so the PowerPoint deck can
draw a native, editable chart with the same values as the plotly figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from analytics.answers import AnswerLine
from analytics.domain import Filters
from analytics.i18n import fmt_date, t
from analytics.report import benchmarks


@dataclass(frozen=True)
class Series:
    name: str
    pipeline: str | None
    values: tuple[float | None, ...]
    low: tuple[float | None, ...] = ()
    high: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class ChartData:
    """Numbers of a slide's chart, in display units (per cent or a 0-100 score)."""

    categories: tuple[str, ...]
    series: tuple[Series, ...]
    axis_title: str
    unit: str = "%"
    horizontal: bool = False
    reference: tuple[str, float] | None = None
    """An external benchmark (its label, value in display units) drawn as a marked line."""


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    finding: str
    footnote: str
    figure: go.Figure
    chart: ChartData | None = None
    table: pd.DataFrame | None = None
    external: tuple[benchmarks.Benchmark, ...] = ()
    answers: tuple[AnswerLine, ...] = ()
    """The answer strip (headline slide only): the Overview's lines, from the same function on the
    same result, so the first slide and the page say the same thing."""


@dataclass(frozen=True)
class Deck:
    lang: str
    slides: tuple[Slide, ...]
    demo: bool
    as_of: dt.date
    filters: Filters
    skipped: tuple[str, ...] = field(default=())

    def title(self) -> str:
        return t("report.title", self.lang)

    def subtitle(self) -> str:
        text = t("report.subtitle", self.lang, as_of=fmt_date(self.as_of, self.lang))
        if self.demo:
            text += " " + t("report.demo", self.lang)
        return text

    def answers(self) -> tuple[AnswerLine, ...]:
        """The answer strip of the deck's headline slide (empty when it has none)."""
        return next((s.answers for s in self.slides if s.answers), ())

    def skipped_text(self) -> str:
        """The sentence naming the slide kinds left out for want of data ("" when none)."""
        if not self.skipped:
            return ""
        kinds = ", ".join(t(f"report.kind.{k}", self.lang) for k in self.skipped)
        return t("report.skipped", self.lang, kinds=kinds)
