"""The "adjusted for everything measured" answer as one table and one slide.

Why a module of its own: the Overview page, the presenter deck, the PowerPoint/HTML reports and
the table exports must show the same numbers. They all build them here from one
``metrics.causal.CausalEffects``: ``summary_frame`` (numbers, language-free), ``summary_table``
(the same numbers with column names in the reader's language: the page's table, the slide's
table and so the CSV/Excel export), and ``causal_slide`` (the deck's slide). The estimates,
their intervals and the E-values come from ``analytics.metrics.causal`` (g-computation and AIPW,
Glynn & Quinn 2010; E-value after VanderWeele & Ding 2017); nothing is computed again here.

Privacy: an outcome where a pipeline has fewer than ``PRIVACY_THRESHOLD`` applications has no
estimate in the metric (``reason == "too_few"``), so its row carries no numbers.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics import findings_causal as fcz
from analytics.charts.causal_summary import summary_chart
from analytics.domain import DatasetInfo, Filters
from analytics.findings import verdict_key
from analytics.i18n import fmt_points, t
from analytics.metrics import causal
from analytics.report.model import ChartData, Series, Slide
from analytics.report.slide_parts import base_footnote, note, num, wrap
from analytics.report.tables import display_table

EVERYTHING = "all"
"""The "Adjust for" choice (and URL value) that means "everything measured"."""

OVERVIEW_OUTCOMES = causal.RATE_OUTCOMES
"""The Overview's (and the slide's chart's) outcomes: acceptance, withdrawal, hire rate,
retention."""

SLIDE_OUTCOMES = (*OVERVIEW_OUTCOMES, "quality_composite")
"""The slide's table (and so the exports): the four rates, then the quality composite with its
E-value (the composite adds the performance and ramp-up fits: measured 0.42 s for both sets at
1M applications from the load-time table, so no extra cost worth a separate slide)."""

_NUMBERS = (
    "diff",
    "low",
    "high",
    "ratio",
    "ratio_low",
    "ratio_high",
    "crude_diff",
    "crude_low",
    "crude_high",
    "e_value",
    "e_value_ci",
)


def summary_frame(effects: causal.CausalEffects, outcomes: tuple[str, ...]) -> pd.DataFrame:
    """One row per outcome: the headline estimator, the difference in points (rates x 100, scores
    on 0-100 as they are) with its 95% interval, the ratio with its interval, the crude
    difference, the E-value of the estimate and of its interval limit, and the applications
    behind it (``quality_composite``: difference, interval and E-values only). Numbers are
    rounded to 2 decimals once, here, so every consumer shows the same."""
    rows = []
    for outcome in outcomes:
        row: dict[str, object] = {"outcome": outcome, "method": None, "n": None}
        row.update(dict.fromkeys(_NUMBERS))
        if outcome == "quality_composite":
            rows.append(row | _composite_numbers(effects.composite))
            continue
        eff = effects.effects.get(outcome)
        est = eff.headline if eff is not None else None
        if eff is not None and est is not None and eff.analysis is not None:
            scale = 100.0 if eff.kind == "rate" else 1.0
            row.update(
                method=eff.analysis.headline_method,
                diff=num(est.diff, scale),
                low=num(est.diff_ci.low, scale),
                high=num(est.diff_ci.high, scale),
                ratio=num(est.ratio),
                ratio_low=num(est.ratio_ci.low),
                ratio_high=num(est.ratio_ci.high),
                n=int(eff.analysis.n),
            )
            if eff.crude is not None:
                row.update(
                    crude_diff=num(eff.crude.diff, scale),
                    crude_low=num(eff.crude.ci.low, scale),
                    crude_high=num(eff.crude.ci.high, scale),
                )
            if eff.e_value is not None:
                row.update(e_value=num(eff.e_value.point), e_value_ci=num(eff.e_value.ci_limit))
        rows.append(row)
    return pd.DataFrame(rows, columns=["outcome", "method", *_NUMBERS, "n"])


def _composite_numbers(comp: causal.CompositeEffect) -> dict[str, object]:
    """The composite's row: its difference (0-100 points) with the interval and its E-value.
    No ratio, crude difference or count: it is a weighted mean of components measured on
    different hires (each component has its own row with those)."""
    if comp.diff is None or comp.ci is None:
        return {}
    out: dict[str, object] = {
        "diff": num(comp.diff),
        "low": num(comp.ci.low),
        "high": num(comp.ci.high),
    }
    if comp.e_value is not None:
        out.update(e_value=num(comp.e_value.point), e_value_ci=num(comp.e_value.ci_limit))
    return out


def _columns(lang: str) -> dict[str, str]:
    p = t("causal.export.points", lang)
    return {
        "outcome": t("causal.table.outcome", lang),
        "method": t("causal.table.method", lang),
        "diff": f"{t('causal.table.adjusted', lang)} ({p})",
        "low": f"{t('causal.table.ci', lang)} {t('causal.export.low', lang)}",
        "high": f"{t('causal.table.ci', lang)} {t('causal.export.high', lang)}",
        "ratio": t("causal.export.ratio", lang),
        "ratio_low": f"{t('causal.export.ratio', lang)} {t('causal.export.low', lang)}",
        "ratio_high": f"{t('causal.export.ratio', lang)} {t('causal.export.high', lang)}",
        "crude_diff": f"{t('causal.table.crude', lang)} ({p})",
        "crude_low": f"{t('causal.table.crude', lang)} {t('causal.export.low', lang)}",
        "crude_high": f"{t('causal.table.crude', lang)} {t('causal.export.high', lang)}",
        "e_value": t("causal.export.evalue", lang),
        "e_value_ci": t("causal.export.evalue_ci", lang),
        "n": t("causal.table.n", lang),
    }


def displayed(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A summary table for the screen, in the reader's number format: a missing number reads as
    a dash, not "None" (the downloads and the slide keep the empty cells and raw numbers)."""
    return display_table(table, lang)


