"""The hiring funnel: where candidates are lost, per pipeline, and how the pipelines differ.

Metric definitions (DESIGN.md, shown in the page's help text):

- cohort: applications by application date, through the shared filters; open applications
  (``applications.status = 'open'``) are left out of every rate unless ``include_open`` is set;
- ever-reached: an application reached stage s when it has an event at any stage with order >= s,
  so a skipped stage counts as passed and a rejected candidate counts at every stage reached;
- re-entries: one application at one stage counts once; its outcome is that of its latest event
  at that stage (latest ``entered_on``);
- pass-through at s = reached(next stage) / reached(s); cumulative conversion at s =
  reached(s) / reached(first stage);
- drop-off at s splits into candidate withdrawal and company rejection: applications whose last
  event (the furthest stage) is at s with result ``withdrawn`` / ``rejected``, as shares of those
  who reached s;
- time in stage = exited_on - entered_on (days) of the latest event per application and stage;
- time to offer = offers.offered_on - applied_on, per pipeline, as a cumulative incidence: the
  share of applications with an offer by day t. Open applications are censored at the as-of date.
  Closed applications without an offer (rejected, withdrawn) can never get one: they stay in the
  risk set until the as-of date, the "censoring complete" treatment of a competing event (Fine &
  Gray 1999, JASA 94:496-509, section 2), under which 1 - Kaplan-Meier equals the cumulative
  incidence function. (Censoring them at their last event date would instead estimate the chance
  of an offer *while still in the process*, which overstates offer chances many times over.)
  Open applications are always part of this curve, whatever ``include_open`` says.

Every aggregation happens in DuckDB; Python receives one row per pipeline x stage (x stratum), or
small (day, count) tables for the time metrics.

The package holds one module per question (``cohort``: who is counted; ``stages``: where
candidates are lost; ``dropoff``: why; ``timing``: how long; ``breakdown``: by group; ``tables``:
the export tables); this file re-exports their public names, so callers keep writing
``from analytics.metrics import funnel; funnel.funnel(...)``.
"""

from __future__ import annotations

from analytics.metrics.funnel.breakdown import BREAKDOWN_TARGETS, breakdown
from analytics.metrics.funnel.cohort import (
    FUNNEL_DERIVED,
    open_count,
    stage_catalogue,
    stage_counts,
)
from analytics.metrics.funnel.dropoff import (
    first_human_contact,
    touchpoint_formats,
    withdrawal_reasons,
)
from analytics.metrics.funnel.stages import (
    CLEAR_ALPHA,
    FunnelResult,
    OverallWithdrawal,
    funnel,
    overall_withdrawal,
)
from analytics.metrics.funnel.tables import comparison_table, family_labels, stages_table
from analytics.metrics.funnel.timing import (
    TimeToOffer,
    logrank_counts,
    stage_duration_counts,
    stage_times,
    time_to_offer,
    time_to_offer_counts,
)

__all__ = [
    "BREAKDOWN_TARGETS",
    "CLEAR_ALPHA",
    "FUNNEL_DERIVED",
    "FunnelResult",
    "OverallWithdrawal",
    "TimeToOffer",
    "breakdown",
    "comparison_table",
    "family_labels",
    "first_human_contact",
    "funnel",
    "logrank_counts",
    "open_count",
    "overall_withdrawal",
    "stage_catalogue",
    "stage_counts",
    "stage_duration_counts",
    "stage_times",
    "stages_table",
    "time_to_offer",
    "time_to_offer_counts",
    "touchpoint_formats",
    "withdrawal_reasons",
]
