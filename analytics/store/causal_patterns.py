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

The counting expressions are written once, here (``application_counts_sql`` and
``outcome_counts_sql``), and used both by this table and by the metric's scan
(``analytics.metrics.causal.application_patterns`` / ``outcome_patterns``), so the two paths
cannot drift apart; a test still compares them to the last digit
(``tests/analytics/metrics/test_causal_patterns.py``).
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

_ITEM_SEPARATOR = ",\n        "

APPLICATION_COUNTS = ("decided", "hired", "withdrawn")
"""The counts every application contributes to (the hire rate's and withdrawal's patterns)."""
OUTCOME_COUNTS = (
    "offers_decided",
    "offers_accepted",
    "ret_n",
    "ret_k",
    "perf_n",
    "perf_sum",
    "perf_sumsq",
    "mgr_n",
    "mgr_sum",
    "mgr_sumsq",
    "ramp_n",
    "ramp_k",
)
"""The counts and sums after the offer (acceptance, retention, ratings, ramp-up)."""
SUMS = ("perf_sum", "perf_sumsq", "mgr_sum", "mgr_sumsq")
"""The ``OUTCOME_COUNTS`` that are sums of scores (DOUBLE), not counts (BIGINT)."""


def application_counts_sql(alias: str = "a") -> str:
    """The SELECT items of ``APPLICATION_COUNTS``, for the rows ``alias`` (with ``status``).

    One definition for the load-time table and the metric's scan
    (``analytics.metrics.causal.application_patterns``), so the two cannot drift apart."""
    a = alias
    items = (
        f"count(*) FILTER (WHERE {a}.status <> 'open') AS decided",
        f"count(*) FILTER (WHERE {a}.status = 'hired') AS hired",
        f"count(*) FILTER (WHERE {a}.status = 'withdrawn') AS withdrawn",
    )
    return _ITEM_SEPARATOR.join(items)


def outcome_counts_sql(*, as_of: str, ret_days: str, ramp_target: str, alias: str = "a") -> str:
    """The SELECT items of ``OUTCOME_COUNTS``, in that order, for rows ``alias`` carrying the
    offer and hire columns of ``app_outcomes`` (``accepted``, ``has_hire``, ``start_on``,
    ``left_on``, ``perf_12m``, ``manager_satisfaction``, ``ramp_days``).

    ``as_of``, ``ret_days`` and ``ramp_target`` are SQL expressions: the load-time table passes
    its computed as-of date and the default constants, the metric's scan passes query
    parameters (``$as_of``...). One definition for both paths, so they cannot drift apart.

    Ratings (1-5) are scaled to 0-100 as on the Quality page: ``(r - 1) / 4 * 100``."""
    a = alias
    hire = f"{a}.has_hire AND {a}.start_on <= {as_of}"
    followed = f"{hire} AND date_diff('day', {a}.start_on, {as_of}) >= {ret_days}"
    ramp_followed = f"{hire} AND date_diff('day', {a}.start_on, {as_of}) >= {ramp_target}"
    # Unparenthesised, so ``{perf} * {perf}`` is evaluated left to right exactly as in the
    # tables built before this function existed (a database loaded then stays equal, to the
    # last digit, to the scan): ((r - 1) / 4 * 100 * (r - 1)) / 4 * 100, the square.
    perf = f"({a}.perf_12m - 1) / 4.0 * 100"
    mgr = f"({a}.manager_satisfaction - 1) / 4.0 * 100"
    stayed = f"({a}.left_on IS NULL OR date_diff('day', {a}.start_on, {a}.left_on) > {ret_days})"
    items = (
        f"count({a}.accepted) AS offers_decided",
        f"count(*) FILTER (WHERE {a}.accepted) AS offers_accepted",
        f"count(*) FILTER (WHERE {followed}) AS ret_n",
        f"count(*) FILTER (WHERE {followed} AND {stayed}) AS ret_k",
        f"count(*) FILTER (WHERE {hire} AND {a}.perf_12m IS NOT NULL) AS perf_n",
        f"coalesce(sum({perf}) FILTER (WHERE {hire}), 0) AS perf_sum",
        f"coalesce(sum({perf} * {perf}) FILTER (WHERE {hire}), 0) AS perf_sumsq",
        f"count(*) FILTER (WHERE {hire} AND {a}.manager_satisfaction IS NOT NULL) AS mgr_n",
        f"coalesce(sum({mgr}) FILTER (WHERE {hire}), 0) AS mgr_sum",
        f"coalesce(sum({mgr} * {mgr}) FILTER (WHERE {hire}), 0) AS mgr_sumsq",
        f"count(*) FILTER (WHERE {ramp_followed}) AS ramp_n",
        f"count(*) FILTER (WHERE {ramp_followed} AND {a}.ramp_days <= {ramp_target}) AS ramp_k",
    )
    return _ITEM_SEPARATOR.join(items)


# Counted for the dataset's as-of date (the CTE ``p``) and the default follow-up and target.
_APPLICATION_ITEMS = application_counts_sql("a")
_OUTCOME_ITEMS = outcome_counts_sql(
    as_of="p.as_of", ret_days=str(RETENTION_DAYS), ramp_target=str(RAMP_TARGET), alias="a"
)

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
        {_APPLICATION_ITEMS},
        count(*) FILTER (WHERE a.has_outcome) AS outcome_rows,
        {_OUTCOME_ITEMS},
        any_value(p.as_of) AS as_of,
        {RETENTION_DAYS} AS ret_days,
        {RAMP_TARGET} AS ramp_target
    FROM a CROSS JOIN p
    GROUP BY a.role_family, a.seniority, a.region, a.source, month, month_text, a.pipeline
    ORDER BY month, a.pipeline"""
