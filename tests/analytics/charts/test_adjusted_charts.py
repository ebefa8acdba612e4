"""With an adjustment, the Funnel's pass-through chart and the Offers acceptance chart draw the
adjusted difference in points beside the crude one, with the numbers of the results; without
one they are unchanged (one panel, rates only)."""

from __future__ import annotations

import pytest

from analytics.charts import funnel as fc
from analytics.charts import offers as oc
from analytics.domain import Filters
from analytics.metrics import funnel, offers

BY = "role_family"


@pytest.fixture(scope="module")
def cur(demo_con):
    c = demo_con.cursor()
    yield c
    c.close()


def _trace(fig, name):
    return next(tr for tr in fig.data if tr.name == name)


def test_pass_through_chart_shows_adjusted_and_crude_differences(cur):
    result = funnel.funnel(cur, Filters(), adjust_by=BY)
    fig = fc.pass_through_chart(result, "en", title="t")
    comp = result.comparison.sort_values("stage_order")
    adj = _trace(fig, "Adjusted for role family")
    crude = _trace(fig, "Unadjusted")
    assert list(adj.x) == pytest.approx([100 * v for v in comp.adj_diff])
    assert list(adj.error_x.array) == pytest.approx(
        [100 * (h - d) for h, d in zip(comp.adj_high, comp.adj_diff, strict=True)]
    )
    assert list(crude.x) == pytest.approx([100 * v for v in comp["diff"]])
    assert adj.xaxis == "x2" and crude.xaxis == "x2"
    # The star marks exactly the stages clear after Holm, on both panels' shared stage names.
    starred = [y for y in adj.y if y.startswith("★")]
    assert len(starred) == int(comp.clear.sum())
    assert "Difference, unadjusted and adjusted for role family" in {
        a.text for a in fig.layout.annotations
    }


def test_pass_through_chart_without_adjustment_is_one_panel(cur):
    result = funnel.funnel(cur, Filters())
    fig = fc.pass_through_chart(result, "nl", title="t")
    assert len(fig.data) == len(result.pipelines)
    assert "xaxis2" not in fig.to_dict()["layout"]


def test_acceptance_chart_shows_adjusted_and_crude_differences(cur):
    acc = offers.acceptance(cur, Filters())
    adj = offers.acceptance_adjusted(cur, Filters(), BY)
    assert adj is not None and adj.estimable
    fig = oc.acceptance_chart(acc, "en", title="t", adjustment=adj)
    a = _trace(fig, "Adjusted for role family")
    c = _trace(fig, "Unadjusted")
    assert list(a.x) == pytest.approx([100 * adj.diff])
    assert list(a.error_x.arrayminus) == pytest.approx([100 * (adj.diff - adj.ci.low)])
    assert list(c.x) == pytest.approx([100 * adj.crude_diff])
    assert acc.comparison is not None
    assert adj.crude_diff == pytest.approx(acc.comparison.diff)
    plain = oc.acceptance_chart(acc, "en", title="t")
    assert {tr.type for tr in plain.data} == {"bar"}
