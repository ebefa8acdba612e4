"""Statistics from weighted sums with the Kish (1965) effective sample size.

Why a module of its own: the survey banner counts answers in SQL as (unweighted n, sum of
weights, sum of squared weights, sum of w x, sum of w x^2) per cell and margin, so every
interval here starts from those sums, never from respondent-level rows. With weights,
n_eff = (sum w)^2 / sum w^2 stands in for n (Kish 1965, *Survey Sampling*, section 11.7);
without weights every w is 1 and n_eff = n, so the same formulas give the classical answers.
"""

from __future__ import annotations

import math

from scipy import stats as sps

from analytics.stats.base import Interval
from analytics.stats.proportions import _proportion_ci_float
from analytics.stats.survey import NpsResult, nps_interval

Z95 = float(sps.norm.ppf(0.975))


def kish(w: float, w2: float) -> float:
    """Kish effective n from the sum of weights and the sum of squared weights."""
    return (w * w / w2) if w2 > 0 else 0.0


def proportion_interval(share: float, n_eff: float) -> Interval:
    """Wilson interval for a (weighted) share with n = n_eff (Kish 1965; stats module's
    effective-n path, the same as ``stats.weighted_proportion_ci``)."""
    if n_eff <= 0 or not math.isfinite(share):
        return Interval(0.0, 1.0)
    return _proportion_ci_float(share * n_eff, n_eff, 0.95, "wilson")


def mean_interval(w: float, wx: float, wx2: float, n_eff: float) -> tuple[float, Interval]:
    """Weighted mean with a t interval: variance sum w (x - m)^2 / sum w with the n_eff/(n_eff-1)
    correction, se = sd / sqrt(n_eff) (unweighted: the usual s / sqrt(n))."""
    if w <= 0:
        return math.nan, Interval(math.nan, math.nan)
    mean = wx / w
    if n_eff <= 1:
        return mean, Interval(math.nan, math.nan)
    var = max(wx2 / w - mean * mean, 0.0) * n_eff / (n_eff - 1.0)
    half = float(sps.t.ppf(0.975, n_eff - 1.0)) * math.sqrt(var / n_eff)
    return mean, Interval(mean - half, mean + half)


def nps_from_shares(promoters: float, detractors: float, n_eff: float) -> NpsResult:
    """NPS and its interval from (weighted) shares and n_eff: the formulas of ``stats.nps``
    (Rocks 2016 adjusted Wald, ``stats.survey.nps_interval``), which needs respondent-level
    scores; the page has only the counts."""
    score = 100.0 * (promoters - detractors)
    if n_eff <= 0:
        return NpsResult(math.nan, math.nan, Interval(-100.0, 100.0), 0.0, *[math.nan] * 3)
    se = 100.0 * math.sqrt(max(promoters + detractors - (promoters - detractors) ** 2, 0.0) / n_eff)
    return NpsResult(
        nps=score,
        se=se,
        ci=nps_interval(promoters, detractors, n_eff),
        n=n_eff,
        promoters=promoters,
        passives=max(1.0 - promoters - detractors, 0.0),
        detractors=detractors,
    )


def margin_of_error(n_eff: float) -> float:
    """Largest 95% margin of error of a share (at 50%), 1.96 sqrt(0.25 / n_eff)."""
    return Z95 * math.sqrt(0.25 / n_eff) if n_eff > 0 else math.nan
