"""The headline comparison: human-first vs automation-first on six metrics.

Metric definitions (DESIGN.md):
- applications: every application in the filtered cohort (by application date), open ones included;
- hire rate: hired / decided applications (open applications excluded);
- candidate withdrawal: applications the candidate withdrew at any stage, declined offers included
  (status ``withdrawn`` or ``offer_declined``) / decided applications; the Funnel's headline
  withdrawal counts the same applications (tests/analytics/metrics/test_overview.py checks it);
- offer acceptance: accepted / decided offers (pending offers excluded; latest offer only);
- time to hire: offer accepted on - applied on, in days, for hired applications (median, IQR);
- 12-month retention: Kaplan-Meier survival of hires at 365 days after their start, censored at
  the as-of date, so recent hires count for as long as they have been followed.

All counting happens in SQL; Python receives one row per pipeline (and stratum) plus small
(day, count) tables for the two time metrics.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from analytics import stats
from analytics.domain import DIMENSIONS, PIPELINES, PRIVACY_THRESHOLD, Filters
from analytics.metrics.common import (
    RETENTION_DAYS,
    GroupEstimate,
    MetricResult,
    Overview,
    mh_adjustment,
    outcomes_fresh,
    retention_counts,
)
from analytics.stats import grouped as grouped_stats

RATE_METRICS = ("hire_rate", "withdrawal", "offer_acceptance")
METRICS = ("applications", *RATE_METRICS, "time_to_hire", "retention_12m")


def _rate_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, stratum: str | None
) -> pd.DataFrame:
    where, params = filters.where("a")
    stratum_sql = f"coalesce(a.{stratum}, '(missing)')" if stratum else "'all'"
    if outcomes_fresh(cur):
        # Same counts without joining every application to the offers: the offer counts come
        # from app_outcomes (applications with an offer or hire only).
        return cur.execute(
            f"""
            WITH base AS (
                SELECT
                    a.pipeline,
                    {stratum_sql} AS stratum,
                    count(*) AS applications,
                    count(*) FILTER (WHERE a.status <> 'open') AS decided,
                    count(*) FILTER (WHERE a.status = 'hired') AS hired,
                    count(*) FILTER (WHERE a.status IN ('withdrawn', 'offer_declined')) AS withdrawn
                FROM applications AS a
                WHERE {where}
                GROUP BY ALL
            ),
            offered AS (
                SELECT
                    a.pipeline,
                    {stratum_sql} AS stratum,
                    count(a.accepted) AS offers_decided,
                    count(*) FILTER (WHERE a.accepted) AS offers_accepted
                FROM app_outcomes AS a
                WHERE {where} AND a.has_offer
                GROUP BY ALL
            )
            SELECT b.pipeline, b.stratum, b.applications, b.decided, b.hired, b.withdrawn,
                   coalesce(o.offers_decided, 0) AS offers_decided,
                   coalesce(o.offers_accepted, 0) AS offers_accepted
            FROM base AS b
            LEFT JOIN offered AS o
                ON o.pipeline = b.pipeline AND o.stratum = b.stratum
            ORDER BY ALL
            """,
            params,
        ).df()
    return cur.execute(
        f"""
        SELECT
            a.pipeline,
            {stratum_sql} AS stratum,
            count(*) AS applications,
            count(*) FILTER (WHERE a.status <> 'open') AS decided,
            count(*) FILTER (WHERE a.status = 'hired') AS hired,
            count(*) FILTER (WHERE a.status IN ('withdrawn', 'offer_declined')) AS withdrawn,
            count(o.accepted) AS offers_decided,
            count(*) FILTER (WHERE o.accepted) AS offers_accepted
        FROM applications AS a
        LEFT JOIN offers AS o
            ON o.application_id = a.application_id
        WHERE {where}
        GROUP BY ALL
        ORDER BY ALL
        """,
        params,
    ).df()


def _time_to_hire_counts(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    where, params = filters.where("a")
    if outcomes_fresh(cur):
        return cur.execute(
            f"""
            SELECT
                a.pipeline,
                date_diff('day', a.applied_on, a.decided_on) AS days,
                count(*) AS n
            FROM app_outcomes AS a
            WHERE {where}
                AND a.status = 'hired'
                AND a.accepted
                AND a.decided_on IS NOT NULL
            GROUP BY ALL
            ORDER BY ALL
            """,
            params,
        ).df()
    return cur.execute(
        f"""
        SELECT
            a.pipeline,
            date_diff('day', a.applied_on, o.decided_on) AS days,
            count(*) AS n
        FROM applications AS a
        JOIN offers AS o
            ON o.application_id = a.application_id
        WHERE {where}
            AND a.status = 'hired'
            AND o.accepted
            AND o.decided_on IS NOT NULL
        GROUP BY ALL
        ORDER BY ALL
        """,
        params,
    ).df()


def _pipelines(frame: pd.DataFrame) -> tuple[str, ...]:
    present = set(frame.pipeline.dropna())
    known = [p for p in PIPELINES if p in present]
    return tuple(known + sorted(present - set(known)))


def _rate_metric(
    key: str, totals: pd.DataFrame, strata: pd.DataFrame | None, adjust_by: str | None
) -> MetricResult:
    num, den = {
        "hire_rate": ("hired", "decided"),
        "withdrawal": ("withdrawn", "decided"),
        "offer_acceptance": ("offers_accepted", "offers_decided"),
    }[key]
    groups: dict[str, GroupEstimate] = {}
    for row in totals.itertuples():
        k, n = int(getattr(row, num)), int(getattr(row, den))
        if n < PRIVACY_THRESHOLD:
            groups[row.pipeline] = GroupEstimate(row.pipeline, n, None, suppressed=True)
            continue
        groups[row.pipeline] = GroupEstimate(row.pipeline, n, k / n, stats.proportion_ci(k, n), k=k)
    first, second = PIPELINES
    a, b = groups.get(first), groups.get(second)
    if a is None or b is None or a.suppressed or b.suppressed:
        return MetricResult(key, "rate", groups)
    assert a.k is not None and b.k is not None
    cmp = stats.compare_proportions(a.k, a.n, b.k, b.n)
    adjustment = None
    if strata is not None and adjust_by is not None:
        adjustment = mh_adjustment(strata, num, den, adjust_by)
    return MetricResult(
        key,
        "rate",
        groups,
        diff=cmp.diff,
        diff_ci=cmp.ci,
        p_value=cmp.p_value,
        test=cmp.test,
        risk_ratio=cmp.risk_ratio,
        cohens_h=cmp.cohens_h,
        adjustment=adjustment,
    )


def _time_to_hire(counts: pd.DataFrame, pipelines: tuple[str, ...]) -> MetricResult:
    groups: dict[str, GroupEstimate] = {}
    tables: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for pipe in pipelines:
        part = counts[counts.pipeline == pipe]
        values, n = part.days.to_numpy(float), part.n.to_numpy(np.int64)
        total = int(n.sum())
        if total < PRIVACY_THRESHOLD:
            groups[pipe] = GroupEstimate(pipe, total, None, suppressed=True)
            continue
        summary = grouped_stats.median_summary(values, n)
        assert summary is not None
        groups[pipe] = GroupEstimate(
            pipe, total, summary.median, summary.ci, q1=summary.q1, q3=summary.q3
        )
        tables[pipe] = (values, n)
    first, second = PIPELINES
    if first in tables and second in tables:
        diff = grouped_stats.median_difference(*tables[first], *tables[second])
        if diff is not None:
            return MetricResult(
                "time_to_hire",
                "median",
                groups,
                diff=diff.diff,
                diff_ci=diff.ci,
                p_value=diff.p_value,
                test=diff.test,
            )
    return MetricResult("time_to_hire", "median", groups)


def _retention(counts: pd.DataFrame, pipelines: tuple[str, ...]) -> MetricResult:
    groups: dict[str, GroupEstimate] = {}
    points: dict[str, grouped_stats.SurvivalPoint] = {}
    for pipe in pipelines:
        part = counts[counts.pipeline == pipe]
        total = int(part.events.sum() + part.censored.sum())
        if total < PRIVACY_THRESHOLD:
            groups[pipe] = GroupEstimate(pipe, total, None, suppressed=True)
            continue
        curve = grouped_stats.km_curve(
            part.days.to_numpy(), part.events.to_numpy(), part.censored.to_numpy()
        )
        point = grouped_stats.km_at(curve, RETENTION_DAYS)
        if point is None:
            groups[pipe] = GroupEstimate(pipe, total, None)
            continue
        points[pipe] = point
        groups[pipe] = GroupEstimate(pipe, total, point.survival, point.ci)
    first, second = PIPELINES
    if first in points and second in points:
        d = grouped_stats.survival_difference(points[first], points[second])
        return MetricResult(
            "retention_12m",
            "survival",
            groups,
            diff=d.diff,
            diff_ci=d.ci,
            p_value=d.p_value,
            test="km-wald",
        )
    return MetricResult("retention_12m", "survival", groups)


def headline(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    *,
    as_of: dt.date,
    adjust_by: str | None = None,
) -> Overview:
    """The six headline metrics per pipeline and the human-first minus automation-first difference.

    ``adjust_by`` (one of the filter dimensions) adds a Mantel-Haenszel answer to every rate.
    """
    if adjust_by is not None and adjust_by not in DIMENSIONS:
        raise ValueError(f"adjust_by must be one of {DIMENSIONS}, not {adjust_by!r}")
    strata = _rate_counts(cur, filters, adjust_by) if adjust_by else None
    totals = _rate_counts(cur, filters, None)
    pipelines = _pipelines(totals)
    metrics: dict[str, MetricResult] = {
        "applications": MetricResult(
            "applications",
            "count",
            {
                row.pipeline: GroupEstimate(
                    row.pipeline,
                    int(row.applications),
                    float(row.applications),
                    suppressed=int(row.applications) < PRIVACY_THRESHOLD,
                )
                for row in totals.itertuples()
            },
        )
    }
    for key in RATE_METRICS:
        metrics[key] = _rate_metric(key, totals, strata, adjust_by)
    metrics["time_to_hire"] = _time_to_hire(_time_to_hire_counts(cur, filters), pipelines)
    metrics["retention_12m"] = _retention(retention_counts(cur, filters, as_of), pipelines)
    return Overview(
        metrics=metrics,
        pipelines=pipelines,
        as_of=as_of,
        adjust_by=adjust_by,
        totals={row.pipeline: int(row.applications) for row in totals.itertuples()},
    )


def to_table(result: Overview, lang: str = "en") -> pd.DataFrame:
    """All headline numbers as one tidy table (for display and CSV export).

    Suppressed groups show no value; rates are in per cent, times in days.
    """
    from analytics.i18n import label, t  # local: i18n is presentation, kept out of the math

    rows = []
    for key, metric in result.metrics.items():
        scale = 100.0 if metric.kind in ("rate", "survival") else 1.0
        row: dict[str, object] = {t("overview.col.metric", lang): t(f"metric.{key}", lang)}
        for pipe in result.pipelines:
            g = metric.groups.get(pipe)
            name = label("pipeline", pipe, lang)
            shown = g is not None and not g.suppressed and g.value is not None
            row[name] = round(g.value * scale, 2) if shown and g.value is not None else None
            if metric.kind != "count":
                row[t("overview.col.pipe_ci", lang, pipeline=name)] = (
                    f"{g.ci.low * scale:.1f} – {g.ci.high * scale:.1f}"
                    if shown and g.ci is not None
                    else None
                )
            row[f"n {name}"] = g.n if g is not None and not g.suppressed else None
        row[t("overview.col.difference", lang)] = (
            round(metric.diff * scale, 2) if metric.diff is not None else None
        )
        row[t("overview.col.ci", lang)] = (
            f"{metric.diff_ci.low * scale:.1f} – {metric.diff_ci.high * scale:.1f}"
            if metric.diff_ci is not None
            else None
        )
        row[t("overview.col.p", lang)] = metric.p_value
        row[t("overview.col.test", lang)] = t(f"test.{metric.test}", lang) if metric.test else None
        if result.adjust_by is not None:
            adj = metric.adjustment
            ok = adj is not None and adj.estimable
            row[t("overview.col.adj_diff", lang)] = round(adj.diff * 100, 2) if adj and ok else None
            row[t("overview.col.adj_ci", lang)] = (
                f"{adj.ci.low * 100:.1f} – {adj.ci.high * 100:.1f}" if adj and ok else None
            )
            row[t("overview.col.adj_p", lang)] = adj.p_value if adj and ok else None
            row[t("overview.col.homogeneity_p", lang)] = adj.homogeneity_p if adj else None
        rows.append(row)
    return pd.DataFrame(rows)


FAMILY = ("hire_rate", "withdrawal", "offer_acceptance", "time_to_hire", "retention_12m")
"""The Overview's multiple-testing family: one pre-specified comparison per headline metric."""


def _answer_p(metric: MetricResult) -> float | None:
    """The p-value of the answer a card leads with (``MetricResult.answer``)."""
    adj = metric.adjustment
    if adj is not None and adj.estimable:
        return adj.p_value
    return metric.p_value if metric.comparable else None


def family_holm(result: Overview) -> tuple[int, int]:
    """(comparisons in the family, how many stay clear after Holm's correction at 5%).

    Each card's verdict is its own pre-specified comparison (it must match its own interval);
    the footnote adds how many survive Holm over the family (Holm 1979, Scand J Stat 6:65).
    The family's members are the answers the cards lead with: the adjusted p where the reader
    adjusted and it is estimable (``MetricResult.answer``), else the crude p."""
    ps = [_answer_p(result.metrics[k]) for k in FAMILY if k in result.metrics]
    ps = [p for p in ps if p is not None and np.isfinite(p)]
    if not ps:
        return 0, 0
    adjusted = stats.adjust_pvalues(np.asarray(ps, dtype=float), "holm")
    return len(ps), int((adjusted < 0.05).sum())
