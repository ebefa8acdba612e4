"""Fairness and confounding: adverse impact per step and group, career switchers, and a general
two-group comparison (crude vs Mantel-Haenszel).

Definitions (shown in the page's help text):

- A **step** is a stage at one touchpoint (e.g. the first screen done by an AI CV screen is an
  automated step, the first screen done by a recruiter call a human step).
- **Applicants at a step** = applications with a company decision there (result ``advanced`` or
  ``rejected``); candidate withdrawals and pending decisions are left out, because the question is
  what the screen (the tool or the people) decided. **Selected** = ``advanced``. Steps where
  nobody was ever rejected (offer, hired) are not selection steps and are left out.
- **Selection rate** = selected / applicants, with a 95% Wilson interval.
- **Impact ratio** = a group's selection rate / the rate of the most-selected group at that step
  (NYC Local Law 144 bias-audit rule, 6 RCNY 5-300), with the Katz log interval of the risk ratio;
  below 0.8 is flagged (four-fifths rule, EEOC Uniform Guidelines 29 CFR 1607.4(D)).
- **Test**: Fisher's exact test (two-sided) of each group against the most-selected group (or,
  as an option, against all other groups together), Holm-adjusted across every group and step
  shown in one table.
- Groups below ``PRIVACY_THRESHOLD`` applicants at a step are suppressed (no counts or rates
  leave this module) and never serve as the reference group. Applications without a value in the
  group column are counted per step and reported, not assigned to a group.

All counting happens in DuckDB (group x step); the statistics run on the small result frame.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import duckdb
import numpy as np
import pandas as pd
from scipy import stats as sps

from analytics import stats
from analytics.domain import PRIVACY_THRESHOLD, AivshiError, Filters
from analytics.metrics.common import DEFAULT_RAMP_TARGET, scale_rating
from analytics.stats import Interval
from analytics.stats.means import welch

# Categorical columns of ``applications`` a fairness view may group by (a fixed list: column
# names go into SQL as identifiers, so they only ever come from here).
GROUP_COLUMNS = (
    "gender",
    "age_band",
    "career_switcher",
    "region",
    "source",
    "role_family",
    "seniority",
    "pipeline",
)
FOUR_FIFTHS = 0.8
ALPHA = 0.05
SEPARATOR = " × "
Comparison = Literal["best", "rest"]
COMPARISONS: tuple[Comparison, ...] = ("best", "rest")
RETENTION_DAYS = 365
_NAN = Interval(math.nan, math.nan)


class FairnessError(AivshiError, ValueError):
    """Bad input to a fairness view (unknown column, unreadable outcome): the message says why."""


def natural_key(value: object) -> tuple[int, float, str]:
    """Sort "<30", "30-39", "50+" by their numbers (bands below a bound first), text after."""
    text = str(value)
    digits = re.match(r"\D*?(\d+(?:\.\d+)?)", text) if text[:1] in "<>0123456789" else None
    if digits is None:
        return (2, 0.0, text)
    return (0 if text.startswith("<") else 1, float(digits.group(1)), text)


def group_sort_key(group: object) -> tuple:
    """Groups in a natural order (intersections part by part); missing last."""
    if group is None or (isinstance(group, float) and math.isnan(group)):
        return ((3, 0.0, ""),)
    return tuple(natural_key(part) for part in str(group).split(SEPARATOR))


_fin = stats.finite


# ---------------------------------------------------------------------------------------------
# Counting (SQL)
# ---------------------------------------------------------------------------------------------


def available_columns(cur: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The group columns present in ``applications`` with at least one value, in a fixed order."""
    present = {
        r[0]
        for r in cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'applications'"
        ).fetchall()
    }
    out = []
    for col in GROUP_COLUMNS:
        if col not in present:
            continue
        n = cur.execute(f'SELECT count("{col}") FROM applications').fetchall()[0][0]
        if n:
            out.append(col)
    return tuple(out)


def _check_columns(columns: Sequence[str]) -> tuple[str, ...]:
    cols = tuple(columns)
    if not 1 <= len(cols) <= 2:
        raise FairnessError("Choose one group column, or two for the intersectional view.")
    for col in cols:
        if col not in GROUP_COLUMNS:
            raise FairnessError(f"Unknown group column {col!r}; choose one of {GROUP_COLUMNS}.")
    if len(cols) == 2 and cols[0] == cols[1]:
        raise FairnessError("Choose two different columns for the intersectional view.")
    return cols


