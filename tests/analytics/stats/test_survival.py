"""Tests for analytics.stats.survival: Kaplan-Meier and log-rank (Freireich 6-MP data, Gehan 1965;
statsmodels survdiff).

Every expected number below comes from a publication, R's documentation/output, a hand
calculation from the cited formula, or a peer library (scipy/statsmodels) — never from the
function under test. Sources are named next to each test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.duration.survfunc import survdiff

from analytics.stats import (
    kaplan_meier,
    logrank,
    median_survival,
    survival_at,
)

Z95 = sps.norm.ppf(0.975)


# ---------------------------------------------------------------------------------------------
# Survival: Freireich et al. (1963) 6-MP leukaemia remission data (Gehan 1965)
# ---------------------------------------------------------------------------------------------

MP6_TIMES = [6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]
MP6_EVENTS = [1] * 9 + [0] * 12
PLACEBO_TIMES = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def test_kaplan_meier_freireich_6mp() -> None:
    # S(t): Kleinbaum & Klein, Survival Analysis (3rd ed.), ch. 2, 6-MP group. The 95% log-log
    # limits are those printed by Stata's sts list (log-log is its default) and by R's
    # survfit(conf.type = "log-log"), to 3 decimals; recomputed independently below as well.
    published = {
        6: (0.857, 0.620, 0.952),
        7: (0.807, 0.563, 0.923),
        10: (0.753, 0.503, 0.889),
        13: (0.690, 0.432, 0.849),
        16: (0.627, 0.368, 0.805),
        22: (0.538, 0.268, 0.747),
        23: (0.448, 0.188, 0.680),
    }
    km = kaplan_meier(MP6_TIMES, MP6_EVENTS)
    assert list(km.columns[:5]) == ["time", "survival", "low", "high", "at_risk"]
    assert km["time"].tolist() == [0, 6, 7, 10, 13, 16, 22, 23]
    assert km["at_risk"].tolist() == [21, 21, 17, 15, 12, 11, 7, 6]
    for time, (s, low, high) in published.items():
        row = km.loc[km["time"] == time].iloc[0]
        assert row["survival"] == pytest.approx(s, abs=5e-4)
        assert row["low"] == pytest.approx(low, abs=5e-4)
        assert row["high"] == pytest.approx(high, abs=5e-4)
    # Independent recomputation: product-limit estimate, Greenwood (1926) sum d / (n (n - d)),
    # log-log limits S^exp(+/- z sqrt(sum) / |log S|) (Kalbfleisch & Prentice 2002, eq. 1.11).
    survival, greenwood = 1.0, 0.0
    for row in km.iloc[1:].itertuples():
        n_risk, deaths = row.at_risk, row.events
        survival *= 1 - deaths / n_risk
        greenwood += deaths / (n_risk * (n_risk - deaths))
        spread = Z95 * math.sqrt(greenwood) / abs(math.log(survival))
        assert row.survival == pytest.approx(survival)
        assert row.low == pytest.approx(survival ** math.exp(spread))
        assert row.high == pytest.approx(survival ** math.exp(-spread))


def test_survival_at_and_median() -> None:
    km = kaplan_meier(MP6_TIMES, MP6_EVENTS)
    assert survival_at(km, 3) == (1.0, 1.0, 1.0)
    assert survival_at(km, 12)[0] == pytest.approx(0.753, abs=5e-4)  # step held from t = 10
    assert survival_at(km, 13)[0] == pytest.approx(0.690, abs=5e-4)
    assert survival_at(km, -1) == (1.0, 1.0, 1.0)
    # Published medians (Kleinbaum & Klein): 6-MP 23 weeks, placebo 8 weeks.
    assert median_survival(km) == 23
    assert median_survival(kaplan_meier(PLACEBO_TIMES, [1] * 21)) == 8
    assert math.isnan(median_survival(kaplan_meier([5, 6, 7], [1, 0, 0])))


def test_kaplan_meier_edges_and_errors() -> None:
    censored_only = kaplan_meier([3, 4], [0, 0])
    assert censored_only["survival"].tolist() == [1.0]
    to_zero = kaplan_meier([1, 2, 3], [True, True, True])
    assert to_zero["survival"].iloc[-1] == 0.0 and np.isnan(to_zero["high"].iloc[-1])
    with pytest.raises(ValueError, match="negative"):
        kaplan_meier([-1, 2], [1, 1])
    with pytest.raises(ValueError, match="length"):
        kaplan_meier([1, 2], [1])
    with pytest.raises(ValueError, match="observed"):
        kaplan_meier([1, 2], [1, 2])


def test_logrank_freireich() -> None:
    # Published: log-rank chi-square 16.79 on 1 df, p = 4.17e-05 (R survdiff on the Gehan data).
    res = logrank({"6-MP": (MP6_TIMES, MP6_EVENTS), "placebo": (PLACEBO_TIMES, [1] * 21)})
    assert res.statistic == pytest.approx(16.79, abs=5e-3)
    assert res.p_value == pytest.approx(4.17e-5, rel=2e-3)
    assert res.dof == 1
    assert res.observed == {"6-MP": 9.0, "placebo": 21.0}
    assert res.expected["6-MP"] == pytest.approx(19.25, abs=5e-3)  # survdiff "Expected" column


def test_logrank_k_sample_matches_statsmodels_survdiff() -> None:
    rng = np.random.default_rng(3)
    times = np.round(rng.exponential(10, size=60)) + 1
    status = rng.random(60) < 0.7
    group = np.repeat(["a", "b", "c"], 20)
    times[group == "c"] += 4
    peer_stat, peer_p = survdiff(times, status.astype(int), group)
    res = logrank({g: (times[group == g], status[group == g]) for g in ["a", "b", "c"]})
    assert res.dof == 2
    assert res.statistic == pytest.approx(peer_stat)
    assert res.p_value == pytest.approx(peer_p)
    with pytest.raises(ValueError, match="at least two"):
        logrank({"a": (times, status)})
    with pytest.raises(ValueError, match="group 'b': no durations"):
        logrank({"a": (times, status), "b": ([], [])})
