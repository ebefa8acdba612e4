"""One-line takeaways for the funnel page: plain language, with the n. They read the
statistics from the metric results; they compute none."""

from __future__ import annotations

import math

import pandas as pd

from analytics.charts.funnel.labels import (
    format_label,
    stage_labels,
    step_label,
)
from analytics.domain import PIPELINES, PRIVACY_THRESHOLD, ordered_pipelines
from analytics.i18n import fmt_days, fmt_num, fmt_p, fmt_pct, fmt_points, label, t
from analytics.metrics.funnel import FunnelResult, TimeToOffer
from analytics.privacy import count_text

# ---------------------------------------------------------------------------------------------
# Takeaways (one line, plain language, with the n)
# ---------------------------------------------------------------------------------------------


def _first_rows(result: FunnelResult) -> dict[str, pd.Series]:
    out = {}
    for pipe, part in result.stages.groupby("pipeline"):
        out[str(pipe)] = part.sort_values("stage_order").iloc[0]
    return out


def takeaway_funnel(result: FunnelResult, lang: str) -> str:
    first, second = PIPELINES
    table = result.stages
    if table.empty or first not in result.pipelines or second not in result.pipelines:
        return t("funnel.take.empty", lang)
    # The last stage both pipelines reach: an export where only one pipeline has a final stage
    # (a reference check in human-first processes) has no comparison at its very last stage.
    both = table[table.pipeline.isin([first, second])].groupby("stage_order").pipeline.nunique()
    # Beyond the first stage: every application reaches that one, so 100% vs 100% says nothing.
    shared = both[(both == 2) & (both.index > both.index.min())].index
    if len(shared) == 0:
        return t("funnel.take.no_shared_stage", lang)
    last = table[table.stage_order == int(shared.max())].set_index("pipeline")
    starts = _first_rows(result)
    labels = stage_labels(result, lang)
    return t(
        "funnel.take.funnel",
        lang,
        stage=labels[str(last.stage.iloc[0])].lower(),
        v1=fmt_pct(last.at[first, "cum"], lang),
        v2=fmt_pct(last.at[second, "cum"], lang),
        n1=count_text(int(starts[first].reached), lang),
        n2=count_text(int(starts[second].reached), lang),
    )


def takeaway_pass(result: FunnelResult, lang: str) -> str:
    """The stages that stay clear after Holm across the family of stages, each with the answer's
    difference (the adjusted one when the reader adjusted), as the comparison table shows it."""
    labels = stage_labels(result, lang)
    comp = result.comparison
    clear = comp[comp.clear.astype(bool)] if not comp.empty else comp
    n = fmt_num(result.total, lang)
    m = result.family_size
    adj = ".adj" if result.adjust_by is not None else ""
    by = t(f"dim.{result.adjust_by}", lang).lower() if result.adjust_by is not None else ""
    if clear.empty:
        return t(f"funnel.take.pass.none{adj}", lang, n=n, m=m, by=by)
    parts = [
        f"{labels[str(r.stage)]} ({fmt_points(r.answer_diff, lang, signed=True)})"
        for r in clear.itertuples()
    ]
    return t(
        f"funnel.take.pass.clear{adj}", lang, stages=", ".join(parts), n=n, m=m, k=len(parts), by=by
    )


def overall_withdrawal(result: FunnelResult) -> dict[str, tuple[int, int]]:
    """Per pipeline: (withdrawn anywhere, applications at the first stage)."""
    return dict(result.withdrawal.counts) if result.withdrawal is not None else {}


def takeaway_dropoff(result: FunnelResult, lang: str) -> str:
    cmp = result.withdrawal.comparison if result.withdrawal is not None else None
    if cmp is None:  # a pipeline missing or below the privacy threshold
        return t("funnel.take.empty", lang)
    k1, n1, k2, n2 = cmp.k1, cmp.n1, cmp.k2, cmp.n2
    return t(
        "funnel.take.dropoff",
        lang,
        v1=fmt_pct(k1 / n1, lang),
        v2=fmt_pct(k2 / n2, lang),
        diff=fmt_points(cmp.diff, lang, signed=True),
        low=fmt_points(cmp.ci.low, lang, signed=True, unit=False),
        high=fmt_points(cmp.ci.high, lang, signed=True, unit=False),
        n1=count_text(n1, lang),
        n2=count_text(n2, lang),
    )


