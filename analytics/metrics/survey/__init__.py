"""Survey analysis: per-question summaries and the banner table (any question by any grouping),
weighted or not.

Why this shape: the answers stay in DuckDB (long form, ``survey_answers``); Python holds only a
respondent-level frame (a few thousand rows: group and weight per respondent) and small count
tables. The respondent frame is registered on the caller's cursor and every count is a SQL
``GROUP BY`` of (answer x group) with the unweighted n, the sum of weights and the sum of squared
weights, so every weighted statistic can use the Kish (1965) effective n of its own cell margin:
n_eff = (sum w)^2 / sum w^2. Without weights every w is 1 and n_eff = n, so the same code gives
the classical unweighted answers.

Which tests use the effective n (said on the page too):
- proportions (top-2-box, column percentages): Wilson interval with n = n_eff of the column;
- chi-square and Cramér's V: the weighted table rescaled to the overall n_eff (a first-order
  design-effect correction, X^2 / deff; Kish 1965, Rao & Scott 1981 use the same idea);
- column letters: the z-test of column proportions with each column's n_eff;
- means: t interval with the weighted variance and n_eff; NPS: Rocks (2016) interval with n_eff;
- ordinal items: Brunner-Munzel on the weighted category counts rescaled to each group's n_eff
  (Mann-Whitney needs whole counts and is given only without weights).

Groups (banner columns) whose unweighted n is below ``PRIVACY_THRESHOLD`` are suppressed: their
numbers are not returned to the page and they take no part in any test.

The package holds one module per question (``catalogue``: what a survey holds; ``weights``: who
answered and how much each counts; ``banner``: one question by a grouping; ``comments``: free
text; ``headlines``: all questions at a glance); the formulas on count tables live in
``analytics.stats`` (``effective_n``, ``letters``, ``ranks``) and are re-exported here for the
callers that used them from this module.
"""

from __future__ import annotations

from analytics.metrics.survey.banner import (
    Banner,
    ColumnSummary,
    RankPair,
    banner_table,
    group_frame,
)
from analytics.metrics.survey.catalogue import (
    BANNER_KINDS,
    BASE_BANNERS,
    CATEGORICAL,
    MISSING_LEVEL,
    NO_GROUP,
    ORDINAL,
    PIPELINE_ORDER,
    TOTAL,
    QuestionInfo,
    SurveyAnalysisError,
    list_surveys,
    question,
    questions,
)
from analytics.metrics.survey.comments import (
    free_text,
)
from analytics.metrics.survey.headlines import (
    HEADLINE_KINDS,
    HeadlineRow,
    headline_rows,
)
from analytics.metrics.survey.weights import (
    WeightResult,
    WeightSpec,
    application_shares,
    compute_weights,
    population_targets,
    respondent_frame,
    sample_shares,
)
from analytics.stats.effective_n import (
    Z95,
    kish,
    margin_of_error,
    mean_interval,
    nps_from_shares,
    proportion_interval,
)
from analytics.stats.letters import (
    holm_letters,
)
from analytics.stats.ranks import (
    GroupedBM,
    brunner_munzel_counts,
)

__all__ = [
    "BANNER_KINDS",
    "BASE_BANNERS",
    "Banner",
    "CATEGORICAL",
    "ColumnSummary",
    "GroupedBM",
    "HEADLINE_KINDS",
    "HeadlineRow",
    "MISSING_LEVEL",
    "NO_GROUP",
    "ORDINAL",
    "PIPELINE_ORDER",
    "QuestionInfo",
    "RankPair",
    "SurveyAnalysisError",
    "TOTAL",
    "WeightResult",
    "WeightSpec",
    "Z95",
    "application_shares",
    "banner_table",
    "brunner_munzel_counts",
    "compute_weights",
    "free_text",
    "group_frame",
    "headline_rows",
    "holm_letters",
    "kish",
    "list_surveys",
    "margin_of_error",
    "mean_interval",
    "nps_from_shares",
    "population_targets",
    "proportion_interval",
    "question",
    "questions",
    "respondent_frame",
    "sample_shares",
]