def step_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, columns: Sequence[str]
) -> pd.DataFrame:
    """Applicants and selected per step (stage x touchpoint) and group, counted in SQL.

    Columns: stage, stage_order, touchpoint, label_en, label_nl, group (text; None when a group
    column is missing for the application), applicants, selected. With two columns the group is
    ``"value1 × value2"`` and is missing when either value is. Steps nobody was rejected at are
    dropped (not selection steps).
    """
    cols = _check_columns(columns)
    where, params = filters.where("a")
    parts = [f'CAST(a."{c}" AS VARCHAR)' for c in cols]
    if len(parts) == 1:
        group_sql = parts[0]
    else:
        group_sql = (
            f"CASE WHEN {parts[0]} IS NULL OR {parts[1]} IS NULL THEN NULL "
            f"ELSE {parts[0]} || '{SEPARATOR}' || {parts[1]} END"
        )
    frame = cur.execute(
        f"""
        WITH decided AS (
            SELECT e.stage,
                   e.stage_order,
                   coalesce(e.touchpoint, 'unknown') AS touchpoint,
                   {group_sql} AS grp,
                   e.result
            FROM stage_events AS e
            JOIN applications AS a ON a.application_id = e.application_id
            WHERE {where}
              AND e.result IN ('advanced', 'rejected')
        ),
        steps AS (
            SELECT stage, touchpoint
            FROM decided
            GROUP BY ALL
            HAVING count(*) FILTER (WHERE result = 'rejected') > 0
        )
        SELECT d.stage,
               min(d.stage_order) AS stage_order,
               d.touchpoint,
               coalesce(any_value(s.label_en), d.stage) AS label_en,
               coalesce(any_value(s.label_nl), d.stage) AS label_nl,
               d.grp AS "group",
               count(*) AS applicants,
               count(*) FILTER (WHERE d.result = 'advanced') AS selected
        FROM decided AS d
        JOIN steps USING (stage, touchpoint)
        LEFT JOIN stages AS s ON s.stage = d.stage
        GROUP BY d.stage, d.touchpoint, d.grp
        ORDER BY stage_order, d.touchpoint, d.grp NULLS LAST
        """,
        params,
    ).df()
    frame["applicants"] = frame["applicants"].astype(int)
    frame["selected"] = frame["selected"].astype(int)
    frame["group"] = frame["group"].astype(object).where(frame["group"].notna(), None)
    frame["_key"] = [group_sort_key(g) for g in frame["group"]]
    frame = frame.sort_values(["stage_order", "touchpoint", "_key"], kind="stable")
    return frame.drop(columns="_key").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Adverse impact (stats on the small frame)
# ---------------------------------------------------------------------------------------------

AI_COLUMNS = [
    "stage",
    "stage_order",
    "touchpoint",
    "label_en",
    "label_nl",
    "group",
    "applicants",
    "selected",
    "rate",
    "rate_low",
    "rate_high",
    "impact_ratio",
    "ir_low",
    "ir_high",
    "four_fifths",
    "reference",
    "p_value",
    "p_adjusted",
    "finding",
    "suppressed",
]


def _fisher(a: int, b: int, c: int, d: int) -> float:
    if min(a + b, c + d, a + c, b + d) == 0:
        return math.nan
    return float(sps.fisher_exact(np.array([[a, b], [c, d]], dtype=np.int64)).pvalue)


def _step_rows(step: pd.DataFrame, comparison: Comparison) -> list[dict]:
    """One dict per group of one step: rates, impact ratio vs the most-selected group, Fisher."""
    known = step[step["group"].notna()]
    shown = known[known.applicants >= PRIVACY_THRESHOLD]
    rates = shown.selected / shown.applicants
    ref = None
    if len(shown):
        # Most-selected group; ties go to the larger group (a steadier reference).
        order = pd.DataFrame({"rate": rates, "n": shown.applicants}).sort_values(
            ["rate", "n"], ascending=False
        )
        ref = shown.loc[order.index[0]]
    total_n = int(known.applicants.sum())
    total_k = int(known.selected.sum())
    rows = []
    first = step.iloc[0]
    for r in known.itertuples():
        n, k = int(r.applicants), int(r.selected)
        base = {
            "stage": first.stage,
            "stage_order": int(first.stage_order),
            "touchpoint": first.touchpoint,
            "label_en": first.label_en,
            "label_nl": first.label_nl,
            "group": r.group,
        }
        if n < PRIVACY_THRESHOLD or ref is None:
            rows.append({**base, "suppressed": n < PRIVACY_THRESHOLD, "finding": "too_few"})
            if n >= PRIVACY_THRESHOLD:  # pragma: no cover - ref exists whenever a row is shown
                rows[-1].update(applicants=n, selected=k)
            continue
        ci = stats.proportion_ci(k, n)
        ref_n, ref_k = int(ref.applicants), int(ref.selected)
        is_ref = r.group == ref["group"]
        ref_rate = ref_k / ref_n
        if is_ref:
            ir, ir_ci = 1.0, Interval(1.0, 1.0)
        elif ref_rate > 0:
            cmp_ = stats.compare_proportions(k, n, ref_k, ref_n)
            ir, ir_ci = k / n / ref_rate, cmp_.risk_ratio_ci
        else:
            ir, ir_ci = math.nan, _NAN
        if comparison == "rest":
            rest_n, rest_k = total_n - n, total_k - k
            p = _fisher(k, n - k, rest_k, rest_n - rest_k) if rest_n > 0 else math.nan
        else:
            p = math.nan if is_ref else _fisher(k, n - k, ref_k, ref_n - ref_k)
        rows.append(
            {
                **base,
                "applicants": n,
                "selected": k,
                "rate": k / n,
                "rate_low": ci.low,
                "rate_high": ci.high,
                "impact_ratio": ir,
                "ir_low": ir_ci.low,
                "ir_high": ir_ci.high,
                "four_fifths": bool(_fin(ir) and ir < FOUR_FIFTHS),
                "reference": bool(is_ref),
                "p_value": p,
                "suppressed": False,
            }
        )
    return rows


