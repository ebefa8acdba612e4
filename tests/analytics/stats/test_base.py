"""Tests for analytics.stats.base: the Interval helpers and finite().

Every expected number below comes from a publication, R's documentation/output, a hand
calculation from the cited formula, or a peer library (scipy/statsmodels) — never from the
function under test. Sources are named next to each test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analytics.stats import (
    Interval,
)

# ---------------------------------------------------------------------------------------------
# Interval helper
# ---------------------------------------------------------------------------------------------


def test_interval_helpers() -> None:
    ci = Interval(0.1, 0.3)
    assert ci.excludes(0.0) and not ci.excludes(0.2) and ci.contains(0.3)
    assert not Interval(math.nan, math.nan).excludes(0.0)


def test_finite_accepts_numbers_and_rejects_missing():

    from analytics.stats import finite

    assert finite(1) and finite(np.int64(3)) and finite(np.float64(0.5)) and finite("2,5") is False
    assert not finite(None) and not finite(float("nan")) and not finite(np.inf)
    assert not finite(pd.NA) and not finite("x")
