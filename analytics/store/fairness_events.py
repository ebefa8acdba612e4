"""Every stage event with the application's attributes, built once per data version at load time
(issue 21: the Fairness page and the Business case at a million applications).

Why this table exists: the fairness counts (``analytics.metrics.fairness.step_counts``, one call
per group column, eight on the Fairness page's first screen) and the business case's touchpoint
counts each joined ``stage_events`` to ``applications`` on the text key: about 2 s wall (1 s CPU)
per call at 1M applications on a loaded 2-core machine, 24 s for the page. Reading this
pre-joined table instead takes about a tenth of that per call.

It holds *every* event (re-entries included, unlike ``app_stage``, which keeps the latest per
stage), because both readers count every event: the fairness views every decided event, the
business case every touchpoint. Every ``Filters`` field (application date, role family,
seniority, region, source) and every fairness group column is kept raw (NULL stays NULL), so
``Filters.where`` and the group expressions select exactly the same rows as on the join. Tests
compare both paths row for row (``tests/analytics/metrics/test_fairness_events.py``).
"""

from __future__ import annotations

TABLE = "fairness_events"

FAIRNESS_EVENTS_SQL = f"""
    CREATE OR REPLACE TABLE {TABLE} AS
    SELECT e.stage, e.stage_order, e.touchpoint, e.result, e.format,
           a.applied_on, a.role_family, a.seniority, a.region, a.source, a.pipeline,
           a.gender, a.age_band, a.career_switcher, a.status
    FROM stage_events AS e
    JOIN applications AS a ON a.application_id = e.application_id
    ORDER BY a.applied_on"""