def adverse_impact(
    counts: pd.DataFrame,
    *,
    comparison: Comparison = "best",
    adjust: stats.AdjustMethod = "holm",
) -> pd.DataFrame:
    """The bias-audit table from :func:`step_counts`: one row per step and known group.

    ``comparison``: "best" tests each group against the most-selected group (the reference has no
    p-value), "rest" tests each group against all other groups of the step together. P-values are
    adjusted (Holm by default) across every row of the table. ``finding`` is "clear_difference"
    (adjusted p < 0.05), "no_clear_difference", "reference" or "too_few". Suppressed rows carry
    no counts or rates.
    """
    if comparison not in COMPARISONS:
        raise FairnessError(f"comparison must be one of {COMPARISONS}, got {comparison!r}")
    rows: list[dict] = []
    if not counts.empty:
        for _, step in counts.groupby(["stage_order", "stage", "touchpoint"], sort=True):
            rows.extend(_step_rows(step, comparison))
    out = pd.DataFrame(rows, columns=AI_COLUMNS)
    if out.empty:
        return out
    out["p_adjusted"] = stats.adjust_pvalues(out["p_value"].astype(float).to_numpy(), adjust)
    findings = []
    for r in out.itertuples():
        if r.suppressed or not _fin(r.rate):
            findings.append("too_few")
        elif _fin(r.p_adjusted):
            findings.append("clear_difference" if r.p_adjusted < ALPHA else "no_clear_difference")
        elif r.reference:
            findings.append("reference")
        else:
            findings.append("too_few")
    out["finding"] = findings
    out["suppressed"] = out["suppressed"].astype(bool)
    for col in ("reference", "four_fifths"):  # NaN for suppressed rows -> False
        out[col] = [isinstance(v, (bool, np.bool_)) and bool(v) for v in out[col]]
    return out


def missing_by_step(counts: pd.DataFrame) -> pd.DataFrame:
    """Per step: applicants without a value in the group column, and all applicants."""
    if counts.empty:
        return pd.DataFrame(
            columns=[
                "stage",
                "stage_order",
                "touchpoint",
                "label_en",
                "label_nl",
                "missing",
                "total",
            ]
        )
    keys = ["stage_order", "stage", "touchpoint", "label_en", "label_nl"]
    frame = counts.assign(missing=np.where(counts["group"].isna(), counts.applicants, 0))
    out = frame.groupby(keys, as_index=False).agg(
        missing=("missing", "sum"), total=("applicants", "sum")
    )
    return out[["stage", "stage_order", "touchpoint", "label_en", "label_nl", "missing", "total"]]


