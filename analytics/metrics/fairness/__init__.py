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
- **Impact ratio** = a group's selection rate / the rate of the reference group at that step
  (NYC Local Law 144 bias-audit rule, 6 RCNY 5-300), with Koopman's score interval; below 0.8 is
  flagged (four-fifths rule, EEOC Uniform Guidelines 29 CFR 1607.4(D)). The **reference group**
  is the most-selected group among those with at least ``REFERENCE_MIN_APPLICANTS`` (30)
  applicants at the step, else the largest group (a stable reference, issue 17).
- **Below four-fifths**: "clearly below" when Koopman's one-sided score test of ratio >= 0.8,
  Holm-adjusted over every row of the table, rejects at 2.5% (for one row: the 95% interval's
  upper limit is below 0.8); "not clearly below" when only the point estimate is below 0.8.
- **Test**: Fisher's exact test (two-sided) of each group against the reference group (or,
  as an option, against all other groups together), Holm-adjusted across every group and step
  shown in one table (the multiple-testing family).
- Groups below ``PRIVACY_THRESHOLD`` applicants at a step are suppressed (no counts or rates
  leave this module) and never serve as the reference group. Applications without a value in the
  group column are counted per step and reported, not assigned to a group.

All counting happens in DuckDB (group x step); the statistics run on the small result frame.

The package holds one module per question (``groups``: who is counted at which step; ``audit``:
adverse impact per step and touchpoint; ``switchers``: career switchers; ``two_groups``: any two
groups, crude and adjusted); this file re-exports their public names, so callers keep writing
``from analytics.metrics import fairness; fairness.adverse_impact(...)``.
"""

from __future__ import annotations

from analytics.metrics.fairness.audit import (
    AI_COLUMNS,
    REFERENCE_MIN_APPLICANTS,
    TouchpointSummary,
    adverse_impact,
    audit_table,
    missing_by_step,
    pooled_by_touchpoint,
    reference_group,
    side_by_side,
    touchpoint_gap_tests,
    touchpoint_summary,
)
from analytics.metrics.fairness.groups import (
    ALPHA,
    COMPARISONS,
    FOUR_FIFTHS,
    GROUP_COLUMNS,
    RETENTION_DAYS,
    SEPARATOR,
    Comparison,
    FairnessError,
    available_columns,
    counts_fresh,
    events_fresh,
    group_sort_key,
    natural_key,
    step_counts,
    step_counts_by_column,
)
from analytics.metrics.fairness.switchers import (
    QUALITY_COLUMNS,
    SWITCHER_COLUMNS,
    switcher_pass_rates,
    switcher_quality,
    switcher_quality_counts,
)
from analytics.metrics.fairness.two_groups import (
    APP_TABLES,
    MAX_LEVELS,
    StratumRow,
    TwoGroupResult,
    app_source,
    column_levels,
    compare_two_groups,
    load_upload_table,
    quote_identifier,
    strata_table,
    table_columns,
    two_group_counts,
)

__all__ = [
    "AI_COLUMNS",
    "ALPHA",
    "APP_TABLES",
    "COMPARISONS",
    "Comparison",
    "FOUR_FIFTHS",
    "FairnessError",
    "GROUP_COLUMNS",
    "MAX_LEVELS",
    "QUALITY_COLUMNS",
    "REFERENCE_MIN_APPLICANTS",
    "RETENTION_DAYS",
    "SEPARATOR",
    "SWITCHER_COLUMNS",
    "StratumRow",
    "TouchpointSummary",
    "TwoGroupResult",
    "adverse_impact",
    "app_source",
    "audit_table",
    "available_columns",
    "counts_fresh",
    "events_fresh",
    "column_levels",
    "compare_two_groups",
    "group_sort_key",
    "load_upload_table",
    "missing_by_step",
    "natural_key",
    "pooled_by_touchpoint",
    "quote_identifier",
    "reference_group",
    "side_by_side",
    "step_counts",
    "step_counts_by_column",
    "strata_table",
    "switcher_pass_rates",
    "switcher_quality",
    "switcher_quality_counts",
    "table_columns",
    "touchpoint_gap_tests",
    "touchpoint_summary",
    "two_group_counts",
]
