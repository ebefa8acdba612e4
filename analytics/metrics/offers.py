"""Offers: acceptance by pipeline, decline reasons, time to decide, and the "human premium".

Metric definitions (DESIGN.md, shown in the page's help text):

- offer acceptance = accepted / decided offers (``offers.accepted`` not NULL); pending offers are
  excluded; the offers table holds the latest offer per application; cohort by application date
  through the shared filters;
- decline reasons: declined offers per ``decline_reason`` as shares of each pipeline's declines;
- time to decide = decided_on - offered_on in days, decided offers only (median, IQR);
- the human premium: a logistic regression of accepted on human-first (1/0), comp ratio, the
  number of competing offers and role family and seniority as fixed effects, on decided offers of
  the two standard pipelines. The premium is beta_human / beta_comp_ratio: the rise in comp ratio
  (offer / band midpoint) that moves the odds of acceptance as much as a human-first process does
  (x 100 = per cent of the band midpoint), with Fieller's interval (``stats.fieller``; not
  identified, and not reported, when the comp-ratio coefficient is not distinguishable from zero;
  the odds ratio's interval from ``stats.odds_ratio_from_logit``).

Every rate is aggregated in DuckDB. The regression is fitted on covariate-pattern counts (one row
per distinct combination of its covariates, with decided and accepted offers), counted in SQL: the
same estimates and standard errors as one row per decided offer (``stats.regression``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics import stats
from analytics.domain import DIMENSIONS, PIPELINES, PRIVACY_THRESHOLD, Filters, ordered_pipelines
from analytics.metrics import common
from analytics.metrics.common import Adjustment, add_rate
from analytics.privacy import suppress_in_groups
from analytics.stats import Interval, regression
from analytics.stats import grouped as grouped_stats

COMP_BIN_WIDTH = 0.05
COMP_BIN_LOW = 0.85
COMP_BIN_HIGH = 1.15
COMPETING_CAP = 3
"""Competing offers of this number or more are counted together ("3+")."""


def _offers_sql(cur: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[str, dict]:
    """``FROM ... WHERE`` over the offers, one row each as ``a`` with the offer's and its
    application's columns. When the load-time summary ``app_outcomes`` is current, it is read
    instead of joining every application (it holds each offer with its application's columns;
    about 3x faster at 1M). One alias, no LATERAL: DuckDB runs the lateral form as a join per row
    (issue 21)."""
    where, params = filters.where("a")
    if common.outcomes_fresh(cur):
        return (
            f"""
            FROM app_outcomes AS a
            WHERE a.has_offer AND {where}
            """,
            params,
        )
    return (
        f"""
        FROM (
            SELECT a.*, o.offered_on, o.decided_on, o.accepted, o.base_salary, o.comp_ratio,
                   o.competing_offers, o.decline_reason
            FROM offers AS o
            JOIN applications AS a ON a.application_id = o.application_id
        ) AS a
        WHERE {where}
        """,
        params,
    )


# ---------------------------------------------------------------------------------------------
# Acceptance by pipeline
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Acceptance:
    """``table``: pipeline, offers, pending, decided, accepted, rate (+ _low/_high, Wilson),
    suppressed. ``comparison``: first minus second pipeline (None when either is suppressed)."""

    table: pd.DataFrame
    comparison: stats.ProportionComparison | None

    @property
    def decided(self) -> int:
        return int(self.table.decided.sum()) if not self.table.empty else 0


def acceptance(cur: duckdb.DuckDBPyConnection, filters: Filters) -> Acceptance:
    """Offer acceptance per pipeline with Wilson intervals, and the difference with the
    Miettinen-Nurminen interval and its score test (``stats.compare_proportions``)."""
    body, params = _offers_sql(cur, filters)
    table = cur.execute(
        f"""
        SELECT a.pipeline,
               count(*) AS offers,
               count(*) FILTER (WHERE a.accepted IS NULL) AS pending,
               count(a.accepted) AS decided,
               count(*) FILTER (WHERE a.accepted) AS accepted
        {body}
        GROUP BY ALL
        """,
        params,
    ).df()
    order = {p: i for i, p in enumerate(ordered_pipelines(table.pipeline))}
    table = table.sort_values("pipeline", key=lambda s: s.map(order), ignore_index=True)
    add_rate(table, "rate", "accepted", "decided")
    rows = table.set_index("pipeline")
    first, second = PIPELINES
    comparison = None
    if first in rows.index and second in rows.index:
        a, b = rows.loc[first], rows.loc[second]
        if not a.suppressed and not b.suppressed:
            comparison = stats.compare_proportions(
                int(a.accepted), int(a.decided), int(b.accepted), int(b.decided)
            )
    return Acceptance(table=table, comparison=comparison)


def acceptance_adjusted(
    cur: duckdb.DuckDBPyConnection, filters: Filters, by: str
) -> Adjustment | None:
    """Offer acceptance, human-first vs automation-first, adjusted for ``by`` (a filter
    dimension): the Mantel-Haenszel risk difference in points over its groups (missing values
    form their own group) with its interval, p and homogeneity test, next to the crude difference
    (``common.mh_adjustment``; ``reversal`` only when the point estimates have opposite signs).
    None when fewer than two groups hold offers of both pipelines or
    either pipeline has fewer decided offers than the privacy threshold. Only the pooled answer
    is shown, so small groups are never displayed."""
    if by not in DIMENSIONS:
        raise ValueError(f"by must be one of {DIMENSIONS}, not {by!r}")
    body, params = _offers_sql(cur, filters)
    frame = cur.execute(
        f"""
        SELECT a.pipeline,
               coalesce(CAST(a.{by} AS VARCHAR), '(missing)') AS stratum,
               count(a.accepted) AS decided,
               count(*) FILTER (WHERE a.accepted) AS accepted
        {body} AND a.accepted IS NOT NULL AND a.pipeline = ANY($pipes)
        GROUP BY ALL
        """,
        {**params, "pipes": list(PIPELINES)},
    ).df()
    first, second = PIPELINES
    totals = frame.groupby("pipeline").decided.sum()
    if min(int(totals.get(first, 0)), int(totals.get(second, 0))) < PRIVACY_THRESHOLD:
        return None
    return common.mh_adjustment(frame, "accepted", "decided", by)


def decline_reasons(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Declined offers per reason per pipeline: pipeline, reason, n, declines, share (+ Wilson),
    suppressed (a pipeline with fewer than 5 declines, or a reason cell below 5, is not shown)."""
    body, params = _offers_sql(cur, filters)
    frame = cur.execute(
        f"""
        SELECT a.pipeline, coalesce(a.decline_reason, '(missing)') AS reason, count(*) AS n
        {body} AND a.accepted = FALSE
        GROUP BY ALL
        ORDER BY a.pipeline, n DESC, reason
        """,
        params,
    ).df()
    frame["declines"] = frame.groupby("pipeline").n.transform("sum")
    add_rate(frame, "share", "n", "declines")
    # Declines per pipeline are shown, so one small reason would be total minus the rest:
    # complementary suppression hides the next smallest reason too (analytics/privacy.py).
    small = suppress_in_groups(frame.n, frame.pipeline) if len(frame) else frame.n < 0
    frame.loc[small, ["share", "share_low", "share_high"]] = math.nan
    frame["suppressed"] = frame.suppressed | small
    frame["n"] = frame.n.where(~frame.suppressed)
    return frame


