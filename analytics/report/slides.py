"""The slide model behind the presenter page, the HTML report and the PowerPoint deck.

One slide = one finding: a title that states it, one plotly figure (the same builder the page
uses), a plain-language finding with numbers and interval, a footnote (cohort rule, filters, n,
adjustment) and optionally a table. ``ChartData`` carries the numbers of the figure in a plain
shape so the deck can draw a native, editable PowerPoint chart with the same values.

Every number comes from the analytics functions the pages call (overview, funnel, offers,
quality, fairness), with the pages' takeaway sentences, so a slide can be traced to its page.
A slide kind with no data in this view is skipped and named in ``Deck.skipped`` (the deck says
so); any other error in a builder surfaces, it is never turned into a silently missing slide.
The slide model itself (Deck, Slide, ChartData, Series) lives in ``analytics.report.model``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import duckdb
import pandas as pd
import plotly.graph_objects as go

from analytics import charts, findings, store
from analytics.answers import answer_lines, everything_lines
from analytics.charts import business_case as bcc
from analytics.charts import fairness as fc_fair
from analytics.charts import funnel as fc
from analytics.charts import offers as oc
from analytics.charts import survey as sc
from analytics.charts.empty import has_points, mark_empty
from analytics.charts.overview import adjusted_differences
from analytics.charts.quality import (
    component_name,
    components_chart,
    retention_chart,
    takeaway_components,
    takeaway_retention,
)
from analytics.domain import PRIVACY_THRESHOLD, DatasetInfo, Filters
from analytics.i18n import fmt_num, t
from analytics.metrics import business_case as bc
from analytics.metrics import causal, fairness, funnel, offers, overview, quality, survey
from analytics.report import benchmarks, causal_slide
from analytics.report.model import ChartData, Deck, Series, Slide
from analytics.report.slide_parts import (
    base_footnote,
    bm_source,
    filters_text,
    fin,
    note,
    num,
    pipeline_series,
    pname,
    reference,
    wrap,
)

__all__ = [
    "ChartData",
    "Deck",
    "Series",
    "Slide",
    "base_footnote",
    "build_deck",
    "filters_text",
    "presenter_figure",
]

SLIDE_KINDS = (
    "headline",
    "funnel",
    "offers",
    "quality",
    "retention",
    "survey",
    "fairness",
    "business_case",
)


# ---------------------------------------------------------------------------------------------
# Builders: each returns a Slide or None (no data in this view)
# ---------------------------------------------------------------------------------------------


def headline_slide(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    info: DatasetInfo,
    lang: str,
    adjust_by: str | None = None,
    effects: causal.CausalEffects | None = None,
) -> Slide | None:
    """``effects``: the deck is adjusted for everything measured; the answer strip carries
    those adjusted answers, as the Overview's does."""
    result = overview.headline(cur, filters, as_of=info.as_of, adjust_by=adjust_by)
    if sum(result.totals.values()) == 0:
        return None
    title = findings.metric_finding(result.metrics["withdrawal"], lang)
    finding = " ".join(
        findings.metric_finding(result.metrics[k], lang)
        for k in ("hire_rate", "offer_acceptance", "time_to_hire", "retention_12m")
    )
    adj = (
        t("report.adjusted", lang, by=t(f"dim.{adjust_by}", lang).lower())
        if adjust_by
        else t("report.crude", lang)
    )
    footnote = note(
        base_footnote(filters, info, lang), lang, n=sum(result.totals.values()), extra=adj
    )
    # the Overview's answer strip, from the same result: the first slide says what the page says
    answers = (
        answer_lines(result.metrics, lang)
        if effects is None
        else everything_lines(result.metrics, effects, lang)
    )
    if adjust_by:
        # The adjusted answer is the answer: the slide's chart is the adjusted difference in
        # points next to the crude one, and its data are those differences.
        fig = adjusted_differences(
            result, lang, title=wrap(title, 95), footnote=wrap(footnote, 150)
        )
        return Slide(
            "headline",
            title,
            finding,
            footnote,
            fig,
            _adjusted_chart_data(result, lang),
            overview.to_table(result, lang),
            answers=answers,
        )
    fig = charts.headline_rates(result, lang, title=wrap(title, 95), footnote=wrap(footnote, 150))
    keys = ("withdrawal", "hire_rate", "offer_acceptance", "retention_12m")
    series = []
    for pipe in result.pipelines:
        vals, lows, highs = [], [], []
        for key in keys:
            g = result.metrics[key].groups.get(pipe)
            ok = g is not None and not g.suppressed and g.value is not None
            vals.append(num(g.value, 100) if ok and g else None)
            lows.append(num(g.ci.low, 100) if ok and g and g.ci else None)
            highs.append(num(g.ci.high, 100) if ok and g and g.ci else None)
        series.append(Series(pname(pipe, lang), pipe, tuple(vals), tuple(lows), tuple(highs)))
    chart = ChartData(
        categories=tuple(t(f"metric.{k}", lang) for k in keys),
        series=tuple(series),
        axis_title=t("overview.chart.axis", lang),
        horizontal=True,
    )
    return Slide(
        "headline",
        title,
        finding,
        footnote,
        fig,
        chart,
        overview.to_table(result, lang),
        answers=answers,
    )


