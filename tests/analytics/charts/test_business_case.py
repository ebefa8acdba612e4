"""Business case figures and sentences on the hand-computed fixture of the metric tests."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from analytics.charts import business_case as bcc
from analytics.domain import Filters
from analytics.metrics import business_case as bc
from tests.analytics.metrics.test_business_case import AS_OF, NET, _fixture, _measure


@pytest.fixture
def fx(con):
    _fixture(con)
    return con


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_figures(fx, lang):
    m = _measure(fx, Filters(), AS_OF)
    a = bc.Assumptions()
    case = bc.business_case(m, a)
    hours = bc.recruiter_hours(m.touchpoints, m.hires, a)
    figs = [
        bcc.value_chart(case, lang, title="t", footnote="f"),
        bcc.tornado_chart(case, lang, title="t", footnote="f"),
        bcc.hours_chart(hours, lang, title="t", footnote="f"),
    ]
    for fig in figs:
        assert isinstance(fig, go.Figure)
        assert fig.data
    value = figs[0].data[0]
    assert np.asarray(value.x)[-1] == pytest.approx(NET)
    assert figs[0].data[1].error_x.arrayminus[0] == pytest.approx(case.net - case.net_ci.low)
    assert len(figs[1].data) == 2  # low and high
    take = bcc.hours_takeaway(case.hours, hours, lang)
    assert ("recruiter" in take.lower()) or ("recruitergesprek" in take.lower())
    assert bcc.fmt_money(1234.4, "nl") == "€ 1.234"
    assert bcc.fmt_money(-1234.4, "en", signed=True) == "−€1,234"
