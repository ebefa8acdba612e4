"""Funnel figures and takeaways on the hand-made fixture (figure builders tested directly:
AppTest cannot read plotly charts)."""

from __future__ import annotations

import dataclasses

import pytest

from analytics.charts import funnel as fc
from analytics.domain import Filters
from analytics.i18n import label, t
from analytics.metrics import funnel
from tests.analytics.metrics.funnel_fixture import AS_OF, connect_fixture


@pytest.fixture(scope="module")
def cur():
    con = connect_fixture()
    c = con.cursor()
    yield c
    c.close()
    con.close()


def test_figures(cur):
    result = funnel.funnel(cur, Filters())
    fig = fc.funnel_chart(result, "en", title="T", footnote="F")
    bars = [tr for tr in fig.data if tr.type == "bar"]  # the rest: counts past short bars
    assert len(bars) == 2 and fig.layout.title.text == "T"
    assert fig.data[0].name == label("pipeline", "human_first", "en")
    assert list(fig.data[0].y) == ["First screen", "Assessment", "Interview", "Offer"]
    assert fig.data[0].x[0] == pytest.approx(100.0)
    assert fig.data[0].marker.color == "#0072B2"
    fig = fc.pass_through_chart(result, "nl", title="P")
    assert len(fig.data) == 2 and len(fig.data[0].y) == 3
    fig = fc.dropoff_chart(result, "en", title="D")
    assert len(fig.data) == 4
    reasons = funnel.withdrawal_reasons(cur, Filters())
    assert len(fc.reasons_chart(reasons, "en", title="R").data) == 2
    contact = funnel.first_human_contact(cur, Filters())
    assert len(fc.first_contact_chart(contact, "en", title="C").data) == 2
    labels = fc.stage_labels(result, "nl")
    assert labels["screen"] == "Eerste selectie"
    formats = funnel.touchpoint_formats(cur, Filters())
    assert len(fc.formats_chart(formats, labels, "en", title="Fm").data) == 2
    times = funnel.stage_times(cur, Filters())
    assert len(fc.stage_time_chart(times, labels, "en", title="Ti").data) == 2
    tto = funnel.time_to_offer(cur, Filters(), AS_OF)
    km = fc.km_chart(tto, "en", title="K")
    assert len(km.data) == 4 and km.layout.title.text == "K"
    table = funnel.breakdown(cur, Filters(), "role_family")
    fig = fc.breakdown_chart(table, {}, "axis", "en", title="B")
    assert len(fig.data) == 2 and list(fig.data[0].x) == ["engineering", "sales"]


def test_takeaways_name_the_n(cur):
    result = funnel.funnel(cur, Filters())
    assert "n = 8 and 8" in fc.takeaway_funnel(result, "en")
    assert "n = 8 en 8" in fc.takeaway_funnel(result, "nl")
    assert "n = 16" in fc.takeaway_pass(result, "en")
    # Withdrawn anywhere: 3 of 8 in both pipelines (screen, assessment, declined offer / 2 + 1).
    assert "37.5% of human-first vs 37.5%" in fc.takeaway_dropoff(result, "en")
    for text in (
        fc.takeaway_reasons(funnel.withdrawal_reasons(cur, Filters()), "nl"),
        fc.takeaway_contact(funnel.first_human_contact(cur, Filters()), "en"),
        fc.takeaway_km(funnel.time_to_offer(cur, Filters(), AS_OF), "en"),
    ):
        assert "n = " in text


def test_dropoff_takeaway_reads_the_comparison_of_the_result(cur):
    result = funnel.funnel(cur, Filters())
    assert fc.overall_withdrawal(result) == {"human_first": (3, 8), "automation_first": (3, 8)}
    # Without the metric's comparison the chart says nothing rather than computing one.
    bare = dataclasses.replace(result, withdrawal=None)
    assert fc.takeaway_dropoff(bare, "en") == t("funnel.take.empty", "en")
    assert fc.overall_withdrawal(bare) == {}
