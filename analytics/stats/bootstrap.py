"""The parametric bootstrap: draws of measured rates from their sampling distributions, and the
percentile interval of whatever is computed from them.

Why this module exists: the Business case's net value is a non-linear function of several rates
(1 / acceptance, withdrawals per hire, retention), so its interval comes from simulation rather
than a closed formula. The draws and the percentile rule are statistics and live here; the money
formula that turns a draw into euros stays with the metric.

Method: Efron & Tibshirani (1993), An Introduction to the Bootstrap, chapter 6 (the parametric
bootstrap) and chapter 13 (percentile intervals). Tested in tests/analytics/stats/test_bootstrap.py.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from analytics.stats.base import Interval, _check_conf


def binomial_rate_draws(
    k: int, n: int, *, draws: int, rng: np.random.Generator, floor: float = 0.5
) -> np.ndarray:
    """Draws of the rate k/n: Binomial(n, k/n) / n, with each draw's count floored at ``floor``
    (a draw of 0 successes would make 1 / rate infinite; half a success is the usual
    continuity floor).

    At 0% or 100% (k = 0 or k = n) Binomial(n, k/n) never varies, which would treat the rate as
    known without error (issue 17); there the draws come from the Jeffreys distribution
    Beta(k + 1/2, n - k + 1/2) (Brown, Cai & DasGupta 2001, Stat Sci 16:101-133, whose
    quantiles are the Jeffreys interval), floored the same way."""
    if n > 0 and k in (0, n):
        rates = rng.beta(k + 0.5, n - k + 0.5, draws)
        return np.maximum(rates * n, floor) / n
    return np.maximum(rng.binomial(n, k / n, draws), floor) / n


def multinomial_ratio_draws(
    num: int, den: int, n: int, *, draws: int, rng: np.random.Generator, floor: float = 0.5
) -> np.ndarray:
    """Draws of the ratio num / den of two categories among n: (num, den, rest) ~
    Multinomial(n, observed shares), each draw's den floored at ``floor``."""
    shares = [num / n, den / n, max(0.0, 1.0 - (num + den) / n)]
    shares = [s / sum(shares) for s in shares]
    draw = rng.multinomial(n, shares, draws)
    return draw[:, 0] / np.maximum(draw[:, 1], floor)


def normal_share_draws(
    value: float, se: float, *, draws: int, rng: np.random.Generator
) -> np.ndarray:
    """Draws of a share from Normal(value, se), clipped to [0, 1]; a non-finite se counts as 0
    (the value is then treated as known)."""
    se = se if math.isfinite(se) else 0.0
    return np.clip(rng.normal(value, se, draws), 0.0, 1.0)


def percentile_interval(samples: ArrayLike, conf: float = 0.95) -> Interval:
    """The bootstrap percentile interval: the (1 - conf)/2 and (1 + conf)/2 quantiles of the
    draws (Efron & Tibshirani 1993, section 13.3; numpy's linear interpolation)."""
    conf = _check_conf(conf)
    values = np.asarray(samples, dtype=float)
    tail = (1 - conf) / 2 * 100
    return Interval(float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail)))
