"""Small pieces every slide builder uses: numbers in display units, pipeline names, footnotes
and the external-benchmark mark. Apart from the builders so ``slides`` stays one builder per
finding and readable."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from analytics import charts, findings
from analytics.i18n import fmt_pct, label, t
from analytics.privacy import count_text
from analytics.report import benchmarks
from analytics.report.model import Series

# ---------------------------------------------------------------------------------------------
# Footnotes (the same text as the pages' footnote, ui.widgets.footnote, without Streamlit)
# ---------------------------------------------------------------------------------------------


# One footnote for pages, slides and reports (analytics.findings).
filters_text = findings.filters_text
base_footnote = findings.cohort_footnote


wrap = charts.wrap


def fin(x: object) -> bool:
    return isinstance(x, int | float) and math.isfinite(float(x))


def num(x: object, scale: float = 1.0) -> float | None:
    return round(float(x) * scale, 2) if fin(x) else None


def pname(pipe: str, lang: str) -> str:
    return label("pipeline", pipe, lang)


def note(base: str, lang: str, *, n: int, extra: str = "") -> str:
    # "n = fewer than 5" rather than "n = 3": a presenter footnote is read like a card
    text = f"{base} {t('report.n', lang, n=count_text(n, lang))}"
    return f"{text} {extra}".strip()


def external_line(fig: go.Figure, bm: benchmarks.Benchmark, lang: str, *, horizontal: bool) -> str:
    """Draw an external benchmark as a dashed reference line labelled "external: source"."""
    assert bm.value is not None
    text = t("report.external", lang, value=fmt_pct(bm.value, lang), source=bm.source)
    line = {"dash": "dash", "color": "#7f7f7f", "width": 1.5}
    short = t("report.external.short", lang, value=fmt_pct(bm.value, lang), source=bm.short)
    if horizontal:
        fig.add_vline(x=100 * bm.value, line=line, annotation_text=short)
    else:
        fig.add_hline(y=100 * bm.value, line=line, annotation_text=short)
    return text


def reference(
    fig: go.Figure, bm: benchmarks.Benchmark | None, lang: str
) -> tuple[str, float] | None:
    """Mark an external benchmark on the plotly figure and return the same mark for the native
    chart (its label, value in display units); None when there is nothing to draw."""
    if bm is None or bm.value is None:
        return None
    external_line(fig, bm, lang, horizontal=False)
    short = t("report.external.short", lang, value=fmt_pct(bm.value, lang), source=bm.short)
    return (short, 100 * bm.value)


def pipeline_series(
    part: pd.DataFrame,
    keys: list[str],
    cols: tuple[str, str, str],
    scale: float,
    *,
    pipe: str,
    lang: str,
) -> Series:
    """One pipeline's values and interval per category from a frame indexed by category with
    ``suppressed`` and the (value, low, high) columns ``cols``; hidden or absent -> None."""
    out: tuple[list[float | None], ...] = ([], [], [])
    for k in keys:
        shown = k in part.index and not bool(part.at[k, "suppressed"])
        for values, col in zip(out, cols, strict=True):
            values.append(num(part.at[k, col], scale) if shown else None)
    return Series(pname(pipe, lang), pipe, *(tuple(v) for v in out))


def bm_source(bm: benchmarks.Benchmark, lang: str) -> str:
    return t("report.source", lang, source=bm.source, year=bm.year, url=bm.url)
