"""Statistical primitives for AI vs HI: intervals, tests, effect sizes, corrections, power.

Why this module exists: every number the app shows about a difference between pipelines carries an
interval, a p-value and an effect size, and those must be right at the edges (0/n, n/n, tiny groups,
huge groups) where textbook formulas and some library defaults are wrong. The conventions are fixed
in DESIGN.md ("Statistics conventions"):

- rates: Wilson score interval (Wilson 1927; Newcombe 1998a, method 3);
- differences: Newcombe hybrid score interval (Newcombe 1998b, method 10);
- p-values: Pearson chi-square without continuity correction, Fisher's exact test when an expected
  count is below 5;
- stratified comparisons: Mantel-Haenszel with the Robins-Breslow-Greenland variance;
- many comparisons: Holm by default, Benjamini-Hochberg as an option.

Where scipy or statsmodels implement something correctly we call them and say so; where they are
wrong or missing (statsmodels' Miettinen-Nurminen "score" interval, statsmodels issue 10269; scipy's
default Yates correction on 2x2 tables) we implement the published formula and cite it.

The package, by formula family (each module cites its sources at every formula):

- ``base``: the ``Interval`` type, method names, input checks;
- ``proportions``: one proportion, the difference of two, power, sample size, detectable rate;
- ``tables``: the 2x2 comparison, r x c crosstabs, column letters, Mantel-Haenszel;
- ``means``: t and Welch intervals, Mann-Whitney and Brunner-Munzel;
- ``multiplicity``: Holm, Benjamini-Hochberg, Bonferroni;
- ``survey``: NPS, Kish effective n, design effect, weighted proportions;
- ``weights``: raking and trimming of survey weights;
- ``survival``: Kaplan-Meier, log-rank (from raw durations);
- ``grouped``: the same answers from SQL frequency tables (Kaplan-Meier, medians);
- ``wald``: normal-theory intervals and p-values, the delta method, difference-in-differences;
- ``bootstrap``: parametric bootstrap draws and percentile intervals;
- ``regression``: the logit fit behind the human premium;
- ``impact``: adverse-impact ratios with the Katz interval, Fisher's exact p for 2x2 counts;
- ``effective_n``: Kish effective n, share, mean and NPS intervals from SQL sums of weights;
- ``letters``: banner-table column letters (pooled z, Holm over column pairs);
- ``ranks``: Brunner-Munzel from frequency tables of ordered answers;
- ``grouped_survival``: the log-rank test from SQL counts of events and censored cases.

This package never imports streamlit: it is a plain library, tested against published values.
"""

from __future__ import annotations

from analytics.stats.base import (  # noqa: F401
    ADJUST_METHODS,
    ALTERNATIVES,
    DIFF_METHODS,
    MIN_EXPECTED_FOR_CHI_SQUARE,
    PROPORTION_METHODS,
    AdjustMethod,
    Alternative,
    DiffMethod,
    Interval,
    ProportionMethod,
    _column_label,
    finite,
)
from analytics.stats.bootstrap import (  # noqa: F401
    binomial_rate_draws,
    multinomial_ratio_draws,
    normal_share_draws,
    percentile_interval,
)
from analytics.stats.effective_n import (  # noqa: F401
    kish,
    margin_of_error,
    mean_interval,
    nps_from_shares,
    proportion_interval,
)
from analytics.stats.grouped_survival import logrank_counts  # noqa: F401
from analytics.stats.impact import fisher_exact_p, impact_ratio  # noqa: F401
from analytics.stats.letters import holm_letters  # noqa: F401
from analytics.stats.means import (  # noqa: F401
    RankComparison,
    mean_ci,
    rank_compare,
    welch,
)
from analytics.stats.multiplicity import (  # noqa: F401
    adjust_pvalues,
)
from analytics.stats.proportions import (  # noqa: F401
    _proportion_ci_float,
    detectable_proportion,
    diff_ci,
    power_two_proportions,
    proportion_ci,
    sample_size_two_proportions,
)
from analytics.stats.ranks import GroupedBM, brunner_munzel_counts  # noqa: F401
from analytics.stats.risk_difference import (  # noqa: F401
    StratifiedDifference,
    adjustment_change,
    mh_risk_difference,
)
from analytics.stats.survey import (  # noqa: F401
    NpsResult,
    design_effect,
    kish_effective_n,
    nps,
    weighted_proportion_ci,
)
from analytics.stats.survival import (  # noqa: F401
    KM_COLUMNS,
    LogrankResult,
    _logrank_k_sample,
    kaplan_meier,
    logrank,
    median_survival,
    survival_at,
)
from analytics.stats.tables import (  # noqa: F401
    CrosstabResult,
    MantelHaenszelResult,
    ProportionComparison,
    column_letters,
    compare_proportions,
    crosstab_test,
    mantel_haenszel,
)
from analytics.stats.wald import (  # noqa: F401
    DidEstimate,
    FiellerSet,
    RatioEstimate,
    binomial_variance,
    difference_in_differences,
    fieller,
    odds_ratio_from_logit,
    ratio_delta,
    se_from_interval,
    wald_interval,
    wald_p_value,
)

__all__ = [
    "CrosstabResult",
    "DidEstimate",
    "Interval",
    "LogrankResult",
    "MantelHaenszelResult",
    "NpsResult",
    "ProportionComparison",
    "RankComparison",
    "RatioEstimate",
    "adjust_pvalues",
    "binomial_rate_draws",
    "binomial_variance",
    "column_letters",
    "compare_proportions",
    "crosstab_test",
    "design_effect",
    "detectable_proportion",
    "diff_ci",
    "difference_in_differences",
    "fieller",
    "kaplan_meier",
    "kish_effective_n",
    "logrank",
    "mantel_haenszel",
    "median_survival",
    "multinomial_ratio_draws",
    "normal_share_draws",
    "nps",
    "odds_ratio_from_logit",
    "percentile_interval",
    "power_two_proportions",
    "proportion_ci",
    "rank_compare",
    "ratio_delta",
    "sample_size_two_proportions",
    "se_from_interval",
    "survival_at",
    "wald_interval",
    "wald_p_value",
    "weighted_proportion_ci",
    "StratifiedDifference",
    "adjustment_change",
    "mh_risk_difference",
]