def _adjusted_chart_data(result: overview.Overview, lang: str) -> ChartData:
    """The numbers of :func:`adjusted_differences` (points): crude and adjusted per rate."""
    keys = ("withdrawal", "hire_rate", "offer_acceptance")
    crude_v, crude_l, crude_h, adj_v, adj_l, adj_h = [], [], [], [], [], []
    for key in keys:
        m = result.metrics[key]
        ok = m.comparable and m.diff is not None and m.diff_ci is not None
        crude_v.append(num(m.diff, 100) if ok else None)
        crude_l.append(num(m.diff_ci.low, 100) if ok and m.diff_ci else None)
        crude_h.append(num(m.diff_ci.high, 100) if ok and m.diff_ci else None)
        a = m.adjustment
        good = a is not None and a.estimable
        adj_v.append(num(a.diff, 100) if good and a else None)
        adj_l.append(num(a.ci.low, 100) if good and a else None)
        adj_h.append(num(a.ci.high, 100) if good and a else None)
    by = t(f"dim.{result.adjust_by}", lang).lower() if result.adjust_by else ""
    series = (
        Series(t("overview.chart.crude", lang), None, tuple(crude_v), tuple(crude_l),
               tuple(crude_h)),
        Series(t("overview.chart.adjusted", lang, by=by), None, tuple(adj_v),
               tuple(adj_l), tuple(adj_h)),
    )  # fmt: skip
    return ChartData(
        categories=tuple(t(f"metric.{k}", lang) for k in keys),
        series=series,
        axis_title=t("overview.chart.diff.axis", lang),
        horizontal=True,
    )


def funnel_slide(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    info: DatasetInfo,
    lang: str,
    adjust_by: str | None = None,
) -> Slide | None:
    result = funnel.funnel(cur, filters, adjust_by=adjust_by)
    if result.total == 0:
        return None
    rule = t("funnel.rule.excluded", lang, n=fmt_num(result.open_applications, lang))
    if adjust_by is not None:
        return _funnel_adjusted_slide(cur, filters, info, lang, result, rule)
    title = fc.takeaway_dropoff(result, lang)
    finding = fc.takeaway_pass(result, lang)
    footnote = note(base_footnote(filters, info, lang), lang, n=result.total, extra=rule)
    fig = fc.dropoff_chart(result, lang, title=wrap(title, 95), footnote=wrap(footnote, 150))
    labels = fc.stage_labels(result, lang)
    stages = result.stages.sort_values("stage_order")
    order = list(dict.fromkeys(str(s) for s in stages.stage))
    cols = ("withdrawal", "withdrawal_low", "withdrawal_high")
    series = [
        pipeline_series(
            stages[stages.pipeline == pipe].set_index("stage"),
            order,
            cols,
            100,
            pipe=pipe,
            lang=lang,
        )  # fmt: skip
        for pipe in result.pipelines
    ]
    chart = ChartData(
        categories=tuple(labels.get(s, s) for s in order),
        series=tuple(series),
        axis_title=t("report.axis.withdrawal", lang),
        horizontal=True,
    )
    return Slide("funnel", title, finding, footnote, fig, chart, funnel.stages_table(result, lang))