def pooled_by_touchpoint(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts pooled over all steps of each touchpoint (all automated steps, all human steps), in
    the shape of :func:`step_counts` (stage = "all"), for the side-by-side comparison.

    Complementary suppression: a group suppressed at any step of a touchpoint (fewer than
    ``PRIVACY_THRESHOLD`` applicants there) is suppressed in that touchpoint's pooled row as well
    (its counts set to 0), because pooled minus the shown steps would reveal the small cell."""
    if counts.empty:
        return counts.copy()
    frame = counts.assign(group=counts["group"].astype(object).fillna("\0missing"))
    frame["small"] = (frame.applicants > 0) & (frame.applicants < PRIVACY_THRESHOLD)
    pooled = frame.groupby(["touchpoint", "group"], as_index=False).agg(
        applicants=("applicants", "sum"), selected=("selected", "sum"), small=("small", "any")
    )
    hide = pooled["small"] & (pooled["group"] != "\0missing")
    pooled.loc[hide, ["applicants", "selected"]] = 0
    pooled = pooled.drop(columns="small")
    pooled["group"] = pd.Series(
        [None if g == "\0missing" else g for g in pooled["group"]], index=pooled.index, dtype=object
    )
    order = {"automated": 1, "human": 2}
    pooled["_key"] = [group_sort_key(g) for g in pooled["group"]]
    pooled = pooled.sort_values(["touchpoint", "_key"], kind="stable").drop(columns="_key")
    pooled = pooled.reset_index(drop=True)
    pooled["stage"] = "all"
    pooled["stage_order"] = pooled.touchpoint.map(order).fillna(3).astype(int)
    pooled["label_en"] = "All steps"
    pooled["label_nl"] = "Alle stappen"
    return pooled[
        [
            "stage",
            "stage_order",
            "touchpoint",
            "label_en",
            "label_nl",
            "group",
            "applicants",
            "selected",
        ]
    ]


def side_by_side(table: pd.DataFrame) -> pd.DataFrame:
    """Automated and human rows of a pooled :func:`adverse_impact` table next to each other:
    one row per group with rate, impact ratio and flag for each touchpoint (suppressed -> NaN)."""
    cols = ["group"]
    out: pd.DataFrame | None = None
    for tp in ("automated", "human"):
        part = table[(table.touchpoint == tp) & ~table.suppressed]
        part = part[["group", "applicants", "rate", "impact_ratio", "four_fifths", "p_adjusted"]]
        part = part.rename(columns={c: f"{tp}_{c}" for c in part.columns if c != "group"})
        out = part if out is None else out.merge(part, on="group", how="outer")
        cols += [c for c in part.columns if c != "group"]
    assert out is not None
    out = out[cols]
    return out.sort_values("group", key=lambda s: s.map(group_sort_key), ignore_index=True)


def touchpoint_gap_tests(pooled_counts: pd.DataFrame) -> pd.DataFrame:
    """Does a group's gap to the other groups differ between automated and human steps?

    For each known group: the odds ratio of being selected, group vs all other known groups, at
    automated and at human steps (pooled counts from :func:`pooled_by_touchpoint`), and the
    Breslow-Day test with Tarone's correction that the two odds ratios are equal (an interaction
    test; ``stats.mantel_haenszel``'s homogeneity test), Holm-adjusted across groups. Groups or
    "rest" sides below the privacy threshold at either touchpoint: "too_few".
    """
    cols = ["group", "or_automated", "or_human", "p_value", "p_adjusted", "finding"]
    known = pooled_counts[pooled_counts["group"].notna()]
    rows = []
    for group in sorted(known["group"].unique(), key=group_sort_key):
        tables, ors = [], {}
        for tp in ("automated", "human"):
            part = known[known.touchpoint == tp]
            mine = part[part["group"] == group]
            n, k = int(mine.applicants.sum()), int(mine.selected.sum())
            rest_n = int(part.applicants.sum()) - n
            rest_k = int(part.selected.sum()) - k
            if min(n, rest_n) < PRIVACY_THRESHOLD:
                break
            tables.append([[k, n - k], [rest_k, rest_n - rest_k]])
            ors[tp] = stats.compare_proportions(k, n, rest_k, rest_n).odds_ratio
        if len(tables) < 2:
            rows.append({"group": group, "finding": "too_few"})
            continue
        p = stats.mantel_haenszel(tables).homogeneity_p
        rows.append(
            {
                "group": group,
                "or_automated": ors["automated"],
                "or_human": ors["human"],
                "p_value": p,
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    out["p_adjusted"] = stats.adjust_pvalues(out.p_value.astype(float).to_numpy(), "holm")
    out["finding"] = [
        f
        if isinstance(f, str)
        else (
            "too_few"
            if not _fin(p)
            else ("clear_difference" if p < ALPHA else "no_clear_difference")
        )
        for f, p in zip(out.finding, out.p_adjusted, strict=True)
    ]
    return out


@dataclass(frozen=True)
class TouchpointSummary:
    """The lowest impact ratio at automated and at human steps (pooled), and how many groups
    fall below four-fifths at each; None where a touchpoint has no shown groups."""

    automated_min: tuple[str, float] | None
    human_min: tuple[str, float] | None
    automated_flags: int
    human_flags: int
    automated_clear: int
    human_clear: int


def touchpoint_summary(pooled_table: pd.DataFrame) -> TouchpointSummary:
    def part(tp: str) -> tuple[tuple[str, float] | None, int, int]:
        rows = pooled_table[(pooled_table.touchpoint == tp) & ~pooled_table.suppressed]
        rows = rows[rows.impact_ratio.map(_fin)]
        if rows.empty:
            return None, 0, 0
        low = rows.loc[rows.impact_ratio.idxmin()]
        clear = int(((rows.finding == "clear_difference") & rows.four_fifths).sum())
        return (str(low["group"]), float(low.impact_ratio)), int(rows.four_fifths.sum()), clear

    a_min, a_flags, a_clear = part("automated")
    h_min, h_flags, h_clear = part("human")
    return TouchpointSummary(a_min, h_min, a_flags, h_flags, a_clear, h_clear)


def audit_table(
    table: pd.DataFrame,
    missing: pd.DataFrame,
    lang: str = "en",
    *,
    comparison: Comparison = "best",
) -> pd.DataFrame:
    """The bias-audit style export: shown rows only (suppressed groups left out), with the
    number of applications without the column per step and what Fisher's test compared each
    group with ("most_selected_group" or "all_other_groups"). Numbers stay numbers."""
    shown = table[~table.suppressed].copy()
    label_col = "label_nl" if lang == "nl" else "label_en"
    miss = missing.set_index(["stage", "touchpoint"])["missing"]
    shown["missing_at_step"] = [
        int(miss.get((s, tp), 0)) for s, tp in zip(shown.stage, shown.touchpoint, strict=True)
    ]
    out = pd.DataFrame(
        {
            "step": shown[label_col],
            "touchpoint": shown.touchpoint,
            "group": shown["group"],
            "applicants": shown.applicants.astype(int),
            "selected": shown.selected.astype(int),
            "selection_rate": shown.rate.round(4),
            "rate_ci_low": shown.rate_low.round(4),
            "rate_ci_high": shown.rate_high.round(4),
            "impact_ratio": shown.impact_ratio.round(3),
            "below_four_fifths": shown.four_fifths,
            "reference_group": shown.reference,
            "fisher_compared_with": (
                "most_selected_group" if comparison == "best" else "all_other_groups"
            ),
            "fisher_p": shown.p_value,
            "holm_p": shown.p_adjusted,
            "finding": shown.finding,
            "applications_without_column": shown.missing_at_step,
        }
    )
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Career switchers
# ---------------------------------------------------------------------------------------------

SWITCHER_COLUMNS = [
    "scope",
    "touchpoint",
    "n_switchers",
    "k_switchers",
    "rate_switchers",
    "low_switchers",
    "high_switchers",
    "n_others",
    "k_others",
    "rate_others",
    "low_others",
    "high_others",
    "diff",
    "diff_low",
    "diff_high",
    "impact_ratio",
    "p_value",
    "test",
    "finding",
]


def _rate(k: int, n: int) -> tuple[float, float, float]:
    if n < PRIVACY_THRESHOLD:
        return math.nan, math.nan, math.nan
    ci = stats.proportion_ci(k, n)
    return k / n, ci.low, ci.high


def switcher_pass_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Career switchers vs others at each touchpoint (pooled over its steps, ``scope`` = "all")
    and at each step (``scope`` = the stage), from :func:`step_counts` on ``career_switcher``.

    Newcombe interval for the difference (switchers - others), chi-square or Fisher per DESIGN.md;
    ``finding``: clear_difference / no_clear_difference / too_few.
    """
    rows: list[dict] = []
    if counts.empty:
        return pd.DataFrame(columns=SWITCHER_COLUMNS)
    known = counts[counts["group"].isin(["true", "false"])]
    groups = [("all", tp, part) for tp, part in known.groupby("touchpoint", sort=True)]
    groups += [
        (stage, tp, part)
        for (_, stage, tp), part in known.groupby(["stage_order", "stage", "touchpoint"], sort=True)
    ]
    for scope, tp, part in groups:
        sums = part.groupby("group")[["applicants", "selected"]].sum()
        n1 = int(sums.applicants.get("true", 0))
        k1 = int(sums.selected.get("true", 0))
        n2 = int(sums.applicants.get("false", 0))
        k2 = int(sums.selected.get("false", 0))
        # Complementary suppression (see pooled_by_touchpoint): a side with a small step cell is
        # not shown pooled either.
        small = part[(part.applicants > 0) & (part.applicants < PRIVACY_THRESHOLD)]["group"]
        if "true" in set(small):
            n1 = k1 = 0
        if "false" in set(small):
            n2 = k2 = 0
        r1, r2 = _rate(k1, n1), _rate(k2, n2)
        row = {
            "scope": scope,
            "touchpoint": tp,
            "n_switchers": n1 if n1 >= PRIVACY_THRESHOLD else math.nan,
            "k_switchers": k1 if n1 >= PRIVACY_THRESHOLD else math.nan,
            "rate_switchers": r1[0],
            "low_switchers": r1[1],
            "high_switchers": r1[2],
            "n_others": n2 if n2 >= PRIVACY_THRESHOLD else math.nan,
            "k_others": k2 if n2 >= PRIVACY_THRESHOLD else math.nan,
            "rate_others": r2[0],
            "low_others": r2[1],
            "high_others": r2[2],
        }
        if n1 >= PRIVACY_THRESHOLD and n2 >= PRIVACY_THRESHOLD:
            c = stats.compare_proportions(k1, n1, k2, n2)
            row.update(
                diff=c.diff,
                diff_low=c.ci.low,
                diff_high=c.ci.high,
                impact_ratio=c.risk_ratio,
                p_value=c.p_value,
                test=c.test,
                finding="clear_difference" if c.clear else "no_clear_difference",
            )
        else:
            row.update(test="none", finding="too_few")
        rows.append(row)
    return pd.DataFrame(rows, columns=SWITCHER_COLUMNS)


def switcher_quality_counts(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: dt.date,
    *,
    ramp_target: int = DEFAULT_RAMP_TARGET,
) -> pd.DataFrame:
    """Hires by career_switcher ("true"/"false"): 12-month rating n/mean/var, ramp within target
    (among hires followed that long), retained 12 months (among hires followed 12 months)."""
    where, params = filters.where("a")
    return cur.execute(
        f"""
        SELECT CAST(a.career_switcher AS VARCHAR) AS "group",
               count(*) AS hires,
               count(h.perf_12m) AS perf_n,
               avg(h.perf_12m) AS perf_mean,
               var_samp(h.perf_12m) AS perf_var,
               count(*) FILTER (WHERE date_diff('day', h.start_on, $as_of) >= $target) AS ramp_n,
               count(*) FILTER (
                   WHERE date_diff('day', h.start_on, $as_of) >= $target
                     AND h.ramp_days <= $target
               ) AS ramp_k,
               count(*) FILTER (WHERE date_diff('day', h.start_on, $as_of) >= $days) AS ret_n,
               count(*) FILTER (
                   WHERE date_diff('day', h.start_on, $as_of) >= $days
                     AND (h.left_on IS NULL OR date_diff('day', h.start_on, h.left_on) >= $days)
               ) AS ret_k
        FROM hires AS h
        JOIN applications AS a ON a.application_id = h.application_id
        WHERE {where}
          AND h.start_on <= $as_of
          AND a.career_switcher IS NOT NULL
        GROUP BY ALL
        ORDER BY 1 DESC
        """,
        {**params, "as_of": as_of, "target": int(ramp_target), "days": RETENTION_DAYS},
    ).df()


QUALITY_COLUMNS = [
    "component",
    "n_switchers",
    "switchers",
    "low_switchers",
    "high_switchers",
    "n_others",
    "others",
    "low_others",
    "high_others",
    "diff",
    "diff_low",
    "diff_high",
    "p_value",
    "test",
    "finding",
]


def _mean_ci(n: int, mean: float, var: float) -> tuple[float, float, float]:
    """A 1-5 mean on 0-100 with its t-interval (quality.py's scale)."""
    if n < PRIVACY_THRESHOLD or not _fin(mean):
        return math.nan, math.nan, math.nan
    half = float(sps.t.ppf(0.975, n - 1)) * math.sqrt(var / n) if n > 1 and _fin(var) else math.nan
    return scale_rating(mean), scale_rating(mean - half), scale_rating(mean + half)


def switcher_quality(counts: pd.DataFrame) -> pd.DataFrame:
    """Quality-of-hire components of hired career switchers vs other hires (0-100 scale):
    performance (Welch), ramp within target and 12-month retention (Wilson, Newcombe)."""
    by = {str(r["group"]): r for _, r in counts.iterrows()}
    s, o = by.get("true"), by.get("false")
    rows = []

    def num(r: pd.Series | None, col: str) -> float:
        return float(r[col]) if r is not None and _fin(r[col]) else math.nan

    # performance
    n1 = int(s.perf_n) if s is not None else 0
    n2 = int(o.perf_n) if o is not None else 0
    e1 = _mean_ci(n1, num(s, "perf_mean"), num(s, "perf_var"))
    e2 = _mean_ci(n2, num(o, "perf_mean"), num(o, "perf_var"))
    row = {"component": "performance", "n_switchers": n1, "n_others": n2}
    row.update(switchers=e1[0], low_switchers=e1[1], high_switchers=e1[2])
    row.update(others=e2[0], low_others=e2[1], high_others=e2[2])
    if n1 >= PRIVACY_THRESHOLD and n2 >= PRIVACY_THRESHOLD and n1 > 1 and n2 > 1:
        diff, ci, p = welch(
            n1, num(s, "perf_mean"), num(s, "perf_var"), n2, num(o, "perf_mean"), num(o, "perf_var")
        )
        row.update(diff=diff * 25, diff_low=ci.low * 25, diff_high=ci.high * 25, p_value=p)
        row.update(
            test="welch", finding="clear_difference" if ci.excludes(0) else "no_clear_difference"
        )
    else:
        row.update(test="none", finding="too_few")
    rows.append(row)
    for comp, k_col, n_col in (("ramp", "ramp_k", "ramp_n"), ("retention", "ret_k", "ret_n")):
        k1 = int(s[k_col]) if s is not None else 0
        n1 = int(s[n_col]) if s is not None else 0
        k2 = int(o[k_col]) if o is not None else 0
        n2 = int(o[n_col]) if o is not None else 0
        r1, r2 = _rate(k1, n1), _rate(k2, n2)
        row = {"component": comp, "n_switchers": n1, "n_others": n2}
        row.update(switchers=100 * r1[0], low_switchers=100 * r1[1], high_switchers=100 * r1[2])
        row.update(others=100 * r2[0], low_others=100 * r2[1], high_others=100 * r2[2])
        if n1 >= PRIVACY_THRESHOLD and n2 >= PRIVACY_THRESHOLD:
            c = stats.compare_proportions(k1, n1, k2, n2)
            row.update(diff=100 * c.diff, diff_low=100 * c.ci.low, diff_high=100 * c.ci.high)
            row.update(p_value=c.p_value, test=c.test)
            row.update(finding="clear_difference" if c.clear else "no_clear_difference")
        else:
            row.update(test="none", finding="too_few")
        rows.append(row)
    out = pd.DataFrame(rows, columns=QUALITY_COLUMNS)
    for side in ("switchers", "others"):
        small = out[f"n_{side}"] < PRIVACY_THRESHOLD
        out.loc[small, f"n_{side}"] = np.nan
    return out


# ---------------------------------------------------------------------------------------------
# Any two-group comparison
# ---------------------------------------------------------------------------------------------

# Tables of the app's database offered to the two-group tool (fixed SQL: no identifiers from
# users). Columns that identify people are not offered.
APP_TABLES = {
    "applications": """
        SELECT a.pipeline, a.role_family, a.seniority, a.region, a.source, a.gender, a.age_band,
               CAST(a.career_switcher AS VARCHAR) AS career_switcher,
               CAST(a.first_human_step AS VARCHAR) AS first_human_step,
               a.status, a.furthest_stage
        FROM applications AS a""",
    "offers": """
        SELECT a.pipeline, a.role_family, a.seniority, a.region, a.source, a.gender, a.age_band,
               CAST(a.career_switcher AS VARCHAR) AS career_switcher,
               CAST(o.accepted AS VARCHAR) AS accepted,
               CAST(o.competing_offers AS VARCHAR) AS competing_offers,
               o.decline_reason
        FROM offers AS o
        JOIN applications AS a ON a.application_id = o.application_id""",
}
MAX_LEVELS = 60


def app_source(table: str, filters: Filters) -> tuple[str, dict]:
    """The SQL of one of ``APP_TABLES`` restricted to the filtered applications, and its
    parameters (bound, never formatted in)."""
    if table not in APP_TABLES:
        raise FairnessError(f"Unknown table {table!r}; choose one of {tuple(APP_TABLES)}.")
    where, params = filters.where("a")
    return f"{APP_TABLES[table]} WHERE {where}", params


def quote_identifier(name: str) -> str:
    """A column name as a quoted SQL identifier (double quotes doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def table_columns(
    cur: duckdb.DuckDBPyConnection, source_sql: str, params: dict | None = None
) -> list[str]:
    rel = cur.execute(f"SELECT * FROM ({source_sql}) LIMIT 0", params or {})
    cols = [d[0] for d in rel.description]
    rel.fetchall()
    return cols


def _check_column(
    cur: duckdb.DuckDBPyConnection, source_sql: str, column: str, params: dict | None
) -> str:
    if column not in table_columns(cur, source_sql, params):
        raise FairnessError(f"The table has no column {column!r}.")
    return quote_identifier(column)


def column_levels(
    cur: duckdb.DuckDBPyConnection, source_sql: str, column: str, params: dict | None = None
) -> pd.DataFrame:
    """Distinct values of ``column`` (as text) with their counts, most frequent first (at most
    ``MAX_LEVELS + 1`` rows, so callers can tell "too many")."""
    col = _check_column(cur, source_sql, column, params)
    return cur.execute(
        f"""
        SELECT CAST({col} AS VARCHAR) AS value, count(*) AS n
        FROM ({source_sql})
        WHERE {col} IS NOT NULL
        GROUP BY 1
        ORDER BY n DESC, value
        LIMIT {MAX_LEVELS + 1}
        """,
        params or {},
    ).df()


def two_group_counts(
    cur: duckdb.DuckDBPyConnection,
    source_sql: str,
    *,
    group: str,
    outcome: str,
    stratum: str | None = None,
    params: dict | None = None,
) -> pd.DataFrame:
    """Counts by group, outcome value and (optional) stratum, all as text: group, outcome,
    stratum, n. Missing values stay missing (None)."""
    g = _check_column(cur, source_sql, group, params)
    o = _check_column(cur, source_sql, outcome, params)
    s = _check_column(cur, source_sql, stratum, params) if stratum else "NULL"
    frame = cur.execute(
        f"""
        SELECT CAST({g} AS VARCHAR) AS "group",
               CAST({o} AS VARCHAR) AS outcome,
               CAST({s} AS VARCHAR) AS stratum,
               count(*) AS n
        FROM ({source_sql})
        GROUP BY ALL
        """,
        params or {},
    ).df()
    for col in ("group", "outcome", "stratum"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame["n"] = frame["n"].astype(int)
    return frame


@dataclass(frozen=True)
class StratumRow:
    stratum: str
    n_a: int
    k_a: int
    n_b: int
    k_b: int


@dataclass(frozen=True)
class TwoGroupResult:
    """Group A vs group B on a yes/no outcome.

    ``comparison``: difference A - B (Newcombe), risk ratio A/B (Katz), odds ratio, test
    (chi-square or Fisher per DESIGN.md). ``impact_ratio`` = lower rate / higher rate (the
    four-fifths rule's view). ``mh`` (with a stratum column): the crude vs Mantel-Haenszel odds
    ratios; ``strata`` the per-stratum counts. ``missing`` = rows of groups A/B without an
    outcome or (when stratified) without a stratum, left out.
    """

    group_a: str
    group_b: str
    ci_a: Interval
    ci_b: Interval
    comparison: stats.ProportionComparison
    impact_ratio: float
    lower_group: str | None
    mh: stats.MantelHaenszelResult | None
    strata: tuple[StratumRow, ...]
    missing: int
    small: bool

    @property
    def finding(self) -> str:
        if self.small:
            return "too_few"
        return "clear_difference" if self.comparison.clear else "no_clear_difference"

    @property
    def adjusted_finding(self) -> str | None:
        if self.mh is None:
            return None
        if not _fin(self.mh.ci.low):
            return "too_few"
        return "clear_difference" if self.mh.clear else "no_clear_difference"


def compare_two_groups(
    counts: pd.DataFrame,
    *,
    group_a: str,
    group_b: str,
    yes_values: Sequence[str],
    min_group: int = PRIVACY_THRESHOLD,
) -> TwoGroupResult:
    """Compare two groups of :func:`two_group_counts` on outcome in ``yes_values`` (every other
    non-missing outcome value counts as "no").

    ``min_group``: groups smaller than this are "too few to say" (the privacy threshold for the
    app's own data). Raises FairnessError for unusable choices.
    """
    if group_a == group_b:
        raise FairnessError("Choose two different groups to compare.")
    yes = {str(v) for v in yes_values}
    if not yes:
        raise FairnessError("Choose which outcome values count as 'yes'.")
    sub = counts[counts["group"].isin([group_a, group_b])]
    stratified = sub["stratum"].notna().any()
    usable = sub["outcome"].notna() & (sub["stratum"].notna() if stratified else True)
    missing = int(sub.loc[~usable, "n"].sum())
    sub = sub[usable].assign(yes=lambda f: f["outcome"].isin(yes))
    if sub.empty:
        raise FairnessError("Neither group has rows with an outcome value.")

    def kn(frame: pd.DataFrame, grp: str) -> tuple[int, int]:
        part = frame[frame["group"] == grp]
        return int(part.loc[part.yes, "n"].sum()), int(part["n"].sum())

    k_a, n_a = kn(sub, group_a)
    k_b, n_b = kn(sub, group_b)
    if n_a == 0 or n_b == 0:
        raise FairnessError("Each of the two groups needs at least one row with an outcome.")
    cmp_ = stats.compare_proportions(k_a, n_a, k_b, n_b)
    small = min(n_a, n_b) < min_group
    p_a, p_b = k_a / n_a, k_b / n_b
    hi = max(p_a, p_b)
    impact = min(p_a, p_b) / hi if hi > 0 else math.nan
    lower = None if p_a == p_b else (group_a if p_a < p_b else group_b)
    strata: list[StratumRow] = []
    mh = None
    if stratified:
        for name, part in sub.groupby("stratum", sort=True):
            ka, na = kn(part, group_a)
            kb, nb = kn(part, group_b)
            strata.append(StratumRow(str(name), na, ka, nb, kb))
        tables = [[[r.k_a, r.n_a - r.k_a], [r.k_b, r.n_b - r.k_b]] for r in strata]
        informative = [t_ for t_ in tables if sum(map(sum, t_)) >= 2]
        if informative:
            mh = stats.mantel_haenszel(informative, correction=True)
    return TwoGroupResult(
        group_a=group_a,
        group_b=group_b,
        ci_a=stats.proportion_ci(k_a, n_a),
        ci_b=stats.proportion_ci(k_b, n_b),
        comparison=cmp_,
        impact_ratio=impact,
        lower_group=lower,
        mh=mh,
        strata=tuple(strata),
        missing=missing,
        small=small,
    )


def strata_table(result: TwoGroupResult, *, min_group: int = PRIVACY_THRESHOLD) -> pd.DataFrame:
    """Per stratum: n and rate of each group (NaN below ``min_group``), and the odds ratio."""
    rows = []
    for r in result.strata:
        row = {"stratum": r.stratum}
        for side, k, n in (("a", r.k_a, r.n_a), ("b", r.k_b, r.n_b)):
            ok = n >= max(min_group, 1)
            row[f"n_{side}"] = n if ok else math.nan
            row[f"rate_{side}"] = k / n if ok else math.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=["stratum", "n_a", "rate_a", "n_b", "rate_b"])


def load_upload_table(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, name: str = "upload"
) -> str:
    """Register an uploaded table (text columns) in an in-memory DuckDB connection and return
    the SQL that selects it. The app's database is never touched."""
    if frame.empty or frame.shape[1] < 2:
        raise FairnessError("The table needs at least two columns and one row.")
    con.register(name, frame)
    return f"SELECT * FROM {quote_identifier(name)}"
