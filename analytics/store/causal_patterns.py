"""The covariate-pattern counts behind "Adjust for: everything measured" (issue 22), built once
per data version at load time.

Why this table exists: the adjusted effects (``analytics.metrics.causal``) need, per covariate
pattern (role family x seniority x region x source x application month x pipeline), the counts,
sums and sums of squares of every outcome. Counting them scans every application (0.5 s wall at
1M applications on a loaded machine, several seconds at 10M) on every page run. This table holds
them: at most a few tens of thousands of rows whatever the number of applications, so the page
only filters and adds up this small table and fits its models.

Every ``Filters`` field is a pattern dimension: role family, seniority, region and source are
kept raw (NULL stays NULL, so ``Filters.where`` selects exactly the same applications), and the
application date is the month (``month``, a DATE on the first day). A date filter is exact on
this table only when it covers whole months; otherwise the metric falls back to the scan.

What depends on the as-of date and the ramp-up target (12-month retention follow-up, hires
started by the as-of date, ramp-up followed) is counted for the dataset's as-of date at load
(the same rule as ``store.dataset_info``: the ``as_of`` meta value, else the latest date in the
data) and the default ramp-up target; the row carries ``as_of``, ``ret_days`` and
``ramp_target`` so a reader asking for anything else falls back to the scan. "Decided" (not
open) is the application status as loaded, which does not depend on the as-of date.

The counting expressions are those of ``analytics.metrics.causal.outcome_patterns``; a test
compares the two paths to the last digit (``tests/analytics/metrics/test_causal_patterns.py``).
"""

from __future__ import annotations

TABLE = "causal_patterns"
RETENTION_DAYS = 365  # analytics.metrics.common.RETENTION_DAYS (checked by the reader)
RAMP_TARGET = 90  # analytics.metrics.common.DEFAULT_RAMP_TARGET (checked by the reader)

# The as-of date exactly as ``store.loads.dataset_info`` decides it (meta is written before the
# derived tables are rebuilt in the load transaction).
_AS_OF = """coalesce(
    (SELECT CAST(value AS DATE) FROM meta WHERE key = 'as_of'),
    greatest(
        (SELECT max(applied_on) FROM applications),
        (SELECT max(coalesce(exited_on, entered_on)) FROM stage_events),
        (SELECT max(coalesce(decided_on, offered_on)) FROM offers),
        (SELECT max(coalesce(left_on, start_on)) FROM hires)
    ),
    current_date
)"""

_HIRE = "a.has_hire AND a.start_on <= p.as_of"
_FOLLOWED = f"{_HIRE} AND date_diff('day', a.start_on, p.as_of) >= {RETENTION_DAYS}"
_PERF = "(a.perf_12m - 1) / 4.0 * 100"
_MGR = "(a.manager_satisfaction - 1) / 4.0 * 100"

CAUSAL_PATTERNS_SQL = f"""
    CREATE OR REPLACE TABLE {TABLE} AS
    WITH p AS (SELECT {_AS_OF} AS as_of),
    a AS (
        SELECT ap.application_id, ap.role_family, ap.seniority, ap.region, ap.source,
               ap.applied_on, ap.pipeline, ap.status,
               o.application_id IS NOT NULL AS has_outcome,
               o.accepted, o.start_on, o.perf_12m, o.manager_satisfaction, o.ramp_days,
               o.left_on, coalesce(o.has_hire, FALSE) AS has_hire
        FROM applications AS ap
        LEFT JOIN app_outcomes AS o USING (application_id)
    )
    SELECT
        a.role_family, a.seniority, a.region, a.source,
        CAST(date_trunc('month', a.applied_on) AS DATE) AS month,
        strftime(date_trunc('month', a.applied_on), '%Y-%m') AS month_text,
        a.pipeline,
        count(*) FILTER (WHERE a.status <> 'open') AS decided,
        count(*) FILTER (WHERE a.status = 'hired') AS hired,
        count(*) FILTER (WHERE a.status = 'withdrawn') AS withdrawn,
        count(*) FILTER (WHERE a.has_outcome) AS outcome_rows,
        count(a.accepted) AS offers_decided,
        count(*) FILTER (WHERE a.accepted) AS offers_accepted,
        count(*) FILTER (WHERE {_FOLLOWED}) AS ret_n,
        count(*) FILTER (
            WHERE {_FOLLOWED}
              AND (a.left_on IS NULL
                   OR date_diff('day', a.start_on, a.left_on) > {RETENTION_DAYS})
        ) AS ret_k,
        count(*) FILTER (WHERE {_HIRE} AND a.perf_12m IS NOT NULL) AS perf_n,
        coalesce(sum({_PERF}) FILTER (WHERE {_HIRE}), 0) AS perf_sum,
        coalesce(sum({_PERF} * {_PERF}) FILTER (WHERE {_HIRE}), 0) AS perf_sumsq,
        count(*) FILTER (WHERE {_HIRE} AND a.manager_satisfaction IS NOT NULL) AS mgr_n,
        coalesce(sum({_MGR}) FILTER (WHERE {_HIRE}), 0) AS mgr_sum,
        coalesce(sum({_MGR} * {_MGR}) FILTER (WHERE {_HIRE}), 0) AS mgr_sumsq,
        count(*) FILTER (
            WHERE {_HIRE} AND date_diff('day', a.start_on, p.as_of) >= {RAMP_TARGET}
        ) AS ramp_n,
        count(*) FILTER (
            WHERE {_HIRE} AND date_diff('day', a.start_on, p.as_of) >= {RAMP_TARGET}
              AND a.ramp_days <= {RAMP_TARGET}
        ) AS ramp_k,
        any_value(p.as_of) AS as_of,
        {RETENTION_DAYS} AS ret_days,
        {RAMP_TARGET} AS ramp_target
    FROM a CROSS JOIN p
    GROUP BY a.role_family, a.seniority, a.region, a.source, month, month_text, a.pipeline
    ORDER BY month, a.pipeline"""
