"""Plotly figures and one-line takeaways for the funnel page. Results in, figure out; never query,
never a statistic (the comparisons come with the metric results).

Every figure: a title (the page passes the takeaway, which states the finding and the n), axis
labels with units, 95% intervals as error bars or bands, pipeline colours from
``analytics.charts.pipeline_color`` in the fixed order.

One module per part of the page (``stages``: the funnel, pass-through, drop-off, reasons;
``steps``: first contact, formats, breakdown; ``timing``: time in stage and to offer;
``takeaways``: the sentences; ``labels``: what they share); this file re-exports them so callers
keep writing ``from analytics.charts import funnel as fc; fc.funnel_chart(...)``.
"""

from __future__ import annotations

from analytics.charts.funnel.labels import format_label, stage_labels, step_label
from analytics.charts.funnel.stages import (
    dropoff_chart,
    funnel_chart,
    pass_through_chart,
    reasons_chart,
)
from analytics.charts.funnel.steps import breakdown_chart, first_contact_chart, formats_chart
from analytics.charts.funnel.takeaways import (
    TAKEAWAY_DAY,
    offered_by,
    overall_withdrawal,
    takeaway_breakdown,
    takeaway_contact,
    takeaway_dropoff,
    takeaway_formats,
    takeaway_funnel,
    takeaway_km,
    takeaway_pass,
    takeaway_reasons,
    takeaway_time,
)
from analytics.charts.funnel.timing import km_chart, stage_time_chart

__all__ = [
    "TAKEAWAY_DAY",
    "breakdown_chart",
    "dropoff_chart",
    "first_contact_chart",
    "format_label",
    "formats_chart",
    "funnel_chart",
    "km_chart",
    "offered_by",
    "overall_withdrawal",
    "pass_through_chart",
    "reasons_chart",
    "stage_labels",
    "stage_time_chart",
    "step_label",
    "takeaway_breakdown",
    "takeaway_contact",
    "takeaway_dropoff",
    "takeaway_formats",
    "takeaway_funnel",
    "takeaway_km",
    "takeaway_pass",
    "takeaway_reasons",
    "takeaway_time",
]
