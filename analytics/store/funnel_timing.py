"""Count cubes for the funnel's touchpoint formats and time in stage, built once per data version
at load time (issue 21: the funnel page at ten million applications).

Why these tables exist: ``funnel.touchpoint_formats`` and ``funnel.stage_times`` grouped the 16.7M
rows of ``app_stage`` on every page run at 10M applications (1.2-2.4 s and 0.9-1.6 s wall on a
loaded 2-core machine). Both count the latest event per application and stage (``app_stage``) by
a handful of low-cardinality keys, so the same counts by application month and filter dimension
are 80x (formats) and 14x (days in stage) fewer rows at 10M.

Exactness, as for the other funnel cubes (``funnel_ends``): ``applied_on`` is the month's first
day, so readers use them only for filters in whole months; the dimension columns are kept raw
(NULL stays NULL), so ``Filters.where`` selects the same applications; ``is_open`` is
``status = 'open'``, the rule the readers apply when open applications are left out. Tests
compare every reader with its row-level result (``tests/analytics/metrics/test_funnel_timing.py``).
"""

from __future__ import annotations

FORMATS_TABLE = "funnel_formats"
STAGE_DAYS_TABLE = "funnel_stage_days"

FUNNEL_FORMATS_SQL = f"""
    CREATE OR REPLACE TABLE {FORMATS_TABLE} AS
    SELECT CAST(date_trunc('month', applied_on) AS DATE) AS applied_on,
           role_family, seniority, region, source,
           status = 'open' AS is_open,
           stage, min(stage_order) AS stage_order, format, touchpoint, result,
           count(*) AS n
    FROM app_stage
    GROUP BY ALL
    ORDER BY applied_on"""

# Days in stage of exited events (the rows ``funnel.stage_duration_counts`` counts).
FUNNEL_STAGE_DAYS_SQL = f"""
    CREATE OR REPLACE TABLE {STAGE_DAYS_TABLE} AS
    SELECT CAST(date_trunc('month', applied_on) AS DATE) AS applied_on,
           role_family, seniority, region, source,
           status = 'open' AS is_open,
           pipeline, stage, stage_order,
           date_diff('day', entered_on, exited_on) AS days,
           count(*) AS n
    FROM app_stage
    WHERE exited_on IS NOT NULL AND exited_on >= entered_on
    GROUP BY ALL
    ORDER BY applied_on"""
