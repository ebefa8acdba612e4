"""Who gets through, by group: pass-through to offer (or hire) per group of a filter dimension
and pipeline, with the pipeline difference per group."""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from analytics import stats
from analytics.domain import PIPELINES, PRIVACY_THRESHOLD, Filters, ordered_pipelines
from analytics.metrics.funnel.cohort import _check_dim, _rate, stage_counts

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
