"""Where candidates are lost: the funnel per pipeline (pass-through, cumulative conversion,
withdrawal and rejection per stage) and the per-stage comparison of the two pipelines, crude and
Mantel-Haenszel-adjusted, with Holm or Benjamini-Hochberg over the family of stage comparisons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics import stats
from analytics.domain import PIPELINES, PRIVACY_THRESHOLD, Filters, ordered_pipelines
from analytics.metrics.funnel.cohort import (
    _add_rate,
    _check_dim,
    open_count,
    stage_catalogue,
    stage_counts,
)

CLEAR_ALPHA = 0.05
"""Adjusted p-values below this mark a stage as a clear difference."""


@dataclass(frozen=True)
class OverallWithdrawal:
    """Candidate withdrawal anywhere in the funnel: per pipeline (withdrawn anywhere,
    applications at the first stage), and the first minus the second pipeline's share
    (``stats.compare_proportions``: Newcombe interval with its test); ``comparison`` is None when
    a pipeline is missing or below the privacy threshold."""

    counts: dict[str, tuple[int, int]]
    comparison: stats.ProportionComparison | None = None


def overall_withdrawal(table: pd.DataFrame) -> OverallWithdrawal:
    """The headline drop-off of a funnel table (see :class:`OverallWithdrawal`)."""
    counts = {}
    for pipe, part in table.groupby("pipeline"):
        part = part.sort_values("stage_order")
        counts[str(pipe)] = (int(part.withdrawn.sum()), int(part.reached.iloc[0]))
    first, second = PIPELINES
    if first not in counts or second not in counts:
        return OverallWithdrawal(counts)
    (k1, n1), (k2, n2) = counts[first], counts[second]
    if min(n1, n2) < PRIVACY_THRESHOLD:
        return OverallWithdrawal(counts)
    return OverallWithdrawal(counts, stats.compare_proportions(k1, n1, k2, n2))


@dataclass(frozen=True)
class FunnelResult:
    """``stages``: one row per pipeline x stage with reached, next_reached, pass (pass-through),
    cum (cumulative conversion), withdrawal and rejection shares, each with _low/_high (Wilson),
    and ``suppressed`` (reached below the privacy threshold: rates not shown).

    ``comparison``: one row per stage with a next stage: diff (first minus second pipeline in
    pass-through), low/high (Newcombe), p_value, test, p_adjusted (Holm or BH over stages), clear;
    with ``adjust_by`` also adj_diff, adj_low, adj_high, adj_p (Mantel-Haenszel risk difference
    in pass-through, Sato variance), homogeneity_p (Cochran's Q), change, reversal, strata.

    ``withdrawal``: withdrawal anywhere per pipeline and its comparison (the headline drop-off).
    """

    stages: pd.DataFrame
    comparison: pd.DataFrame
    pipelines: tuple[str, ...]
    include_open: bool
    open_applications: int
    adjust_by: str | None = None
    p_adjust: str = "holm"
    withdrawal: OverallWithdrawal | None = None

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
    """Adjusted pass-through difference at ``stage`` (first minus second pipeline): the
    Mantel-Haenszel risk difference over strata with its homogeneity test
    (``stats.mh_risk_difference``); only pooled numbers leave, so small strata are never shown."""
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
        "adj_diff": math.nan,
        "adj_low": math.nan,
        "adj_high": math.nan,
        "adj_p": math.nan,
        "homogeneity_p": math.nan,
        "change": "same",
        "reversal": False,
        "strata": len(tables),
    }
    if len(tables) < 2:
        return empty
    rd = stats.mh_risk_difference(tables)
    return {
        "adj_diff": rd.diff,
        "adj_low": rd.ci.low,
        "adj_high": rd.ci.high,
        "adj_p": rd.p_value,
        "homogeneity_p": rd.homogeneity_p,
        "change": rd.change,
        "reversal": rd.change == "reversal",
        "strata": rd.n_strata,
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
        withdrawal=overall_withdrawal(table),
    )
