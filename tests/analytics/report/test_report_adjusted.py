"""With an adjustment chosen, every slide that shows an adjustable metric carries the adjusted
answer, and the deck (slide model, PowerPoint chart, HTML report) shows the same numbers as the
pages with that adjustment: one number per metric everywhere (issue 17)."""

from __future__ import annotations

import html
from io import BytesIO

import pytest
from pptx import Presentation

from analytics import demo, findings, report, store
from analytics.charts import funnel as fc
from analytics.charts import offers as oc
from analytics.domain import Filters
from analytics.i18n import fmt_points
from analytics.metrics import funnel, offers, overview
from analytics.report import slides
from analytics.report.slides import Deck, Slide
from analytics.report.titles import split_title

BY = "role_family"


@pytest.fixture(scope="module")
def con():
    connection = store.connect(":memory:")
    demo.build(connection, 4000, seed=5)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def deck(con) -> Deck:
    return slides.build_deck(
        con.cursor(), Filters(), "en", kinds=("headline", "funnel", "offers"), adjust_by=BY
    )


def _slide(deck: Deck, key: str) -> Slide:
    return next(s for s in deck.slides if s.key == key)


def _pptx_chart(deck: Deck, key: str):
    prs = Presentation(BytesIO(report.to_pptx(deck)))
    index = [s.key for s in deck.slides].index(key) + 1  # after the cover
    return next(sh.chart for sh in prs.slides[index].shapes if sh.has_chart)


def test_funnel_slide_is_the_adjusted_pass_through(con, deck):
    result = funnel.funnel(con.cursor(), Filters(), adjust_by=BY)
    slide = _slide(deck, "funnel")
    comp = result.comparison.sort_values("stage_order")
    assert slide.title == fc.takeaway_pass(result, "en")
    assert slide.title.startswith("Adjusted for role family")
    crude, adjusted = slide.chart.series
    assert adjusted.name == "Adjusted for role family"
    assert list(adjusted.values) == [round(100 * v, 2) for v in comp.adj_diff]
    assert list(adjusted.low) == [round(100 * v, 2) for v in comp.adj_low]
    assert list(adjusted.high) == [round(100 * v, 2) for v in comp.adj_high]
    assert list(crude.values) == [round(100 * v, 2) for v in comp["diff"]]
    # The figure is the page's pass-through chart with its adjusted panel.
    names = {tr.name for tr in slide.figure.data}
    assert {"Unadjusted", "Adjusted for role family"} <= names
    # The exported table is the page's comparison table.
    assert slide.table.equals(funnel.comparison_table(result, "en"))


def test_funnel_slide_withdrawal_is_the_overview_adjusted_one(con, deck):
    info = store.dataset_info(con)
    head = overview.headline(con.cursor(), Filters(), as_of=info.as_of, adjust_by=BY)
    adj = head.metrics["withdrawal"].adjustment
    assert adj is not None and adj.estimable
    slide = _slide(deck, "funnel")
    assert slide.finding == findings.metric_finding(head.metrics["withdrawal"], "en")
    assert fmt_points(adj.diff, "en", signed=True) in slide.finding
    # ... and the headline slide leads with the same sentence.
    assert _slide(deck, "headline").title == slide.finding


def test_offers_slide_is_the_adjusted_acceptance(con, deck):
    acc = offers.acceptance(con.cursor(), Filters())
    adj = offers.acceptance_adjusted(con.cursor(), Filters(), BY)
    assert adj is not None and adj.estimable
    slide = _slide(deck, "offers")
    assert slide.title == oc.takeaway_acceptance(acc, "en", adj)
    assert fmt_points(adj.diff, "en", signed=True) in slide.title
    crude, adjusted = slide.chart.series
    assert adjusted.values == (round(100 * adj.diff, 2),)
    assert adjusted.low == (round(100 * adj.ci.low, 2),)
    assert adjusted.high == (round(100 * adj.ci.high, 2),)
    assert crude.values == (round(100 * adj.crude_diff, 2),)
    table = offers.acceptance_table(acc, "en", adj)
    assert slide.table.equals(table)
    assert set(table["Difference adjusted for role family (points)"]) == {round(100 * adj.diff, 2)}


def test_pptx_and_html_carry_the_adjusted_numbers(deck):
    for key in ("headline", "funnel", "offers"):
        slide = _slide(deck, key)
        chart = _pptx_chart(deck, key)
        series = {s.name: list(s.values) for s in chart.plots[0].series}
        expected = slide.chart.series[1]
        assert expected.name.startswith("Adjusted for role family")
        assert series[expected.name] == list(expected.values)
    page = report.to_html(deck)
    for slide in deck.slides:
        # the title sentence whole across the section's heading and its subtitle
        short, numbers = split_title(slide.title)
        assert f"{html.escape(short)}</h2>" in page
        assert html.escape(numbers) in page


def test_without_adjustment_the_slides_are_unchanged(con):
    deck = slides.build_deck(con.cursor(), Filters(), "en", kinds=("funnel", "offers"))
    result = funnel.funnel(con.cursor(), Filters())
    assert _slide(deck, "funnel").title == fc.takeaway_dropoff(result, "en")
    assert [s.pipeline for s in _slide(deck, "offers").chart.series] == [
        "human_first",
        "automation_first",
    ]
