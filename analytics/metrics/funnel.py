"""The hiring funnel: where candidates are lost, per pipeline, and how the pipelines differ.

Metric definitions (DESIGN.md, shown in the page's help text):

- cohort: applications by application date, through the shared filters; open applications
  (``applications.status = 'open'``) are left out of every rate unless ``include_open`` is set;
- ever-reached: an application reached stage s when it has an event at any stage with order >= s,
  so a skipped stage counts as passed and a rejected candidate counts at every stage reached;
- re-entries: one application at one stage counts once; its outcome is that of its latest event
  at that stage (latest ``entered_on``);
- pass-through at s = reached(next stage) / reached(s); cumulative conversion at s =
  reached(s) / reached(first stage);
- drop-off at s splits into candidate withdrawal and company rejection: applications whose last
  event (the furthest stage) is at s with result ``withdrawn`` / ``rejected``, as shares of those
  who reached s;
- time in stage = exited_on - entered_on (days) of the latest event per application and stage;
- time to offer = offers.offered_on - applied_on, per pipeline, as a cumulative incidence: the
  share of applications with an offer by day t. Open applications are censored at the as-of date.
  Closed applications without an offer (rejected, withdrawn) can never get one: they stay in the
  risk set until the as-of date, the "censoring complete" treatment of a competing event (Fine &
  Gray 1999, JASA 94:496-509, section 2), under which 1 - Kaplan-Meier equals the cumulative
  incidence function. (Censoring them at their last event date would instead estimate the chance
  of an offer *while still in the process*, which overstates offer chances many times over.)
  Open applications are always part of this curve, whatever ``include_open`` says.

Every aggregation happens in DuckDB; Python receives one row per pipeline x stage (x stratum), or
small (day, count) tables for the time metrics.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy import stats as sps

from analytics import stats, store
from analytics.domain import DIMENSIONS, PIPELINES, PRIVACY_THRESHOLD, Filters, ordered_pipelines
from analytics.stats import grouped as grouped_stats

CLEAR_ALPHA = 0.05
"""Adjusted p-values below this mark a stage as a clear difference."""


# ---------------------------------------------------------------------------------------------
# SQL building blocks (identifiers from DIMENSIONS only; values always bound)
# ---------------------------------------------------------------------------------------------


def _check_dim(dim: str | None) -> None:
    if dim is not None and dim not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {DIMENSIONS}, not {dim!r}")


def _cohort_sql(
    filters: Filters,
    include_open: bool,
    stratum: str | None = None,
    *,
    derived: bool = False,
) -> tuple[str, dict[str, Any]]:
    """CTEs ``cat`` (stage catalogue), ``cohort`` (filtered applications), ``ev`` (one event per
    application and stage: the latest), ``last_event`` (per application: furthest stage and the
    result there) and ``pipe_stages`` (the stages each pipeline's applications ever entered), and
    the parameters they need.

    ``derived=True`` reads ``ev``, ``last_event`` and ``pipe_stages`` from the tables
    ``store.refresh_derived`` maintains at load time (same rows, no window or join per run);
    use it only when ``store.derived_fresh`` says they describe the current data.
    """
    _check_dim(stratum)
    where, params = filters.where("a")
    open_sql = "" if include_open else "AND a.status <> 'open'"
    stratum_sql = f"coalesce(CAST(a.{stratum} AS VARCHAR), '(missing)')" if stratum else "'all'"
    cat_sql = f"""
        cat AS (
            SELECT stage, stage_order, label_en, label_nl FROM stages
            UNION ALL
            SELECT stage, min(stage_order), stage, stage
            FROM {"event_stages" if derived else "stage_events"}
            WHERE stage NOT IN (SELECT stage FROM stages)
            GROUP BY stage
        ),"""
    cohort_sql = f"""
        cohort AS (
            SELECT a.application_id, a.pipeline, a.applied_on, a.status, a.first_human_step,
                   {stratum_sql} AS stratum
            FROM applications AS a
            WHERE {where} {open_sql}
        ),"""
    if derived:
        rest = f"""
        ev AS (
            SELECT a.*, {stratum_sql} AS stratum
            FROM app_stage AS a
            WHERE {where} {open_sql}
        ),
        last_event AS (
            SELECT a.application_id, a.pipeline, {stratum_sql} AS stratum,
                   a.max_order, a.last_result
            FROM app_summary AS a
            WHERE {where} {open_sql}
        ),
        pipe_stages AS (
            SELECT ps.pipeline, cat.stage, cat.stage_order
            FROM pipeline_stages AS ps
            JOIN cat ON cat.stage = ps.stage
        )
        """
    else:
        rest = """
        ev AS (
            SELECT e.*, c.pipeline, c.stratum, c.applied_on, c.status
            FROM stage_events AS e
            JOIN cohort AS c ON c.application_id = e.application_id
            QUALIFY row_number() OVER (
                PARTITION BY e.application_id, e.stage
                ORDER BY e.entered_on DESC, e.exited_on DESC NULLS FIRST
            ) = 1
        ),
        last_event AS (
            SELECT application_id, pipeline, stratum,
                   max(stage_order) AS max_order,
                   arg_max(result, (stage_order, entered_on)) AS last_result
            FROM ev
            GROUP BY ALL
        ),
        pipe_stages AS (
            SELECT DISTINCT a.pipeline, cat.stage, cat.stage_order
            FROM stage_events AS e
            JOIN applications AS a USING (application_id)
            JOIN cat ON cat.stage = e.stage
        )
        """
    return cat_sql + cohort_sql + rest, params


FUNNEL_DERIVED = ("app_stage", "app_summary", "pipeline_stages", "event_stages")


def _derived(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether the load-time tables (``store.refresh_derived``) are there and current."""
    try:
        return store.derived_fresh(cur, *FUNNEL_DERIVED)
    except duckdb.Error:
        return False


def stage_catalogue(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The ordered stages (stage, stage_order, label_en, label_nl); stages that appear only in
    ``stage_events`` get their key as label."""
    sql, _ = _cohort_sql(Filters(), include_open=True, derived=_derived(cur))
    return cur.execute(
        f"WITH {sql} SELECT stage, stage_order, label_en, label_nl FROM cat ORDER BY stage_order"
    ).df()


def stage_counts(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    *,
    include_open: bool = False,
    stratum: str | None = None,
) -> pd.DataFrame:
    """Per pipeline (x stratum) x stage: reached (ever-reached), withdrawn and rejected there.

    Columns: pipeline, stratum, stage, stage_order, reached, withdrawn, rejected. Every stage of a
    pipeline's own funnel (the catalogue stages its applications entered) appears for every stratum
    present (zeros where nobody of that stratum reached it); a stage the pipeline never uses is left
    out, so it neither counts as passed nor breaks the pass-through between its neighbours.
    """
    sql, params = _cohort_sql(filters, include_open, stratum, derived=_derived(cur))
    return cur.execute(
        f"""
        WITH {sql},
        -- A pipeline's funnel holds the stages its applications pass through (pipe_stages): a
        -- stage that no application of the pipeline ever entered (a coding test that only the
        -- automated pipeline has, or the steps before an imported pipeline's first stage) is not
        -- part of it. Taken from all applications, not the filtered cohort: a filter that leaves
        -- nobody at a stage shows it with zero, it does not remove it.
        -- Applications are first counted per (furthest stage, result there), so the join to the
        -- stages runs over a few hundred rows, not one per application.
        ends AS (
            SELECT pipeline, stratum, max_order, last_result, count(*) AS n
            FROM last_event
            GROUP BY ALL
        ),
        grid AS (
            SELECT DISTINCT l.pipeline, l.stratum, ps.stage, ps.stage_order
            FROM ends AS l JOIN pipe_stages AS ps USING (pipeline)
        ),
        counted AS (
            SELECT l.pipeline, l.stratum, cat.stage,
                   CAST(sum(l.n) AS BIGINT) AS reached,
                   CAST(coalesce(sum(l.n) FILTER (
                       WHERE l.max_order = cat.stage_order AND l.last_result = 'withdrawn'
                   ), 0) AS BIGINT) AS withdrawn,
                   CAST(coalesce(sum(l.n) FILTER (
                       WHERE l.max_order = cat.stage_order AND l.last_result = 'rejected'
                   ), 0) AS BIGINT) AS rejected
            FROM ends AS l
            JOIN pipe_stages AS cat ON cat.pipeline = l.pipeline AND cat.stage_order <= l.max_order
            GROUP BY ALL
        )
        SELECT g.pipeline, g.stratum, g.stage, g.stage_order,
               coalesce(c.reached, 0) AS reached,
               coalesce(c.withdrawn, 0) AS withdrawn,
               coalesce(c.rejected, 0) AS rejected
        FROM grid AS g
        LEFT JOIN counted AS c USING (pipeline, stratum, stage)
        ORDER BY g.pipeline, g.stratum, g.stage_order
        """,
        params,
    ).df()


def open_count(cur: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """Open applications in the filtered cohort (what the default rule leaves out)."""
    where, params = filters.where("a")
    rows = cur.execute(
        f"SELECT count(*) FROM applications AS a WHERE {where} AND a.status = 'open'", params
    ).fetchall()
    return int(rows[0][0])


# ---------------------------------------------------------------------------------------------
# Helpers on small frames
# ---------------------------------------------------------------------------------------------


def _rate(k: int, n: int) -> tuple[float, float, float]:
    """(rate, Wilson low, Wilson high); NaN when n is below the privacy threshold."""
    if n < PRIVACY_THRESHOLD:
        return math.nan, math.nan, math.nan
    ci = stats.proportion_ci(int(k), int(n))
    return k / n, ci.low, ci.high


def _add_rate(frame: pd.DataFrame, name: str, k: str, n: str) -> None:
    values = [_rate(int(a), int(b)) for a, b in zip(frame[k], frame[n], strict=True)]
    arr = np.array(values, dtype=float).reshape(-1, 3)
    frame[name] = arr[:, 0]
    frame[f"{name}_low"] = arr[:, 1]
    frame[f"{name}_high"] = arr[:, 2]


# ---------------------------------------------------------------------------------------------
# 1-2, 7. The funnel per pipeline, pipeline comparison per stage, adjustment
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelResult:
    """``stages``: one row per pipeline x stage with reached, next_reached, pass (pass-through),
    cum (cumulative conversion), withdrawal and rejection shares, each with _low/_high (Wilson),
    and ``suppressed`` (reached below the privacy threshold: rates not shown).

    ``comparison``: one row per stage with a next stage: diff (first minus second pipeline in
    pass-through), low/high (Newcombe), p_value, test, p_adjusted (Holm or BH over stages), clear;
    with ``adjust_by`` also mh_or, mh_low, mh_high, mh_p, crude_or, reversal, strata.
    """

    stages: pd.DataFrame
    comparison: pd.DataFrame
    pipelines: tuple[str, ...]
    include_open: bool
    open_applications: int
    adjust_by: str | None = None
    p_adjust: str = "holm"

    @property
    def total(self) -> int:
        first = self.stages[self.stages.stage_order == self.stages.stage_order.min()]
        return int(first.reached.sum()) if not first.empty else 0


def _funnel_table(counts: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    frame = counts.groupby(["pipeline", "stage", "stage_order"], as_index=False)[
        ["reached", "withdrawn", "rejected"]
    ].sum()
    frame = frame.merge(catalogue[["stage", "label_en", "label_nl"]], on="stage", how="left")
    frame = frame.sort_values(["pipeline", "stage_order"], ignore_index=True)
    frame["next_reached"] = frame.groupby("pipeline").reached.shift(-1)
    frame["first_reached"] = frame.groupby("pipeline").reached.transform("first")
    frame["is_last"] = frame.next_reached.isna()
    frame["next_reached"] = frame.next_reached.fillna(0).astype(np.int64)
    _add_rate(frame, "pass", "next_reached", "reached")
    frame.loc[frame.is_last, ["pass", "pass_low", "pass_high"]] = math.nan
    _add_rate(frame, "cum", "reached", "first_reached")
    _add_rate(frame, "withdrawal", "withdrawn", "reached")
    _add_rate(frame, "rejection", "rejected", "reached")
    frame["suppressed"] = frame.reached < PRIVACY_THRESHOLD
    # A count below the threshold is itself a small group: not shown.
    frame.loc[frame.suppressed, "cum"] = math.nan
    frame.loc[frame.suppressed, ["cum_low", "cum_high"]] = math.nan
    order = {p: i for i, p in enumerate(ordered_pipelines(frame.pipeline))}
    frame["_o"] = frame.pipeline.map(order)
    frame = frame.sort_values(["_o", "stage_order"], ignore_index=True).drop(columns="_o")
    return frame.drop(columns=["first_reached"])


def _compare_stages(
    table: pd.DataFrame,
    strata: pd.DataFrame | None,
    adjust_by: str | None,
    p_adjust: str,
) -> pd.DataFrame:
    first, second = PIPELINES
    rows: list[dict[str, Any]] = []
    for stage, part in table[~table.is_last].groupby("stage", sort=False):
        by = part.set_index("pipeline")
        if first not in by.index or second not in by.index:
            continue
        a, b = by.loc[first], by.loc[second]
        row: dict[str, Any] = {"stage": stage, "stage_order": int(a.stage_order)}
        if a.reached < PRIVACY_THRESHOLD or b.reached < PRIVACY_THRESHOLD:
            row.update(diff=math.nan, low=math.nan, high=math.nan, p_value=math.nan, test="none")
        else:
            cmp = stats.compare_proportions(
                int(a.next_reached), int(a.reached), int(b.next_reached), int(b.reached)
            )
            row.update(
                diff=cmp.diff, low=cmp.ci.low, high=cmp.ci.high, p_value=cmp.p_value, test=cmp.test
            )
        if strata is not None and adjust_by is not None:
            row.update(_mh_stage(strata, str(stage)))
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(
            columns=["stage", "stage_order", "diff", "low", "high", "p_value", "test"]
            + ["p_adjusted", "clear"]
        )
    out["p_adjusted"] = stats.adjust_pvalues(out.p_value.to_numpy(float), p_adjust)
    out["clear"] = out.p_adjusted < CLEAR_ALPHA
    return out.sort_values("stage_order", ignore_index=True)


def _mh_stage(strata: pd.DataFrame, stage: str) -> dict[str, Any]:
    """Mantel-Haenszel odds ratio of passing ``stage`` (first vs second pipeline) over strata."""
    first, second = PIPELINES
    part = strata[strata.stage == stage]
    tables = []
    for _, group in part.groupby("stratum", sort=True):
        by = group.set_index("pipeline")
        if first not in by.index or second not in by.index:
            continue
        k1, n1 = int(by.at[first, "next_reached"]), int(by.at[first, "reached"])
        k2, n2 = int(by.at[second, "next_reached"]), int(by.at[second, "reached"])
        if n1 == 0 or n2 == 0:
            continue
        tables.append([[k1, n1 - k1], [k2, n2 - k2]])
    empty = {
        "mh_or": math.nan,
        "mh_low": math.nan,
        "mh_high": math.nan,
        "mh_p": math.nan,
        "crude_or": math.nan,
        "reversal": False,
        "strata": len(tables),
    }
    if len(tables) < 2:
        return empty
    mh = stats.mantel_haenszel(tables)
    return {
        "mh_or": mh.odds_ratio,
        "mh_low": mh.ci.low,
        "mh_high": mh.ci.high,
        "mh_p": mh.p_value,
        "crude_or": mh.crude_odds_ratio,
        "reversal": bool(mh.reversal),
        "strata": mh.n_strata,
    }


def _with_next(counts: pd.DataFrame) -> pd.DataFrame:
    frame = counts.sort_values(["pipeline", "stratum", "stage_order"], ignore_index=True)
    frame["next_reached"] = (
        frame.groupby(["pipeline", "stratum"]).reached.shift(-1).fillna(0).astype(np.int64)
    )
    return frame


def funnel(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    *,
    include_open: bool = False,
    adjust_by: str | None = None,
    p_adjust: str = "holm",
) -> FunnelResult:
    """The funnel per pipeline and the per-stage pass-through comparison (see module docstring).

    ``adjust_by`` (a filter dimension) adds a Mantel-Haenszel comparison per stage over its groups.
    ``p_adjust`` is "holm" (default) or "bh" for the family of stage comparisons.
    """
    _check_dim(adjust_by)
    catalogue = stage_catalogue(cur)
    counts = stage_counts(cur, filters, include_open=include_open)
    table = _funnel_table(counts, catalogue)
    strata = None
    if adjust_by is not None:
        strata = _with_next(
            stage_counts(cur, filters, include_open=include_open, stratum=adjust_by)
        )
    comparison = _compare_stages(table, strata, adjust_by, p_adjust)
    return FunnelResult(
        stages=table,
        comparison=comparison,
        pipelines=ordered_pipelines(table.pipeline),
        include_open=include_open,
        open_applications=open_count(cur, filters),
        adjust_by=adjust_by,
        p_adjust=p_adjust,
    )


def withdrawal_reasons(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, include_open: bool = False
) -> pd.DataFrame:
    """Withdrawals per reason per pipeline: pipeline, reason, n, withdrawals (all reasons of that
    pipeline), share with Wilson low/high. Counted on each application's withdrawal event."""
    sql, params = _cohort_sql(filters, include_open, derived=_derived(cur))
    frame = cur.execute(
        f"""
        WITH {sql}
        SELECT pipeline, coalesce(withdrawal_reason, '(missing)') AS reason,
               count(DISTINCT application_id) AS n
        FROM ev
        WHERE result = 'withdrawn'
        GROUP BY ALL
        ORDER BY pipeline, n DESC, reason
        """,
        params,
    ).df()
    frame["withdrawals"] = frame.groupby("pipeline").n.transform("sum")
    _add_rate(frame, "share", "n", "withdrawals")
    return frame


# ---------------------------------------------------------------------------------------------
# 3. Steps before the first human contact
# ---------------------------------------------------------------------------------------------


def first_human_contact(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, include_open: bool = False
) -> pd.DataFrame:
    """Per ``first_human_step`` (1, 2, 3, ..., NULL = never): withdrawal rate (withdrawn /
    applications) and offer acceptance (accepted / decided offers), each with a Wilson interval.

    Columns: step (nullable Int64), applications, withdrawn, withdrawal(+_low/_high),
    offers_decided, accepted, acceptance(+_low/_high). The NULL row comes last.
    """
    sql, params = _cohort_sql(filters, include_open, derived=_derived(cur))
    frame = cur.execute(
        f"""
        WITH {sql}
        SELECT c.first_human_step AS step,
               count(*) AS applications,
               count(*) FILTER (WHERE c.status = 'withdrawn') AS withdrawn,
               count(o.accepted) AS offers_decided,
               count(*) FILTER (WHERE o.accepted) AS accepted
        FROM cohort AS c
        LEFT JOIN offers AS o ON o.application_id = c.application_id
        GROUP BY ALL
        ORDER BY step NULLS LAST
        """,
        params,
    ).df()
    frame["step"] = frame.step.astype("Int64")
    _add_rate(frame, "withdrawal", "withdrawn", "applications")
    _add_rate(frame, "acceptance", "accepted", "offers_decided")
    return frame


# ---------------------------------------------------------------------------------------------
# 4. Touchpoint formats
# ---------------------------------------------------------------------------------------------


def touchpoint_formats(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, include_open: bool = False
) -> pd.DataFrame:
    """Per stage x format x touchpoint: applications entering, completion (not withdrawn) and pass
    rate (advanced among decided, i.e. not pending), with Wilson intervals. The last stage (hired:
    nothing to complete) is left out, and so are rows with fewer than the privacy threshold
    entering.
    """
    sql, params = _cohort_sql(filters, include_open, derived=_derived(cur))
    frame = cur.execute(
        f"""
        WITH {sql}
        SELECT stage, min(stage_order) AS stage_order,
               coalesce(format, '(missing)') AS format,
               coalesce(touchpoint, '(missing)') AS touchpoint,
               count(*) AS entering,
               count(*) FILTER (WHERE result <> 'withdrawn') AS completed,
               count(*) FILTER (WHERE result <> 'pending') AS decided,
               count(*) FILTER (WHERE result = 'advanced') AS advanced
        FROM ev
        WHERE stage_order < (SELECT max(stage_order) FROM cat)
        GROUP BY stage, format, touchpoint
        HAVING count(*) >= $min_n
        ORDER BY stage_order, entering DESC, format
        """,
        {**params, "min_n": PRIVACY_THRESHOLD},
    ).df()
    _add_rate(frame, "completion", "completed", "entering")
    _add_rate(frame, "pass", "advanced", "decided")
    return frame


# ---------------------------------------------------------------------------------------------
# 5. Time in stage, time to offer
# ---------------------------------------------------------------------------------------------


def stage_duration_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, include_open: bool = False
) -> pd.DataFrame:
    """(pipeline, stage, stage_order, days, n): days in stage of exited events."""
    sql, params = _cohort_sql(filters, include_open, derived=_derived(cur))
    return cur.execute(
        f"""
        WITH {sql}
        SELECT pipeline, stage, stage_order,
               date_diff('day', entered_on, exited_on) AS days, count(*) AS n
        FROM ev
        WHERE exited_on IS NOT NULL AND exited_on >= entered_on
        GROUP BY ALL
        ORDER BY ALL
        """,
        params,
    ).df()


def stage_times(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, include_open: bool = False
) -> pd.DataFrame:
    """Median days in each stage by pipeline: pipeline, stage, stage_order, n, median, q1, q3,
    low, high (Price-Bonett interval of the median). Groups below the threshold are dropped."""
    counts = stage_duration_counts(cur, filters, include_open=include_open)
    rows = []
    for (pipe, stage, order), part in counts.groupby(
        ["pipeline", "stage", "stage_order"], sort=False
    ):
        total = int(part.n.sum())
        if total < PRIVACY_THRESHOLD:
            continue
        s = grouped_stats.median_summary(part.days.to_numpy(float), part.n.to_numpy(np.int64))
        if s is None:
            continue
        rows.append(
            {
                "pipeline": pipe,
                "stage": stage,
                "stage_order": int(order),
                "n": total,
                "median": s.median,
                "q1": s.q1,
                "q3": s.q3,
                "low": s.ci.low,
                "high": s.ci.high,
            }
        )
    cols = ["pipeline", "stage", "stage_order", "n", "median", "q1", "q3", "low", "high"]
    frame = pd.DataFrame(rows, columns=cols)
    order_map = {p: i for i, p in enumerate(ordered_pipelines(frame.pipeline))}
    frame["_o"] = frame.pipeline.map(order_map)
    return frame.sort_values(["_o", "stage_order"], ignore_index=True).drop(columns="_o")


def time_to_offer_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date
) -> pd.DataFrame:
    """(pipeline, days, events, censored) for the time from application to offer.

    Offer -> event at offered_on. No offer (open or closed) -> censored at ``as_of``: a closed
    application without an offer stays at risk to the end of follow-up (competing event, see the
    module docstring).
    Open applications are always included (censoring handles them).
    """
    sql, params = _cohort_sql(filters, include_open=True, derived=_derived(cur))
    return cur.execute(
        f"""
        WITH {sql},
        per_app AS (
            SELECT c.pipeline,
                   CASE
                       WHEN o.offered_on IS NOT NULL THEN o.offered_on
                       ELSE $as_of
                   END AS end_on,
                   c.applied_on,
                   o.offered_on IS NOT NULL AS got_offer
            FROM cohort AS c
            LEFT JOIN offers AS o ON o.application_id = c.application_id
        )
        SELECT pipeline,
               greatest(date_diff('day', applied_on, end_on), 0) AS days,
               count(*) FILTER (WHERE got_offer) AS events,
               count(*) FILTER (WHERE NOT got_offer) AS censored
        FROM per_app
        GROUP BY ALL
        ORDER BY ALL
        """,
        {**params, "as_of": as_of},
    ).df()


@dataclass(frozen=True)
class TimeToOffer:
    """Kaplan-Meier curves of "no offer yet" per pipeline (columns of grouped_stats.km_curve plus
    pipeline and ``offered`` = 1 - survival), the log-rank test and the n per pipeline."""

    curves: pd.DataFrame
    n: dict[str, int]
    offers: dict[str, int]
    median_days: dict[str, float]
    logrank_p: float
    logrank_chi2: float


def logrank_counts(groups: dict[str, pd.DataFrame]) -> tuple[float, float]:
    """k-sample log-rank chi-square and p-value from grouped counts {group: (days, events,
    censored)}: the formula of ``stats._logrank_k_sample`` (Mantel 1966; Kalbfleisch & Prentice
    2002, section 7.3) evaluated on the distinct days, vectorised, instead of on one duration per
    application (which took ~0.1 s per million applications). Censored at t are at risk at t.
    Checked against ``stats.logrank`` (scipy for two groups) in tests/analytics/test_bench.py.
    """
    names = list(groups)
    times = np.unique(np.concatenate([g.days.to_numpy(float) for g in groups.values()]))
    k, m = len(names), times.size
    deaths = np.zeros((k, m))
    leaving = np.zeros((k, m))
    for i, name in enumerate(names):
        g = groups[name]
        idx = np.searchsorted(times, g.days.to_numpy(float))
        np.add.at(deaths[i], idx, g.events.to_numpy(float))
        np.add.at(leaving[i], idx, (g.events + g.censored).to_numpy(float))
    # At risk at t: everyone whose time is >= t (reverse cumulative sum of those leaving).
    at_risk = np.cumsum(leaving[:, ::-1], axis=1)[:, ::-1]
    n_j = at_risk.sum(axis=0)
    d_j = deaths.sum(axis=0)
    use = d_j > 0
    at_risk, deaths, n_j, d_j = at_risk[:, use], deaths[:, use], n_j[use], d_j[use]
    if d_j.sum() == 0:
        return math.nan, math.nan
    share = at_risk / n_j
    diff = (deaths - d_j * share).sum(axis=1)[: k - 1]
    scale = np.where(n_j > 1, d_j * (n_j - d_j) / np.maximum(n_j - 1, 1), 0.0)
    cov = np.einsum("j,gj->g", scale, share)[:, None] * np.eye(k) - np.einsum(
        "j,gj,hj->gh", scale, share, share
    )
    sub = cov[: k - 1, : k - 1]
    if not sub.any():
        return math.nan, math.nan
    chi2 = float(diff @ np.linalg.pinv(sub) @ diff)
    return chi2, float(sps.chi2.sf(chi2, k - 1))


def time_to_offer(cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date) -> TimeToOffer:
    counts = time_to_offer_counts(cur, filters, as_of)
    curves, n, offers, medians = [], {}, {}, {}
    groups: dict[str, pd.DataFrame] = {}
    for pipe in ordered_pipelines(counts.pipeline):
        part = counts[counts.pipeline == pipe]
        total = int(part.events.sum() + part.censored.sum())
        if total < PRIVACY_THRESHOLD:
            continue
        curve = grouped_stats.km_curve(
            part.days.to_numpy(), part.events.to_numpy(), part.censored.to_numpy()
        )
        curve.insert(0, "pipeline", pipe)
        curve["offered"] = 1 - curve.survival
        curves.append(curve)
        n[pipe], offers[pipe] = total, int(part.events.sum())
        below = curve[curve.survival <= 0.5]
        medians[pipe] = float(below.time.iloc[0]) if not below.empty else math.nan
        groups[pipe] = part
    p_value = chi2 = math.nan
    if len(groups) >= 2:
        chi2, p_value = logrank_counts(groups)
    frame = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame()
    return TimeToOffer(frame, n, offers, medians, p_value, chi2)


# ---------------------------------------------------------------------------------------------
# 6. Breakdown by a filter dimension
# ---------------------------------------------------------------------------------------------

BREAKDOWN_TARGETS = ("offer", "hired")


def breakdown(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    dim: str,
    *,
    target: str = "offer",
    include_open: bool = False,
) -> pd.DataFrame:
    """Pass-through to ``target`` (offer, or hired) per group of ``dim`` per pipeline.

    Columns: group, pipeline, n (reached the first stage), k (reached the target stage, ever-
    reached), rate with Wilson low/high, suppressed; groups with n below the privacy threshold are
    suppressed (rate and counts not shown). Plus, per group, diff/diff_low/diff_high (Newcombe)
    when both pipelines are shown.
    """
    _check_dim(dim)
    if target not in BREAKDOWN_TARGETS:
        raise ValueError(f"target must be one of {BREAKDOWN_TARGETS}, not {target!r}")
    counts = stage_counts(cur, filters, include_open=include_open, stratum=dim)
    cols = ["group", "pipeline", "n", "k", "rate", "rate_low", "rate_high", "suppressed"]
    if counts.empty:
        return pd.DataFrame(columns=[*cols, "diff", "diff_low", "diff_high"])
    orders = counts.drop_duplicates("stage").set_index("stage").stage_order
    target_order = int(orders.get(target, orders.max()))
    first_order = int(orders.min())
    rows = []
    for (group, pipe), part in counts.groupby(["stratum", "pipeline"], sort=True):
        n = int(part.loc[part.stage_order == first_order, "reached"].sum())
        k = int(part.loc[part.stage_order == target_order, "reached"].sum())
        rate, low, high = _rate(k, n)
        small = n < PRIVACY_THRESHOLD
        rows.append(
            {
                "group": group,
                "pipeline": pipe,
                "n": pd.NA if small else n,
                "k": pd.NA if small else k,
                "rate": rate,
                "rate_low": low,
                "rate_high": high,
                "suppressed": small,
                "_k": k,
                "_n": n,
            }
        )
    frame = pd.DataFrame(rows)
    first, second = PIPELINES
    diffs = {}
    for group, part in frame.groupby("group"):
        by = part.set_index("pipeline")
        if first in by.index and second in by.index:
            a, b = by.loc[first], by.loc[second]
            if not (a.suppressed or b.suppressed):
                cmp = stats.compare_proportions(int(a._k), int(a._n), int(b._k), int(b._n))
                diffs[group] = (cmp.diff, cmp.ci.low, cmp.ci.high)
    frame["diff"] = frame.group.map(lambda g: diffs.get(g, (math.nan,) * 3)[0])
    frame["diff_low"] = frame.group.map(lambda g: diffs.get(g, (math.nan,) * 3)[1])
    frame["diff_high"] = frame.group.map(lambda g: diffs.get(g, (math.nan,) * 3)[2])
    frame["n"] = frame.n.astype("Int64")
    frame["k"] = frame.k.astype("Int64")
    order_map = {p: i for i, p in enumerate(ordered_pipelines(frame.pipeline))}
    frame["_o"] = frame.pipeline.map(order_map)
    frame = frame.sort_values(["group", "_o"], ignore_index=True)
    return frame.drop(columns=["_o", "_k", "_n"])


# ---------------------------------------------------------------------------------------------
# Tables for display and CSV export (small groups already suppressed)
# ---------------------------------------------------------------------------------------------


def _pct(x: float) -> float | None:
    return round(100 * x, 2) if x is not None and math.isfinite(x) else None


def _ci_text(low: float, high: float) -> str | None:
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return None
    return f"{100 * low:.1f} – {100 * high:.1f}"


def stages_table(result: FunnelResult, lang: str = "en") -> pd.DataFrame:
    """The funnel per pipeline and stage, rates in per cent; counts of groups below the privacy
    threshold are not shown."""
    from analytics.i18n import label, t  # local: i18n is presentation, kept out of the math

    col = "label_nl" if lang == "nl" else "label_en"
    rows = []
    for r in result.stages.to_dict("records"):
        small = bool(r["suppressed"])
        ci = t("funnel.col.ci", lang)
        rows.append(
            {
                t("funnel.col.stage", lang): r[col] if isinstance(r[col], str) else r["stage"],
                t("funnel.col.pipeline", lang): label("pipeline", r["pipeline"], lang),
                t("funnel.col.reached", lang): None if small else int(r["reached"]),
                t("funnel.col.pass", lang) + " %": _pct(r["pass"]),
                f"{t('funnel.col.pass', lang)} {ci}": _ci_text(r["pass_low"], r["pass_high"]),
                t("funnel.col.cum", lang) + " %": _pct(r["cum"]),
                f"{t('funnel.col.cum', lang)} {ci}": _ci_text(r["cum_low"], r["cum_high"]),
                t("funnel.col.withdrawal", lang) + " %": _pct(r["withdrawal"]),
                f"{t('funnel.col.withdrawal', lang)} {ci}": _ci_text(
                    r["withdrawal_low"], r["withdrawal_high"]
                ),
                t("funnel.col.rejection", lang) + " %": _pct(r["rejection"]),
                f"{t('funnel.col.rejection', lang)} {ci}": _ci_text(
                    r["rejection_low"], r["rejection_high"]
                ),
            }
        )
    frame = pd.DataFrame(rows)
    reached = t("funnel.col.reached", lang)
    if reached in frame:
        frame[reached] = frame[reached].astype("Int64")
    return frame


def comparison_table(result: FunnelResult, lang: str = "en") -> pd.DataFrame:
    """Per stage: the pass-through difference (first minus second pipeline), its interval, the
    p-value, the adjusted p-value, whether it is clear; the Mantel-Haenszel columns if adjusted."""
    from analytics.i18n import t

    labels = result.stages.drop_duplicates("stage").set_index("stage")
    col = "label_nl" if lang == "nl" else "label_en"
    rows = []
    for r in result.comparison.to_dict("records"):
        row: dict[str, Any] = {
            t("funnel.col.stage", lang): labels.at[r["stage"], col],
            t("funnel.col.diff", lang): _pct(r["diff"]),
            t("funnel.col.ci", lang): _ci_text(r["low"], r["high"]),
            t("funnel.col.p", lang): r["p_value"],
            t("funnel.col.p_adj", lang): r["p_adjusted"],
            t("funnel.col.clear", lang): bool(r["clear"]),
        }
        if result.adjust_by is not None and "mh_or" in r:
            mh_ok = math.isfinite(r["mh_low"]) and math.isfinite(r["mh_high"])
            row[t("funnel.col.mh_or", lang)] = (
                round(r["mh_or"], 3) if math.isfinite(r["mh_or"]) else None
            )
            row[f"{t('funnel.col.mh_or', lang)} {t('funnel.col.ci', lang)}"] = (
                f"{r['mh_low']:.2f} – {r['mh_high']:.2f}" if mh_ok else None
            )
            row[t("funnel.col.crude_or", lang)] = (
                round(r["crude_or"], 3) if math.isfinite(r["crude_or"]) else None
            )
            row[t("funnel.col.reversal", lang)] = bool(r["reversal"])
        rows.append(row)
    return pd.DataFrame(rows)