def _funnel_adjusted_slide(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    info: DatasetInfo,
    lang: str,
    result: funnel.FunnelResult,
    rule: str,
) -> Slide:
    """The funnel slide when the reader adjusted: the adjusted answer is the answer. Title: the
    stages clear after Holm across the stages of the adjusted comparison; chart: the Funnel
    page's pass-through chart with its adjusted-vs-crude panel; chart data: the differences in
    points per stage, crude and adjusted; table: the page's comparison table. The withdrawal
    sentence is the Overview's adjusted one (one number per metric in the deck)."""
    title = fc.takeaway_pass(result, lang)
    head = overview.headline(cur, filters, as_of=info.as_of, adjust_by=result.adjust_by)
    finding = findings.metric_finding(head.metrics["withdrawal"], lang)
    by = t(f"dim.{result.adjust_by}", lang).lower()
    extra = f"{t('report.adjusted', lang, by=by)} {rule}"
    footnote = note(base_footnote(filters, info, lang), lang, n=result.total, extra=extra)
    fig = fc.pass_through_chart(result, lang, title=wrap(title, 95), footnote=wrap(footnote, 150))
    labels = fc.stage_labels(result, lang)
    comp = result.comparison.sort_values("stage_order")

    def series(name: str, d: str, lo: str, hi: str) -> Series:
        return Series(
            name,
            None,
            tuple(num(v, 100) for v in comp[d]),
            tuple(num(v, 100) for v in comp[lo]),
            tuple(num(v, 100) for v in comp[hi]),
        )

    chart = ChartData(
        categories=tuple(labels.get(str(s), str(s)) for s in comp.stage),
        series=(
            series(t("overview.chart.crude", lang), "diff", "low", "high"),
            series(t("overview.chart.adjusted", lang, by=by), "adj_diff", "adj_low", "adj_high"),
        ),
        axis_title=t("funnel.chart.diff.axis", lang),
        horizontal=True,
    )
    table = funnel.comparison_table(result, lang)
    return Slide("funnel", title, finding, footnote, fig, chart, table)


def offers_slide(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    info: DatasetInfo,
    lang: str,
    adjust_by: str | None = None,
) -> Slide | None:
    acc = offers.acceptance(cur, filters)
    if acc.table.empty:
        return None
    adj = offers.acceptance_adjusted(cur, filters, adjust_by) if adjust_by else None
    adjusted = adj is not None and adj.estimable
    # With an adjustment the title is the adjusted answer, as on the Offers page.
    title = oc.takeaway_acceptance(acc, lang, adj)
    finding = oc.takeaway_premium(offers.human_premium(cur, filters), lang)
    pending = int(acc.table.pending.sum())
    rule = t("offers.rule", lang, n=fmt_num(pending, lang))
    bm = benchmarks.benchmark("offer_acceptance")
    external = (bm,) if bm is not None else ()
    extra = rule + (" " + bm_source(bm, lang) if bm else "")
    if adjust_by:
        by = t(f"dim.{adjust_by}", lang).lower()
        extra = t("report.adjusted", lang, by=by) + " " + extra
    footnote = note(base_footnote(filters, info, lang), lang, n=acc.decided, extra=extra)
    fig = oc.acceptance_chart(
        acc, lang, title=wrap(title, 95), footnote=wrap(footnote, 150), adjustment=adj
    )
    table = offers.acceptance_table(acc, lang, adj)
    if adjusted:
        assert adj is not None
        # The chart data are the differences in points, crude and adjusted (the answer).
        metric = t("metric.offer_acceptance", lang)
        chart = ChartData(
            categories=(metric,),
            series=(
                Series(
                    t("overview.chart.crude", lang),
                    None,
                    (num(adj.crude_diff, 100),),
                    (num(adj.crude_ci.low, 100),),
                    (num(adj.crude_ci.high, 100),),
                ),
                Series(
                    t("overview.chart.adjusted", lang, by=by),
                    None,
                    (num(adj.diff, 100),),
                    (num(adj.ci.low, 100),),
                    (num(adj.ci.high, 100),),
                ),
            ),
            axis_title=t("overview.chart.diff.axis", lang),
            horizontal=True,
        )
        return Slide("offers", title, finding, footnote, fig, chart, table, external)
    ref_line = reference(fig, bm, lang)
    shown = acc.table[~acc.table.suppressed.astype(bool)]
    series = tuple(
        Series(
            pname(r.pipeline, lang),
            r.pipeline,
            (num(r.rate, 100),),
            (num(r.rate_low, 100),),
            (num(r.rate_high, 100),),
        )
        for r in shown.itertuples()
    )
    chart = ChartData(
        categories=(t("metric.offer_acceptance", lang),),
        series=series,
        axis_title=t("offers.chart.acceptance.y", lang),
        reference=ref_line,
    )
    return Slide("offers", title, finding, footnote, fig, chart, table, external)