def summary_table(
    effects: causal.CausalEffects, lang: str, outcomes: tuple[str, ...] = OVERVIEW_OUTCOMES
) -> pd.DataFrame:
    """``summary_frame`` for display and export: outcome and method in words, columns named in
    the reader's language; the numbers are the frame's, unchanged."""
    frame = summary_frame(effects, outcomes)
    frame["outcome"] = [fcz.outcome_name(o, lang) for o in frame.outcome]
    frame["method"] = [
        t(f"causal.method_name.{m}", lang) if isinstance(m, str) else None for m in frame.method
    ]
    return frame.rename(columns=_columns(lang))


def overview_columns(table: pd.DataFrame, effects: causal.CausalEffects, lang: str) -> pd.DataFrame:
    """The Overview's table (``metrics.overview.to_table``) with the everything-measured
    columns added to the rows of the same metric (other rows stay empty): the download then
    carries the adjusted answer beside the crude one."""
    summary = summary_table(effects, lang)
    metric_col = t("overview.col.metric", lang)
    outcome_col = t("causal.table.outcome", lang)
    prefix = t("causal.export.prefix", lang)
    extra = summary.rename(
        columns={c: f"{prefix}: {c}" for c in summary.columns if c != outcome_col}
    ).rename(columns={outcome_col: metric_col})
    return table.merge(extra, on=metric_col, how="left")


def _lead(effects: causal.CausalEffects) -> str | None:
    """The outcome a title states: withdrawal (the Overview's headline) when it has an answer,
    else the first outcome that has one."""
    for o in ("withdrawal", *OVERVIEW_OUTCOMES):
        eff = effects.effects.get(o)
        if eff is not None and eff.headline is not None:
            return o
    return None


