"""``grouped_survival.logrank_result`` (day counts) gives what ``stats.logrank`` gives on one
duration per subject (scipy's ``logrank`` for two groups, the k-sample formula for more)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from analytics import stats
from analytics.stats.grouped_survival import logrank_result


def _counts(days: np.ndarray, events: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"days": days, "event": events.astype(bool)})
    return (
        frame.groupby("days")
        .agg(events=("event", "sum"), censored=("event", lambda e: int((~e).sum())))
        .reset_index()
    )


def _group(draw_days, draw_events):
    days = np.asarray(draw_days, dtype=float)
    return days, np.asarray(draw_events[: days.size], dtype=bool)


groups = st.integers(5, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 40), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(st.lists(groups, min_size=2, max_size=3))
def test_same_as_the_per_subject_test(drawn):
    raw = {f"g{i}": _group(d, e) for i, (d, e) in enumerate(drawn)}
    expected = stats.logrank(raw)
    got = logrank_result({name: _counts(*pair) for name, pair in raw.items()})
    assert got.dof == expected.dof
    for name in raw:
        assert got.observed[name] == pytest.approx(expected.observed[name])
        assert got.expected[name] == pytest.approx(expected.expected[name], rel=1e-9, abs=1e-9)
    if math.isnan(expected.p_value):
        assert math.isnan(got.p_value)
    else:
        assert got.statistic == pytest.approx(expected.statistic, rel=1e-7, abs=1e-9)
        assert got.p_value == pytest.approx(expected.p_value, rel=1e-7, abs=1e-12)


def test_two_groups_against_scipy_directly():
    # The peer implementation on the same sample: scipy's two-sample log-rank (z; z^2 = chi^2).
    rng = np.random.default_rng(3)
    t1, t2 = rng.integers(0, 300, 400), rng.integers(0, 300, 350)
    e1, e2 = rng.random(400) < 0.6, rng.random(350) < 0.4
    res = sps.logrank(
        sps.CensoredData(uncensored=t1[e1], right=t1[~e1]),
        sps.CensoredData(uncensored=t2[e2], right=t2[~e2]),
    )
    got = logrank_result({"a": _counts(t1, e1), "b": _counts(t2, e2)})
    assert got.statistic == pytest.approx(float(res.statistic) ** 2, rel=1e-9)
    assert got.p_value == pytest.approx(float(res.pvalue), rel=1e-9)
