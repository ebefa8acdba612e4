"""The bias audit: selection rates, impact ratios against a stable reference group (the
most-selected group among those with at least ``REFERENCE_MIN_APPLICANTS`` applicants, else the
largest) with Koopman score intervals, Fisher tests per step and group, and whether a ratio is
clearly below four-fifths (Holm over the table for both), pooled per touchpoint with
complementary suppression, and the test that a group's gap differs between automated and human
steps."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import stats
from analytics.domain import PRIVACY_THRESHOLD
from analytics.metrics.fairness.groups import (
    ALPHA,
    COMPARISONS,
    FOUR_FIFTHS,
    Comparison,
    FairnessError,
    _fin,
    group_sort_key,
)
from analytics.stats import Interval
from analytics.stats.impact import fisher_exact_p, impact_ratio, ratio_score_p

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
    "p_below",
    "p_below_adjusted",
    "four_fifths_finding",
]

# A reference group needs this many applicants at the step (issue 17): the most-selected group of
# a few dozen people would make every other group's ratio carry its noise. Among the groups that
# reach it the most-selected one is the reference (the NYC Local Law 144 rule); when none does,
# the largest group is. The footnote says which rule applied (``REFERENCE_RULE``).
REFERENCE_MIN_APPLICANTS = 30
REFERENCE_RULE = "most_selected_of_min_size"


def reference_group(shown: pd.DataFrame) -> pd.Series | None:
    """The reference row of one step among groups shown (>= PRIVACY_THRESHOLD applicants): the
    most-selected group among those with at least ``REFERENCE_MIN_APPLICANTS`` applicants, else
    the largest group. Ties go to the larger group, then to the group name, so the choice never
    depends on the order of the rows."""
    if shown.empty:
        return None
    # Plain tuples rather than a sorted DataFrame (issue 21: 48 steps x 8 columns per page run,
    # ~6 ms of pandas each); the same keys and order as before, so the same row is chosen.
    candidates = [
        (int(k) / int(n), int(n), str(g), i)
        for i, k, n, g in zip(
            shown.index, shown.selected, shown.applicants, shown["group"], strict=True
        )
    ]
    big = [c for c in candidates if c[1] >= REFERENCE_MIN_APPLICANTS]
    if big:
        best = min(big, key=lambda c: (-c[0], -c[1], c[2]))
    else:
        best = min(candidates, key=lambda c: (-c[1], c[2]))
    return shown.loc[best[3]]


def _p_below_four_fifths(k: int, n: int, ref_k: int, ref_n: int, ratio: float) -> float:
    """One-sided p of H0: impact ratio >= 0.8 against "below 0.8", by Koopman's score test at
    phi = 0.8 (``stats.impact.ratio_score_p``; the test its interval inverts): a single row is
    "clearly below four-fifths" exactly when the 95% interval's upper limit is below 0.8."""
    p_two = ratio_score_p(k, n, ref_k, ref_n, FOUR_FIFTHS)
    if not _fin(p_two) or not _fin(ratio):
        return math.nan
    return p_two / 2 if ratio < FOUR_FIFTHS else 1 - p_two / 2


def _step_rows(step: pd.DataFrame, comparison: Comparison) -> list[dict]:
    """One dict per group of one step: rates, impact ratio vs the most-selected group, Fisher."""
    known = step[step["group"].notna()]
    shown = known[known.applicants >= PRIVACY_THRESHOLD]
    ref = reference_group(shown)
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
        if is_ref:
            ir, ir_ci, p_below = 1.0, Interval(1.0, 1.0), math.nan
        else:
            ir, ir_ci = impact_ratio(k, n, ref_k, ref_n)
            p_below = _p_below_four_fifths(k, n, ref_k, ref_n, ir)
        if comparison == "rest":
            rest_n, rest_k = total_n - n, total_k - k
            p = fisher_exact_p(k, n - k, rest_k, rest_n - rest_k) if rest_n > 0 else math.nan
        else:
            p = math.nan if is_ref else fisher_exact_p(k, n - k, ref_k, ref_n - ref_k)
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
                "p_below": p_below,
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
    # "Clearly below four-fifths": the family is every row of the table, Holm within it, on the
    # one-sided score test of ratio >= 0.8 (alpha/2 per side, as the 95% interval).
    out["p_below_adjusted"] = stats.adjust_pvalues(out["p_below"].astype(float).to_numpy(), adjust)
    out["four_fifths_finding"] = [
        _four_fifths_finding(r.suppressed, r.reference, r.impact_ratio, r.p_below_adjusted)
        for r in out.itertuples()
    ]
    return out


def _four_fifths_finding(suppressed: bool, reference: bool, ratio: float, p_adj: float) -> str:
    """ "clearly_below" (adjusted one-sided p < alpha / 2), "not_clearly_below" (point estimate
    below 0.8, interval reaching 0.8), "not_below", "reference" or "too_few"."""
    if suppressed or not _fin(ratio):
        return "too_few"
    if reference:
        return "reference"
    if ratio >= FOUR_FIFTHS:
        return "not_below"
    return "clearly_below" if _fin(p_adj) and p_adj < ALPHA / 2 else "not_clearly_below"


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