def slide_title(effects: causal.CausalEffects, lang: str) -> str:
    """The finding in one line (the slide's and the Overview summary chart's title)."""
    lead = _lead(effects)
    if lead is None:
        return t("causal.summary.title", lang)
    frame = summary_frame(effects, OVERVIEW_OUTCOMES)
    row = frame.loc[frame.outcome == lead].iloc[0]
    return t(
        "causal.slide.title",
        lang,
        outcome=fcz.outcome_name(lead, lang).lower(),
        diff=fmt_points(row["diff"] / 100, lang, signed=True),
        low=fmt_points(row["low"] / 100, lang, signed=True, unit=False),
        high=fmt_points(row["high"] / 100, lang, signed=True, unit=False),
        verdict=t(f"finding.verdict.{verdict_key(row['low'], row['high'])}", lang),
    )


def _chart_data(frame: pd.DataFrame, lang: str) -> ChartData:
    """The summary chart's numbers for the native PowerPoint chart (points)."""
    names = tuple(fcz.outcome_name(o, lang) for o in frame.outcome)

    def col(c: str) -> tuple[float | None, ...]:
        return tuple(None if pd.isna(v) else float(v) for v in frame[c])

    series = (
        Series(
            t("causal.chart.crude", lang),
            None,
            col("crude_diff"),
            col("crude_low"),
            col("crude_high"),
        ),
        Series(t("causal.chart.adjusted", lang), None, col("diff"), col("low"), col("high")),
    )
    return ChartData(
        categories=names,
        series=series,
        axis_title=t("overview.chart.diff.axis", lang),
        horizontal=True,
    )


def slide_from_effects(
    effects: causal.CausalEffects, filters: Filters, info: DatasetInfo, lang: str
) -> Slide | None:
    """The deck's slide for precomputed ``effects`` (None when no outcome has an estimate)."""
    frame = summary_frame(effects, OVERVIEW_OUTCOMES)
    if frame["diff"].isna().all():
        return None
    lead = _lead(effects)
    assert lead is not None  # some outcome has an estimate (checked above)
    title = slide_title(effects, lang)
    sentences = [fcz.effect_sentence(effects.effects[o], lang) for o in OVERVIEW_OUTCOMES]
    e_text = fcz.e_value_sentence(effects.effects[lead], lang)
    sentences += [e_text] if e_text else []
    rows = OVERVIEW_OUTCOMES
    comp = effects.composite
    if comp.reason != "not_requested":  # computed: its row in the table, its sentences here
        rows = SLIDE_OUTCOMES
        sentences.append(fcz.composite_sentence(comp, lang))
        comp_e = fcz.composite_e_value_sentence(comp, lang)
        sentences += [comp_e] if comp_e else []
    finding = " ".join(sentences)
    footnote = note(
        base_footnote(filters, info, lang),
        lang,
        n=effects.applications,
        extra=fcz.methods_footnote(effects, lang),
    )
    fig = summary_chart(
        frame, [fcz.outcome_name(o, lang) for o in frame.outcome], lang,
        title=wrap(title, 95), footnote=wrap(footnote, 150),
    )  # fmt: skip
    return Slide(
        "causal",
        title,
        finding,
        footnote,
        fig,
        _chart_data(frame, lang),
        summary_table(effects, lang, rows),
    )


def causal_slide(
    cur: duckdb.DuckDBPyConnection, filters: Filters, info: DatasetInfo, lang: str
) -> Slide | None:
    """The "adjusted for everything measured" slide: the four headline rates, adjusted and
    crude, with intervals, E-values and the methods footnote; the table adds the quality
    composite (default weights) with its E-value."""
    effects = causal.adjusted_effects(cur, filters, info.as_of, outcomes=SLIDE_OUTCOMES)
    return slide_from_effects(effects, filters, info, lang)


def with_causal(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The deck's slide kinds with the causal slide right after the headline (first if there is
    no headline), once."""
    if "causal" in kinds:
        return kinds
    at = kinds.index("headline") + 1 if "headline" in kinds else 0
    return (*kinds[:at], "causal", *kinds[at:])