def quality_slide(
    cur: duckdb.DuckDBPyConnection, filters: Filters, info: DatasetInfo, lang: str
) -> Slide | None:
    result = quality.quality(cur, filters, info.as_of)
    if not result.hires:
        return None
    comp = quality.composite(result, quality.DEFAULT_WEIGHTS)
    title = takeaway_components(result, comp, lang)
    diffs = result.differences
    parts = []
    for r in diffs.itertuples():
        if not (fin(r.low) and fin(r.high)):
            continue
        parts.append(
            findings.difference_phrase(
                component_name(str(r.component), lang, result.ramp_target),
                float(r.diff),
                float(r.low),
                float(r.high),
                lang,
                unit="score",
            )
        )
    finding = t("report.quality.finding", lang, parts="; ".join(parts)) if parts else ""
    weights = ", ".join(
        f"{component_name(c, lang, result.ramp_target)} {fmt_num(100 * w, lang)}%"
        for c, w in quality.DEFAULT_WEIGHTS.items()
        if w > 0
    )
    n = sum(result.hires.values())
    footnote = note(
        base_footnote(filters, info, lang),
        lang,
        n=n,
        extra=t("report.quality.weights", lang, weights=weights),
    )
    fig = components_chart(result, lang, title=wrap(title, 95), footnote=wrap(footnote, 150))
    comps = result.components
    cats = list(quality.COMPONENTS)
    series = [
        pipeline_series(
            comps[comps.pipeline == pipe].set_index("component"),
            cats,
            ("value", "low", "high"),
            1.0,
            pipe=pipe,
            lang=lang,
        )  # fmt: skip
        for pipe in result.pipelines
    ]
    chart = ChartData(
        categories=tuple(component_name(c, lang, result.ramp_target) for c in cats),
        series=tuple(series),
        axis_title=t("quality.chart.components.x", lang),
        unit="score",
        horizontal=True,
    )
    shown = comps[~comps.suppressed.astype(bool)]
    table = pd.DataFrame(
        {
            t("report.col.component", lang): [
                component_name(str(c), lang, result.ramp_target) for c in shown.component
            ],
            t("report.col.pipeline", lang): [pname(p, lang) for p in shown.pipeline],
            "n": shown.n.astype("Int64"),
            t("report.col.value", lang): shown.value.round(1),
            t("report.col.low", lang): shown.low.round(1),
            t("report.col.high", lang): shown.high.round(1),
        }
    )
    return Slide("quality", title, finding, footnote, fig, chart, table)


