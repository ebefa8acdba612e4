"""Survey figures built from hand-made banners (figure builders tested directly: AppTest cannot
read plotly charts)."""

from __future__ import annotations

import numpy as np
import pytest

from analytics import store
from analytics.charts import survey as sc
from analytics.metrics import survey as sv
from analytics.stats.effective_n import proportion_interval
from tests.analytics.metrics.survey_fixture import LIKERT, _banner, _load, _rows


def test_chart_builders_centre_neutral_and_draw_intervals():
    table = {
        "human_first": dict(zip(LIKERT, [2, 5, 10, 20, 13], strict=True)),
        "automation_first": dict(zip(LIKERT, [6, 12, 14, 10, 8], strict=True)),
    }
    con = store.connect()
    sid = _load(con, [("l", "likert", LIKERT)], _rows(table, "l"))
    b = _banner(con, sid, "l")
    names = {sv.TOTAL: "Total", "human_first": "Human-first", "automation_first": "Automation"}
    fig = sc.likert_chart(b, names, "en", title="t", footnote="f")
    neutral = [tr for tr in fig.data if tr.name == "Neutral"]
    assert len(neutral) == 2  # split around zero
    np.testing.assert_allclose(np.abs(neutral[0].x), np.abs(neutral[1].x))
    # human-first: Neutral 10/50 -> 10 points each side; Disagree starts at -10 and is 10 long
    hf = 1  # row order: Total, human-first, automation-first
    assert neutral[1].x[hf] == pytest.approx(10.0)
    disagree = next(tr for tr in fig.data if tr.name == "Disagree")
    assert disagree.base[hf] == pytest.approx(-10.0) and disagree.x[hf] == pytest.approx(-10.0)
    agree = next(tr for tr in fig.data if tr.name == "Agree")
    assert agree.base[hf] == pytest.approx(10.0) and agree.x[hf] == pytest.approx(40.0)
    assert "n=50" in fig.data[0].y[hf]
    summary = sc.summary_chart(b, names, "en", title="t", footnote="f")
    bar = summary.data[0]
    ci = b.summaries["human_first"].top_box_ci
    assert bar.y[1] == pytest.approx(66.0)
    assert bar.error_y.array[1] == pytest.approx((ci.high - 0.66) * 100)
    shares = sc.shares_chart(b, names, "en", title="t", footnote="f")
    assert len(shares.data) == 3  # one trace per column, each with its Wilson interval
    proportion = b.shares.at["Agree", "human_first"]
    low = proportion_interval(proportion, 50).low
    assert shares.data[1].error_x.arrayminus[3] == pytest.approx((proportion - low) * 100)
    # The chart draws the banner's own intervals: they are not recomputed in the figure.
    assert b.shares_low.at["Agree", "human_first"] == pytest.approx(low)
    high = b.shares_high.at["Agree", "human_first"]
    assert shares.data[1].error_x.array[3] == pytest.approx((high - proportion) * 100)