def takeaway_reasons(reasons: pd.DataFrame, lang: str) -> str:
    if reasons.empty:
        return t("funnel.take.empty", lang)
    parts = []
    for pipe in ordered_pipelines(reasons.pipeline):
        part = reasons[reasons.pipeline == pipe].sort_values("n", ascending=False)
        top = part.iloc[0]
        parts.append(
            f"{label('pipeline', pipe, lang)}: {label('funnel.reason', top.reason, lang)} "
            f"({fmt_pct(top.share, lang)})"
        )
    return t(
        "funnel.take.reasons", lang, parts="; ".join(parts), n=fmt_num(int(reasons.n.sum()), lang)
    )


def takeaway_contact(table: pd.DataFrame, lang: str) -> str:
    shown = table[table.withdrawal.notna()]
    if len(shown) < 2:
        return t("funnel.take.empty", lang)
    best = shown.loc[shown.withdrawal.idxmin()]
    worst = shown.loc[shown.withdrawal.idxmax()]
    return t(
        "funnel.take.contact",
        lang,
        best=step_label(best.step, lang),
        v_best=fmt_pct(best.withdrawal, lang),
        worst=step_label(worst.step, lang),
        v_worst=fmt_pct(worst.withdrawal, lang),
        n=fmt_num(int(table.applications.sum()), lang),
    )


def takeaway_formats(table: pd.DataFrame, lang: str) -> str:
    shown = table[table.completion.notna()]
    if len(shown) < 2:
        return t("funnel.take.empty", lang)
    best = shown.loc[shown.completion.idxmax()]
    worst = shown.loc[shown.completion.idxmin()]
    return t(
        "funnel.take.formats",
        lang,
        best=format_label(best.format, lang),
        v_best=fmt_pct(best.completion, lang),
        worst=format_label(worst.format, lang),
        v_worst=fmt_pct(worst.completion, lang),
        n=fmt_num(int(table.entering.sum()), lang),
    )


def takeaway_time(table: pd.DataFrame, labels: dict[str, str], lang: str) -> str:
    if table.empty:
        return t("funnel.take.empty", lang)
    top = table.loc[table["median"].idxmax()]
    return t(
        "funnel.take.time",
        lang,
        stage=labels.get(str(top.stage), str(top.stage)).lower(),
        pipeline=label("pipeline", top.pipeline, lang),
        days=fmt_days(top["median"], lang),
        n=fmt_num(int(table.n.sum()), lang),
    )


def offered_by(curves: pd.DataFrame, pipeline: str, day: float) -> float:
    """Share with an offer by ``day`` (1 - KM survival; NaN when follow-up ended earlier)."""
    part = curves[(curves.pipeline == pipeline) & (curves.time <= day)]
    if part.empty:
        return 0.0 if not curves[curves.pipeline == pipeline].empty else math.nan
    if curves[curves.pipeline == pipeline].time.max() < day:
        return math.nan
    return float(part.offered.iloc[-1])


TAKEAWAY_DAY = 60


def takeaway_km(tto: TimeToOffer, lang: str) -> str:
    first, second = PIPELINES
    if first not in tto.n or second not in tto.n:
        return t("funnel.take.empty", lang)
    return t(
        "funnel.take.km",
        lang,
        s1=fmt_pct(offered_by(tto.curves, first, TAKEAWAY_DAY), lang),
        s2=fmt_pct(offered_by(tto.curves, second, TAKEAWAY_DAY), lang),
        day=TAKEAWAY_DAY,
        p=fmt_p(tto.logrank_p, lang),
        n1=count_text(tto.n[first], lang),
        n2=count_text(tto.n[second], lang),
    )


def takeaway_breakdown(
    table: pd.DataFrame, dim_name: str, target_name: str, group_label: dict[str, str], lang: str
) -> str:
    shown = table[~table.suppressed.astype(bool)]
    if shown.empty:
        return t("funnel.take.empty", lang)
    top = shown.loc[shown.rate.idxmax()]
    text = t(
        "funnel.take.breakdown",
        lang,
        target=target_name,
        dim=dim_name,
        group=group_label.get(str(top.group), str(top.group)),
        pipeline=label("pipeline", top.pipeline, lang),
        value=fmt_pct(top.rate, lang),
        shown=shown.group.nunique(),
        hidden=int(table.suppressed.astype(bool).sum()),
        k=PRIVACY_THRESHOLD,
    )
    return text[:1].upper() + text[1:]