def decision_times(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Days from offer to decision per pipeline: pipeline, n, median, low, high (Price-Bonett),
    q1, q3; groups below the privacy threshold have no numbers."""
    body, params = _offers_sql(cur, filters)
    counts = cur.execute(
        f"""
        SELECT a.pipeline, date_diff('day', a.offered_on, a.decided_on) AS days, count(*) AS n
        {body} AND a.accepted IS NOT NULL AND a.decided_on IS NOT NULL
        GROUP BY ALL
        """,
        params,
    ).df()
    rows = []
    for pipe in ordered_pipelines(counts.pipeline):
        part = counts[counts.pipeline == pipe]
        n = int(part.n.sum())
        row: dict[str, object] = {"pipeline": pipe, "n": n}
        summary = (
            grouped_stats.median_summary(part.days.to_numpy(float), part.n.to_numpy(np.int64))
            if n >= PRIVACY_THRESHOLD
            else None
        )
        if summary is not None:
            row.update(
                median=summary.median,
                low=summary.ci.low,
                high=summary.ci.high,
                q1=summary.q1,
                q3=summary.q3,
            )
        rows.append(row)
    out = pd.DataFrame(rows, columns=["pipeline", "n", "median", "low", "high", "q1", "q3"])
    out["suppressed"] = out.n < PRIVACY_THRESHOLD
    return out


# ---------------------------------------------------------------------------------------------
# Acceptance against comp ratio and competing offers
# ---------------------------------------------------------------------------------------------


def acceptance_by_comp_ratio(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Acceptance per pipeline per comp-ratio bin of width 0.05 (values below 0.85 and from 1.15
    up are pooled into the end bins): pipeline, bin (lower edge), mid, accepted, decided, rate
    (+ Wilson), suppressed."""
    body, params = _offers_sql(cur, filters)
    params = {
        **params,
        "w": COMP_BIN_WIDTH,
        "lo": COMP_BIN_LOW,
        "hi": COMP_BIN_HIGH - COMP_BIN_WIDTH,
    }
    frame = cur.execute(
        f"""
        SELECT a.pipeline,
               round(least(greatest(floor(a.comp_ratio / $w) * $w, $lo), $hi), 2) AS bin,
               count(*) FILTER (WHERE a.accepted) AS accepted,
               count(*) AS decided
        {body} AND a.accepted IS NOT NULL AND a.comp_ratio IS NOT NULL
        GROUP BY ALL
        ORDER BY a.pipeline, bin
        """,
        params,
    ).df()
    frame["mid"] = frame["bin"] + COMP_BIN_WIDTH / 2
    return add_rate(frame, "rate", "accepted", "decided")


def acceptance_by_competing(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Acceptance per pipeline by number of competing offers (0, 1, 2, 3+): pipeline, competing,
    accepted, decided, rate (+ Wilson), suppressed."""
    body, params = _offers_sql(cur, filters)
    frame = cur.execute(
        f"""
        SELECT a.pipeline,
               least(a.competing_offers, $cap) AS competing,
               count(*) FILTER (WHERE a.accepted) AS accepted,
               count(*) AS decided
        {body} AND a.accepted IS NOT NULL AND a.competing_offers IS NOT NULL
        GROUP BY ALL
        ORDER BY a.pipeline, competing
        """,
        {**params, "cap": COMPETING_CAP},
    ).df()
    frame["competing"] = frame.competing.astype(int)
    return add_rate(frame, "rate", "accepted", "decided")


# ---------------------------------------------------------------------------------------------
# The human premium (logistic regression + delta method)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Premium:
    """The human premium in comp-ratio units (0.07 = 7% of the band midpoint) with its
    Fieller interval (NaN when not ``identified``), the odds ratio of human-first with its Wald
    interval, and the fit."""

    premium: float
    premium_se: float
    premium_ci: Interval
    odds_ratio: float
    odds_ratio_ci: Interval
    odds_ratio_p: float
    beta_human: float
    beta_comp: float
    beta_competing: float
    n: int
    n_human: int
    n_automation: int
    fixed_effects: tuple[str, ...]
    # Fieller (issue 17): False when the pay coefficient is not distinguishable from zero, so the
    # ratio is not identified (unbounded confidence set) and no premium is reported.
    identified: bool = True
    pay_z: float = math.nan


def premium_rows(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per decided offer of the two standard pipelines, only the regression's columns."""
    body, params = _offers_sql(cur, filters)
    return cur.execute(
        f"""
        SELECT CAST(a.accepted AS INTEGER) AS accepted,
               CAST(a.pipeline = $first AS INTEGER) AS human_first,
               a.comp_ratio,
               a.competing_offers,
               coalesce(a.role_family, '(missing)') AS role_family,
               coalesce(a.seniority, '(missing)') AS seniority
        {body} AND a.accepted IS NOT NULL AND a.comp_ratio IS NOT NULL
               AND a.competing_offers IS NOT NULL AND a.pipeline = ANY($pipes)
        """,
        {**params, "first": PIPELINES[0], "pipes": list(PIPELINES)},
    ).df()


def premium_patterns(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The rows of :func:`premium_rows` counted per covariate pattern, in SQL: human_first,
    comp_ratio, competing_offers, role_family, seniority, trials (decided offers) and accepted.
    Comp ratios are stored to three decimals, so at 10M applications 446k decided offers form
    about 40k patterns (issue 21): the fit reads a tenth of the rows and pandas never sees the
    offers one by one."""
    body, params = _offers_sql(cur, filters)
    return cur.execute(
        f"""
        SELECT CAST(a.pipeline = $first AS INTEGER) AS human_first,
               a.comp_ratio,
               a.competing_offers,
               coalesce(a.role_family, '(missing)') AS role_family,
               coalesce(a.seniority, '(missing)') AS seniority,
               count(*) AS trials,
               CAST(count(*) FILTER (WHERE a.accepted) AS BIGINT) AS accepted
        {body} AND a.accepted IS NOT NULL AND a.comp_ratio IS NOT NULL
               AND a.competing_offers IS NOT NULL AND a.pipeline = ANY($pipes)
        GROUP BY ALL
        ORDER BY ALL
        """,
        {**params, "first": PIPELINES[0], "pipes": list(PIPELINES)},
    ).df()


def rows_to_patterns(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`premium_rows` (one row per decided offer) counted per covariate pattern, in the
    shape of :func:`premium_patterns`."""
    keys = ["human_first", "comp_ratio", "competing_offers", "role_family", "seniority"]
    if rows.empty:
        return pd.DataFrame(columns=[*keys, "trials", "accepted"])
    out = rows.groupby(keys, as_index=False, sort=True).agg(
        trials=("accepted", "size"), accepted=("accepted", "sum")
    )
    return out


MIN_PREMIUM_ROWS = 50


def fit_premium(rows: pd.DataFrame, conf: float = 0.95) -> Premium | None:
    """Fit the acceptance model on ``rows`` (columns of :func:`premium_rows`, one per decided
    offer): the same fit as :func:`fit_premium_patterns` on their covariate patterns."""
    return fit_premium_patterns(rows_to_patterns(rows), conf)


def fit_premium_patterns(patterns: pd.DataFrame, conf: float = 0.95) -> Premium | None:
    """Fit the acceptance model on covariate-pattern counts (columns of :func:`premium_patterns`)
    with ``stats.regression.fit_logit_grouped`` (the same coefficients and covariance as the
    logit on one row per offer); None when there are too few offers, either pipeline is below
    the privacy threshold, or the model cannot be fitted (separation, no variation)."""
    n = int(patterns.trials.sum()) if len(patterns) else 0
    if n < MIN_PREMIUM_ROWS:
        return None
    n_h = int(patterns.trials[patterns.human_first == 1].sum())
    n_a = n - n_h
    accepted = int(patterns.accepted.sum())
    if min(n_h, n_a) < PRIVACY_THRESHOLD or accepted in (0, n):
        return None
    fixed = regression.varying_columns(patterns, ("role_family", "seniority"))
    fit = regression.fit_logit_grouped(
        patterns.accepted,
        patterns.trials,
        patterns[["human_first", "comp_ratio", "competing_offers"]],
        fixed_effects=patterns[list(fixed)] if fixed else None,
    )
    if fit is None:
        return None
    b_h, b_c = fit.coefficient("human_first"), fit.coefficient("comp_ratio")
    if not (math.isfinite(b_h) and math.isfinite(b_c)) or b_c == 0:
        return None
    ratio = stats.ratio_delta(
        b_h,
        b_c,
        var_num=fit.variance("human_first"),
        var_den=fit.variance("comp_ratio"),
        cov=fit.variance("human_first", "comp_ratio"),
        conf=conf,
    )
    fieller = stats.fieller(
        b_h,
        b_c,
        var_num=fit.variance("human_first"),
        var_den=fit.variance("comp_ratio"),
        cov=fit.variance("human_first", "comp_ratio"),
        conf=conf,
    )
    odds_ratio, odds_ratio_ci = stats.odds_ratio_from_logit(b_h, fit.se("human_first"), conf=conf)
    return Premium(
        premium=ratio.ratio,
        premium_se=ratio.se,
        premium_ci=fieller.ci,
        identified=fieller.identified,
        pay_z=fieller.den_z,
        odds_ratio=odds_ratio,
        odds_ratio_ci=odds_ratio_ci,
        odds_ratio_p=float(fit.pvalues["human_first"]),
        beta_human=b_h,
        beta_comp=b_c,
        beta_competing=fit.coefficient("competing_offers"),
        n=n,
        n_human=n_h,
        n_automation=n_a,
        fixed_effects=fixed,
    )


def human_premium(cur: duckdb.DuckDBPyConnection, filters: Filters) -> Premium | None:
    """The human premium on the filtered decided offers, fitted on their covariate patterns
    (see :func:`fit_premium_patterns`)."""
    return fit_premium_patterns(premium_patterns(cur, filters))


# ---------------------------------------------------------------------------------------------
# Tables for display and export
# ---------------------------------------------------------------------------------------------


def acceptance_table(
    result: Acceptance, lang: str = "en", adjustment: Adjustment | None = None
) -> pd.DataFrame:
    """Acceptance per pipeline for display / CSV (suppressed groups show no numbers), with the
    difference (first minus second pipeline, points) its interval and p; with an estimable
    ``adjustment`` also the adjusted difference, so the export carries the page's answer."""
    from analytics.i18n import label, t

    c = result.comparison
    adj = adjustment if adjustment is not None and adjustment.estimable else None
    rows = []
    for r in result.table.itertuples():
        shown = not r.suppressed
        row = {
            t("offers.col.pipeline", lang): label("pipeline", r.pipeline, lang),
            t("offers.col.decided", lang): int(r.decided) if shown else None,
            t("offers.col.accepted", lang): int(r.accepted) if shown else None,
            t("offers.col.pending", lang): int(r.pending) if shown else None,
            t("offers.col.rate", lang): round(100 * r.rate, 2) if shown else None,
            t("offers.col.ci", lang): (
                f"{100 * r.rate_low:.1f} – {100 * r.rate_high:.1f}" if shown else None
            ),
            t("offers.col.diff", lang): round(100 * c.diff, 2) if c is not None else None,
            t("offers.col.diff_ci", lang): (
                f"{100 * c.ci.low:.1f} – {100 * c.ci.high:.1f}" if c is not None else None
            ),
            t("offers.col.p", lang): c.p_value if c is not None else None,
        }
        if adj is not None:
            row[t("offers.col.adj_diff", lang, by=t(f"dim.{adj.by}", lang).lower())] = round(
                100 * adj.diff, 2
            )
            row[t("offers.col.adj_ci", lang)] = f"{100 * adj.ci.low:.1f} – {100 * adj.ci.high:.1f}"
            row[t("offers.col.adj_p", lang)] = adj.p_value
            row[t("overview.col.homogeneity_p", lang)] = adj.homogeneity_p
        rows.append(row)
    return pd.DataFrame(rows)
