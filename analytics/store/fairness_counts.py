"""Decided events counted per application month, filter dimension, group column and value, and
step (stage x touchpoint), built once per data version at load time (issue 21: the Fairness page
at ten million applications).

Why this table exists: ``fairness.step_counts`` scanned the 16.7M pre-joined ``fairness_events``
rows once per group column, about 1.3 CPU s each at 10M applications, eight columns on the page's
first screen. A single GROUPING SETS query over the events was measured at 7 CPU s (DuckDB hashes
every set separately), so no query-time rewrite reaches a second. This table holds the same counts
in long form, one row per (month, role family, seniority, region, source, group column, group
value, stage, touchpoint) for the four group columns that are not filter dimensions; a column's
rows are stored together (sorted), so one column's counts read a few hundred thousand rows and
every column's counts come from one query.

Exactness: ``applied_on`` is the month's first day, so readers use the table only for filters in
whole months (as the funnel cubes do); the dimension columns are kept raw, so ``Filters.where``
selects exactly the applications it selects on the events; group values are ``CAST(... AS
VARCHAR)`` of the raw column, as ``step_counts`` builds them, NULL kept. ``touchpoint`` stays raw
(the reader coalesces). Tests compare every column and filter with the row-level counts
(``tests/analytics/metrics/test_fairness_counts.py``).
"""

from __future__ import annotations

TABLE = "fairness_counts"

# The group columns of ``analytics.metrics.fairness.GROUP_COLUMNS`` that are not filter dimensions
# (the store does not import metrics; a test checks the lists). A filter dimension needs no rows
# of its own: its value is in every row, so its counts are any column's rows summed by it (the
# reader uses the pipeline's, two values). Four aggregates at load instead of eight.
COUNTED_COLUMNS = ("pipeline", "gender", "age_band", "career_switcher")
DIMENSION_SOURCE = "pipeline"
"""The counted column whose rows a filter dimension's counts are summed from."""


def _one_column(column: str) -> str:
    return f"""
        SELECT CAST(date_trunc('month', applied_on) AS DATE) AS applied_on,
               role_family, seniority, region, source,
               '{column}' AS group_column, CAST({column} AS VARCHAR) AS grp,
               stage, touchpoint,
               min(stage_order) AS stage_order,
               count(*) AS applicants,
               count(*) FILTER (WHERE result = 'advanced') AS selected,
               count(*) FILTER (WHERE result = 'rejected') AS rejected
        FROM fairness_events
        WHERE result IN ('advanced', 'rejected')
        GROUP BY ALL"""


# One aggregate per counted column straight from the events (measured at 1M applications: a
# wide pass over every column first, then one aggregate per column, cost 1.8x as much).
FAIRNESS_COUNTS_SQL = f"""
    CREATE OR REPLACE TABLE {TABLE} AS
    {" UNION ALL ".join(_one_column(c) for c in COUNTED_COLUMNS)}
    ORDER BY group_column, applied_on"""