def retention_slide(
    cur: duckdb.DuckDBPyConnection, filters: Filters, info: DatasetInfo, lang: str
) -> Slide | None:
    ret = quality.retention(cur, filters, info.as_of)
    if not ret.n:
        return None
    title = takeaway_retention(ret, lang)
    finding = t("report.retention.finding", lang)
    bm = benchmarks.benchmark("retention_12m")
    external = (bm,) if bm is not None else ()
    extra = t("report.retention.rule", lang) + (" " + bm_source(bm, lang) if bm else "")
    footnote = note(base_footnote(filters, info, lang), lang, n=sum(ret.n.values()), extra=extra)
    fig = retention_chart(ret, lang, title=wrap(title, 95), footnote=wrap(footnote, 150))
    ref_line = reference(fig, bm, lang)
    days = quality.RETENTION_DAYS
    series = []
    for pipe in [p for p in ret.n if ret.n[p] >= PRIVACY_THRESHOLD]:
        vals, lows, highs = [], [], []
        for d in days:
            p = ret.points.get((pipe, d))
            vals.append(num(p.survival, 100) if p else None)
            lows.append(num(p.ci.low, 100) if p else None)
            highs.append(num(p.ci.high, 100) if p else None)
        series.append(Series(pname(pipe, lang), pipe, tuple(vals), tuple(lows), tuple(highs)))
    chart = ChartData(
        categories=tuple(t("report.months", lang, m=round(d / 30.4)) for d in days),
        series=tuple(series),
        axis_title=t("quality.chart.retention.y", lang),
        reference=ref_line,
    )
    raw = quality.retention_table(ret)
    raw = raw[raw.n.fillna(0) >= PRIVACY_THRESHOLD]
    table = pd.DataFrame(
        {
            t("report.col.pipeline", lang): [pname(p, lang) for p in raw.pipeline],
            t("report.col.day", lang): raw.day.astype("Int64"),
            "n": raw.n.astype("Int64"),
            t("report.col.value", lang): (100 * raw.survival).round(1),
            t("report.col.low", lang): (100 * raw.low).round(1),
            t("report.col.high", lang): (100 * raw.high).round(1),
        }
    )
    return Slide("retention", title, finding, footnote, fig, chart, table, external)


def fairness_slide(
    cur: duckdb.DuckDBPyConnection, filters: Filters, info: DatasetInfo, lang: str
) -> Slide | None:
    columns = fairness.available_columns(cur)
    if not columns:
        return None
    column = columns[0]
    counts = fairness.step_counts(cur, filters, (column,))
    if counts.empty:
        return None
    pooled = fairness.adverse_impact(fairness.pooled_by_touchpoint(counts), comparison="best")
    summary = fairness.touchpoint_summary(pooled)
    title = fc_fair.takeaway_touchpoints(summary, column, lang)
    finding = t("report.fairness.finding", lang, column=t(f"fair.col.{column}", lang).lower())
    n = int(counts[counts.stage_order == counts.stage_order.min()].applicants.sum())
    footnote = note(
        base_footnote(filters, info, lang), lang, n=n, extra=t("report.fairness.rule", lang)
    )
    fig = fc_fair.touchpoint_chart(
        pooled, column, lang, title=wrap(title, 95), footnote=wrap(footnote, 150)
    )
    shown = pooled[~pooled.suppressed.astype(bool) & pooled.rate.map(fin)]
    groups = list(dict.fromkeys(shown.group))
    series = []
    for tp in ("automated", "human"):
        part = shown[shown.touchpoint == tp].set_index("group")
        if part.empty:
            continue
        series.append(
            Series(
                fc_fair.touchpoint_label(tp, lang),
                None,
                tuple(num(part.rate.get(g), 100) for g in groups),
                tuple(num(part.rate_low.get(g), 100) for g in groups),
                tuple(num(part.rate_high.get(g), 100) for g in groups),
            )
        )
    chart = ChartData(
        categories=tuple(fc_fair.group_label(column, g, lang) for g in groups),
        series=tuple(series),
        axis_title=t("report.axis.selection", lang),
    )
    table = pd.DataFrame(
        {
            t("report.col.touchpoint", lang): [
                fc_fair.touchpoint_label(x, lang) for x in shown.touchpoint
            ],
            t("report.col.group", lang): [
                fc_fair.group_label(column, g, lang) for g in shown.group
            ],
            t("report.col.applicants", lang): shown.applicants.astype("Int64"),
            t("report.col.value", lang): (100 * shown.rate.astype(float)).round(1),
            t("report.col.impact", lang): shown.impact_ratio.astype(float).round(2),
        }
    )
    return Slide("fairness", title, finding, footnote, fig, chart, table)


def _survey_names(banner: survey.Banner, lang: str) -> dict[str, str]:
    """Column names as the Surveys page shows them, with their significance letters."""
    names = {survey.TOTAL: t("survey.total", lang), survey.NO_GROUP: t("survey.no_group", lang)}
    for key in banner.columns:
        names.setdefault(key, pname(key, lang))
    for key, letter in banner.letter_of.items():
        names[key] = f"{names[key]} ({letter})"
    return names


