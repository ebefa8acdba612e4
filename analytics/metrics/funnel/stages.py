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
"""The level of every verdict on the funnel: a stage's own p below it ("clear at this stage"),
and the multiplicity-corrected p below it ("clear after Holm across the stages")."""


@dataclass(frozen=True)
class OverallWithdrawal:
    """Candidate withdrawal anywhere in the funnel: per pipeline (withdrawn anywhere,
    applications at the first stage), and the first minus the second pipeline's share
    (``stats.compare_proportions``: Miettinen-Nurminen interval with its score test);
    ``comparison`` is None when a pipeline is missing or below the privacy threshold."""

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

    ``comparison``: one row per stage with a next stage, two kinds of verdict, each beside the
    numbers it comes from (so no row's verdict can contradict the p and interval shown in it):

    - per stage, unadjusted for multiplicity: diff (first minus second pipeline in
      pass-through), low/high (Miettinen-Nurminen), p_value (its score test), test, clear_stage
      (p_value < 0.05, exactly when low/high exclude 0); with ``adjust_by`` also adj_diff,
      adj_low, adj_high, adj_p (Mantel-Haenszel risk difference, Sato variance, one Wald
      statistic), adj_clear (adj_p < 0.05), homogeneity_p (Cochran's Q), change, reversal, strata;
    - across the family of stages: answer_diff/answer_low/answer_high/answer_p (the adjusted
      comparison when the reader adjusted and it is estimable, else the crude one;
      ``answer_adjusted`` says which), p_adjusted (Holm, or BH, of answer_p over the stages
      with a finite answer_p) and clear (p_adjusted < 0.05: "clear after Holm across the
      :attr:`family_size` stages").

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
    def family_size(self) -> int:
        """The number of stage comparisons in the multiple-testing family (finite answer_p)."""
        if self.comparison.empty or "answer_p" not in self.comparison:
            return 0
        return int(np.isfinite(self.comparison.answer_p.to_numpy(float)).sum())

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
        small = a.reached < PRIVACY_THRESHOLD or b.reached < PRIVACY_THRESHOLD
        if small:
            row.update(diff=math.nan, low=math.nan, high=math.nan, p_value=math.nan, test="none")
        else:
            cmp = stats.compare_proportions(
                int(a.next_reached), int(a.reached), int(b.next_reached), int(b.reached)
            )
            row.update(
                diff=cmp.diff, low=cmp.ci.low, high=cmp.ci.high, p_value=cmp.p_value, test=cmp.test
            )
        if strata is not None and adjust_by is not None:
            # A pipeline below the privacy threshold at this stage: no adjusted number either.
            row.update(_mh_stage(strata if not small else strata.iloc[:0], str(stage)))
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=list(_COMPARISON_COLUMNS))
    out["clear_stage"] = out.p_value.astype(float) < CLEAR_ALPHA
    adjusted = "adj_p" in out
    if adjusted:
        out["adj_clear"] = out.adj_p.astype(float) < CLEAR_ALPHA
    # The family is the stages, and its members are the answers the page leads with: the
    # adjusted comparison where the reader adjusted and it is estimable, else the crude one
    # (as MetricResult.answer does for the Overview).
    use_adj = out.adj_p.astype(float).map(math.isfinite) if adjusted else False
    for col, crude, adj in (
        ("answer_diff", "diff", "adj_diff"),
        ("answer_low", "low", "adj_low"),
        ("answer_high", "high", "adj_high"),
        ("answer_p", "p_value", "adj_p"),
    ):
        out[col] = out[adj].where(use_adj, out[crude]) if adjusted else out[crude]
    out["answer_adjusted"] = use_adj if adjusted else False
    out["p_adjusted"] = stats.adjust_pvalues(out.answer_p.to_numpy(float), p_adjust)
    out["clear"] = out.p_adjusted < CLEAR_ALPHA
    return out.sort_values("stage_order", ignore_index=True)


_COMPARISON_COLUMNS = (
    "stage", "stage_order", "diff", "low", "high", "p_value", "test", "clear_stage",
    "answer_diff", "answer_low", "answer_high", "answer_p", "answer_adjusted", "p_adjusted",
    "clear",
)  # fmt: skip


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