def _survey_series(banner: survey.Banner, names: dict[str, str], kind: str) -> list[Series]:
    """One bar per shown column: NPS for an NPS question, else the top-box share (per cent)."""
    series = []
    for key in banner.columns:
        summary = banner.summaries[key]
        if summary.suppressed:
            continue
        if kind == "nps" and summary.nps is not None:
            value, ci, scale = summary.nps.nps, summary.nps.ci, 1.0
        else:
            value, ci, scale = summary.top_box, summary.top_box_ci, 100.0
        if not fin(value):
            continue
        pipe = key if key in ("human_first", "automation_first") else None
        series.append(
            Series(
                names[key],
                pipe,
                (num(value, scale),),
                (num(ci.low, scale),),
                (num(ci.high, scale),),
            )
        )
    return series


def survey_slide(
    cur: duckdb.DuckDBPyConnection, filters: Filters, info: DatasetInfo, lang: str
) -> Slide | None:
    """The first survey's first Likert (else NPS / yes-no) question by pipeline, unweighted, as
    on the Surveys page with its default grouping."""
    surveys = survey.list_surveys(cur)
    if surveys.empty:
        return None
    sid = str(surveys.survey_id.iloc[0])
    qs = survey.questions(cur, sid)
    q = next((q for q in qs if q.kind == "likert"), None) or next(
        (q for q in qs if q.kind in ("nps", "binary")), None
    )
    if q is None:
        return None
    frame = survey.respondent_frame(cur, sid, filters)
    if frame.empty:
        return None
    groups, order = survey.group_frame(frame, "pipeline", None)
    banner = survey.banner_table(cur, sid, q, groups, order, banner="pipeline")
    names = _survey_names(banner, lang)
    title = sc.takeaway(banner, names, lang)
    finding = t("report.survey.finding", lang, question=q.text)
    bm = None
    if q.question_id == "prefer_human" or "human interaction" in q.text.lower():
        bm = benchmarks.benchmark("prefer_human")
    extra = t("survey.chart.note", lang) + (" " + bm_source(bm, lang) if bm else "")
    # A hidden Total is not printed either: its n minus the shown columns is a small group.
    shown = [s for s in banner.summaries.values() if not s.suppressed]
    n = sum(int(s.n) for s in shown if s.key != survey.TOTAL)
    if survey.TOTAL in banner.summaries and not banner.summaries[survey.TOTAL].suppressed:
        n = int(banner.summaries[survey.TOTAL].n)
    footnote = note(base_footnote(filters, info, lang), lang, n=n, extra=extra)
    metric = {"nps": "survey.metric.nps"}.get(q.kind, "survey.metric.top_box")
    fig = sc.summary_chart(banner, names, lang, title=wrap(title, 95), footnote=wrap(footnote, 150))
    ref_line = reference(fig, bm, lang) if q.kind in ("likert", "binary") else None
    series = _survey_series(banner, names, q.kind)
    chart = ChartData(
        categories=(t(metric, lang, top=banner.top_box_label),),
        series=tuple(series),
        axis_title=t(metric, lang, top=banner.top_box_label),
        unit="%" if q.kind != "nps" else "nps",
        reference=ref_line,
    )
    table = pd.DataFrame(
        [
            {
                t("report.col.group", lang): s.name,
                t("report.col.value", lang): s.values[0],
                t("report.col.low", lang): s.low[0],
                t("report.col.high", lang): s.high[0],
            }
            for s in series
        ]
    )
    external = (bm,) if bm is not None else ()
    return Slide("survey", title, finding, footnote, fig, chart, table, external)


def business_case_slide(
    cur: duckdb.DuckDBPyConnection, filters: Filters, info: DatasetInfo, lang: str
) -> Slide | None:
    """The business case with the page's default assumptions (value per 100 hires)."""
    measured = bc.measure(cur, filters, headline=overview.headline(cur, filters, as_of=info.as_of))
    case = bc.business_case(measured, bc.Assumptions())
    if not case.components:
        return None
    title = bcc.sentence(case, lang)
    finding = bcc.value_takeaway(case, lang)
    footnote = note(
        base_footnote(filters, info, lang),
        lang,
        n=int(sum(measured.hires.values())),
        extra=t("report.bc.assumptions", lang),
    )
    fig = bcc.value_chart(case, lang, title=wrap(title, 95), footnote=wrap(footnote, 150))
    keys = list(case.components)
    values = [*(num(case.components[k]) for k in keys), num(case.net)]
    cats = [*(t(f"bc.component.{k}", lang) for k in keys), t("bc.component.net", lang)]
    chart = ChartData(
        categories=tuple(cats),
        series=(Series(t("report.bc.series", lang), None, tuple(values)),),
        axis_title=t("report.bc.series", lang),
        unit="eur",
    )
    table = pd.DataFrame(
        {
            t("report.col.component", lang): cats,
            t("report.col.value", lang): [None if v is None else round(v) for v in values],
        }
    )
    return Slide("business_case", title, finding, footnote, fig, chart, table)


ADJUSTABLE = ("headline", "funnel", "offers")
"""The slides whose metrics the reader can adjust: with ``adjust_by`` they carry the adjusted
answer (the same numbers as the Overview, Funnel and Offers pages with that adjustment)."""

BUILDERS: dict[str, Callable[..., Slide | None]] = {
    "headline": headline_slide,
    "funnel": funnel_slide,
    "offers": offers_slide,
    "quality": quality_slide,
    "retention": retention_slide,
    "survey": survey_slide,
    "fairness": fairness_slide,
    "business_case": business_case_slide,
    "causal": causal_slide.causal_slide,
}


def build_deck(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    lang: str = "en",
    *,
    info: DatasetInfo | None = None,
    kinds: tuple[str, ...] = SLIDE_KINDS,
    adjust_by: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Deck:
    """Every slide for ``filters`` in ``lang``. A slide kind with no data in this view is skipped
    and named in ``Deck.skipped``; an error inside a builder is raised, not hidden."""
    info = info or store.dataset_info(cur)
    effects = None
    if adjust_by == causal_slide.EVERYTHING:  # everything measured: its own slide after headline
        kinds, adjust_by = causal_slide.with_causal(kinds), None
        # One fit for the causal slide and the first slide's answer strip (the adjusted answer
        # is the answer, as on the Overview).
        effects = causal.adjusted_effects(
            cur, filters, info.as_of, outcomes=causal_slide.SLIDE_OUTCOMES
        )
    slides, skipped = [], []
    for i, kind in enumerate(kinds):
        if progress is not None:
            progress(i, len(kinds), kind)
        builder = BUILDERS[kind]
        if kind == "causal" and effects is not None:
            slide = causal_slide.slide_from_effects(effects, filters, info, lang)
        elif kind == "headline" and effects is not None:
            slide = headline_slide(cur, filters, info, lang, effects=effects)
        else:
            slide = (
                builder(cur, filters, info, lang, adjust_by)
                if kind in ADJUSTABLE
                else builder(cur, filters, info, lang)
            )
        if slide is None:
            skipped.append(kind)
        elif not has_points(slide.figure):
            # No number to draw (all suppressed or not identified): say so, no bare axes.
            figure = mark_empty(slide.figure, t("chart.empty", lang))
            slides.append(dataclasses.replace(slide, figure=figure, chart=None))
        else:
            slides.append(slide)
    if progress is not None:
        progress(len(kinds), len(kinds), "")
    return Deck(
        lang=lang,
        slides=tuple(slides),
        demo=info.is_demo,
        as_of=info.as_of,
        filters=filters,
        skipped=tuple(skipped),
    )


def presenter_figure(slide: Slide, *, height: int = 520) -> go.Figure:
    """The slide's figure for the presenter page: without its own title and footnote (the page
    shows both in large type right above and below), taller, with larger text."""
    fig = go.Figure(slide.figure)
    kept = [
        a
        for a in fig.layout.annotations
        if not (a.xref == "paper" and a.yref == "paper" and a.yshift == -85)
    ]
    fig.layout.annotations = kept  # assigned, not updated: update_layout merges by position
    fig.update_layout(
        title_text="",
        height=height,
        margin={"t": 90, "b": 50, "l": 10, "r": 10},
        font={"size": 16},
    )
    return fig
