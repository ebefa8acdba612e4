"""The slides, the HTML report and the PowerPoint deck, opened and read back (the ``report``
command is tested in tests/analytics/test_cli.py).

The numbers on the slides are checked against the analytics functions the pages call (a deck
must be traceable to the app), the deck is opened with python-pptx (native charts with those
values, error bars, finding text, demo label, Dutch), and the HTML is checked for being offline
(plotly.js once, no script loaded from the network).
"""

from __future__ import annotations

import html
import re
import zipfile
from io import BytesIO

import pandas as pd
import plotly.graph_objects as go
import pytest
from lxml import etree
from pptx import Presentation

from analytics import demo, report, store
from analytics.domain import Filters
from analytics.metrics import offers, overview, quality
from analytics.report import slides
from analytics.report.slides import Deck, Slide
from analytics.report.titles import split_title


@pytest.fixture(scope="module")
def con():
    connection = store.connect(":memory:")
    demo.build(connection, 4000, seed=5)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def decks(con):
    return {lang: slides.build_deck(con.cursor(), Filters(), lang) for lang in ("en", "nl")}


def _slide(deck: Deck, key: str) -> Slide:
    return next(s for s in deck.slides if s.key == key)


# --- the slides --------------------------------------------------------------------------------


def test_every_available_kind_is_a_slide(decks):
    for deck in decks.values():
        assert [s.key for s in deck.slides] == list(slides.SLIDE_KINDS)
        assert deck.skipped == ()
        assert deck.demo
        for s in deck.slides:
            assert s.title and s.footnote and isinstance(s.figure, go.Figure)
            assert s.chart is not None and s.chart.series


def test_headline_numbers_are_the_overview_numbers(con, decks):
    info = store.dataset_info(con)
    result = overview.headline(con.cursor(), Filters(), as_of=info.as_of)
    chart = _slide(decks["en"], "headline").chart
    keys = ("withdrawal", "hire_rate", "offer_acceptance", "retention_12m")
    for series in chart.series:
        for key, value, low, high in zip(keys, series.values, series.low, series.high, strict=True):
            g = result.metrics[key].groups[series.pipeline]
            assert value == pytest.approx(100 * g.value, abs=0.01)
            assert low == pytest.approx(100 * g.ci.low, abs=0.01)
            assert high == pytest.approx(100 * g.ci.high, abs=0.01)


def test_offer_numbers_are_the_offers_page_numbers(con, decks):
    acc = offers.acceptance(con.cursor(), Filters())
    rows = acc.table.set_index("pipeline")
    chart = _slide(decks["en"], "offers").chart
    for series in chart.series:
        assert series.values[0] == pytest.approx(100 * rows.at[series.pipeline, "rate"], abs=0.01)
    # The external benchmark is a marked reference, not a series.
    assert chart.reference is not None and "external" in chart.reference[0]
    assert all(s.pipeline in ("human_first", "automation_first") for s in chart.series)


def test_retention_numbers_are_the_quality_page_numbers(con, decks):
    info = store.dataset_info(con)
    ret = quality.retention(con.cursor(), Filters(), info.as_of)
    chart = _slide(decks["en"], "retention").chart
    for series in chart.series:
        point = ret.points[(series.pipeline, 365)]
        assert series.values[1] == pytest.approx(100 * point.survival, abs=0.01)


def test_business_case_numbers_are_the_business_case_page_numbers(con, decks):
    from analytics.metrics import business_case as bc

    info = store.dataset_info(con)
    cur = con.cursor()
    head = overview.headline(cur, Filters(), as_of=info.as_of)
    case = bc.business_case(bc.measure(cur, Filters(), headline=head), bc.Assumptions())
    chart = _slide(decks["en"], "business_case").chart
    expected = [*case.components.values(), case.net]
    assert list(chart.series[0].values) == pytest.approx(expected, abs=0.01)
    assert chart.categories[-1] == "Net"


def test_survey_slide_marks_the_external_preference_benchmark(decks):
    s = _slide(decks["en"], "survey")
    assert s.chart.reference is not None
    assert "ASA 2016" in s.chart.reference[0]
    assert "https://www.shrm.org" in s.footnote
    assert s.external and s.external[0].value == 0.77


def test_footnotes_say_cohort_filters_n_adjustment_and_demo(decks):
    head = _slide(decks["en"], "headline").footnote
    assert "Cohort" in head and "no filters" in head and "n = 4,000" in head
    assert "not adjusted" in head and "(Demo data.)" in head
    nl = _slide(decks["nl"], "headline").footnote
    assert "n = 4.000" in nl and "(Demogegevens.)" in nl and "Ongecorrigeerde" in nl


def test_adjusted_deck_says_so(con):
    deck = slides.build_deck(
        con.cursor(), Filters(), "en", kinds=("headline",), adjust_by="seniority"
    )
    assert "adjusted for seniority (Mantel-Haenszel)" in deck.slides[0].footnote


def test_filters_appear_in_footnote_and_change_the_numbers(con, decks):
    values = con.execute("SELECT DISTINCT role_family FROM applications ORDER BY 1").fetchall()
    role = values[0][0]
    deck = slides.build_deck(con.cursor(), Filters(role_family=(role,)), "en", kinds=("headline",))
    assert "Role family" in deck.slides[0].footnote
    assert deck.slides[0].chart != _slide(decks["en"], "headline").chart


def test_no_data_skips_every_slide(con):
    deck = slides.build_deck(con.cursor(), Filters(role_family=("no such role",)), "en")
    assert deck.slides == ()
    assert "headline" in deck.skipped


def test_a_slide_without_data_is_skipped_and_named(con, monkeypatch):
    def no_data(*_args, **_kwargs):
        return None

    monkeypatch.setitem(slides.BUILDERS, "fairness", no_data)
    deck = slides.build_deck(con.cursor(), Filters(), "en", kinds=("offers", "fairness"))
    assert [s.key for s in deck.slides] == ["offers"]
    assert deck.skipped == ("fairness",)
    assert "fairness" in deck.skipped_text()


def test_a_builder_error_surfaces(con, monkeypatch):
    # A missing module inside a builder used to become a silently skipped slide; it is a bug.
    def gone(*_args, **_kwargs):
        raise ModuleNotFoundError("analytics.metrics.fairness")

    monkeypatch.setitem(slides.BUILDERS, "fairness", gone)
    with pytest.raises(ModuleNotFoundError):
        slides.build_deck(con.cursor(), Filters(), "en", kinds=("offers", "fairness"))


def test_presenter_figure_drops_title_and_footnote_only(decks):
    s = _slide(decks["en"], "retention")
    fig = slides.presenter_figure(s)
    assert not fig.layout.title.text
    texts = [a.text for a in fig.layout.annotations]
    assert not any("Cohort" in (x or "") for x in texts)
    assert any("external" in (x or "") for x in texts)
    assert s.figure.layout.title.text  # the slide's own figure is untouched


# --- PowerPoint --------------------------------------------------------------------------------


def _pptx(deck: Deck):
    return Presentation(BytesIO(report.to_pptx(deck)))


def _texts(pslide) -> str:
    return "\n".join(sh.text_frame.text for sh in pslide.shapes if sh.has_text_frame)


def test_pptx_has_one_slide_per_finding_with_native_charts(decks):
    deck = decks["en"]
    prs = _pptx(deck)
    assert len(prs.slides) == len(deck.slides) + 2  # cover, findings, sources
    for pslide, s in zip(list(prs.slides)[1:-1], deck.slides, strict=True):
        charts = [sh.chart for sh in pslide.shapes if sh.has_chart]
        assert len(charts) == 1
        plot = charts[0].plots[0]
        assert list(plot.categories) == list(s.chart.categories)
        for pseries, series in zip(plot.series, s.chart.series, strict=True):
            assert pseries.name == series.name
            assert list(pseries.values) == list(series.values)
        xml = etree.tostring(charts[0]._chartSpace).decode()
        with_interval = [x for x in s.chart.series if x.low and x.high]
        assert xml.count("<c:errBars>") == len(with_interval)
        text = _texts(pslide)
        short, numbers = split_title(s.title)  # the title placeholder holds the short title
        assert short in text and numbers in text
        assert s.finding in text
        assert "These are demo data" in text


def test_pptx_offer_chart_values_match_the_offers_page(con, decks):
    acc = offers.acceptance(con.cursor(), Filters())
    rate = acc.table.set_index("pipeline").rate
    prs = _pptx(decks["en"])
    index = [s.key for s in decks["en"].slides].index("offers") + 1
    chart = next(sh.chart for sh in prs.slides[index].shapes if sh.has_chart)
    values = {se.name: se.values[0] for se in chart.plots[0].series}
    assert values["Human-first"] == pytest.approx(100 * rate["human_first"], abs=0.01)
    assert values["Automation-first"] == pytest.approx(100 * rate["automation_first"], abs=0.01)


def test_pptx_in_dutch(decks):
    prs = _pptx(decks["nl"])
    cover = _texts(prs.slides[0])
    assert "mens-eerst" in cover.lower() and "Demogegevens" in cover
    body = "\n".join(_texts(s) for s in prs.slides)
    assert "procentpunt" in body and "95%-BI" in body
    assert "Dit zijn demogegevens" in body
    assert "Tegenbewijs" in body


def test_pptx_sources_slide_names_the_external_references(decks):
    prs = _pptx(decks["en"])
    text = _texts(prs.slides[len(prs.slides) - 1])
    assert "https://workforce.pwc.com/hr-metrics/offer-acceptance-rate" in text
    assert "https://brianjabarian.org/voiceai" in text
    assert "Counter-evidence" in text


# --- HTML --------------------------------------------------------------------------------------


def test_html_is_self_contained_with_findings_and_footnotes(decks):
    for lang, deck in decks.items():
        page = report.to_html(deck)
        assert page.count("window.PlotlyConfig") == 1  # plotly.js embedded exactly once
        assert not re.search(r"<script[^>]+src=", page)  # nothing loaded from anywhere
        assert page.count('class="plotly-graph-div"') == len(deck.slides)
        for s in deck.slides:
            assert "<h2>" in page
            assert html.escape(s.footnote) in page
            if s.finding:
                assert html.escape(s.finding) in page
        assert f'<html lang="{lang}">' in page
    assert "demo data" in report.to_html(decks["en"])
    assert "demogegevens" in report.to_html(decks["nl"])


def test_html_escapes_text_from_the_data():
    deck = Deck(
        lang="en",
        slides=(
            Slide(
                "x",
                "<script>alert(1)</script>",
                "a & b",
                "note",
                go.Figure(),
                None,
                pd.DataFrame({"group": ["<b>=1</b>"]}),
            ),
        ),
        demo=False,
        as_of=pd.Timestamp("2025-01-01").date(),
        filters=Filters(),
    )
    page = report.to_html(deck)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;=1&lt;/b&gt;" in page


# --- tables -------------------------------------------------------------------------------------


def test_tables_drop_small_groups_and_escape():
    deck = Deck(
        lang="en",
        slides=(
            Slide(
                "fairness",
                "t",
                "f",
                "n",
                go.Figure(),
                None,
                pd.DataFrame({"Group": ["=A", "B"], "Applicants": [3, 80]}),
            ),
        ),
        demo=True,
        as_of=pd.Timestamp("2025-01-01").date(),
        filters=Filters(),
    )
    tables = report.deck_tables(deck)
    assert tables["fairness"].Group.tolist() == ["B"]
    assert "demo" in tables["about"].item.tolist()
    with zipfile.ZipFile(BytesIO(report.tables_csv_zip(deck))) as zf:
        assert sorted(zf.namelist()) == ["about.csv", "fairness.csv"]
    assert report.tables_excel(deck)[:2] == b"PK"


def test_tables_of_the_demo_deck(decks):
    tables = report.deck_tables(decks["nl"])
    assert set(tables) == {"about", *slides.SLIDE_KINDS}
    for frame in tables.values():
        for col in frame.columns:
            if str(col) == "n" or str(col).startswith("n "):
                assert (pd.to_numeric(frame[col], errors="coerce").dropna() >= 5).all()


def test_headline_slide_shows_the_adjusted_answer(demo_con):
    """With an adjustment chosen, the headline slide's title, chart and chart data carry the
    adjusted difference in points, with the crude one beside it."""
    from analytics.domain import Filters
    from analytics.i18n import fmt_points
    from analytics.metrics import overview
    from analytics.report.slides import headline_slide

    info = store.dataset_info(demo_con)
    slide = headline_slide(demo_con, Filters(), info, "en", "role_family")
    result = overview.headline(demo_con, Filters(), as_of=info.as_of, adjust_by="role_family")
    adj = result.metrics["withdrawal"].adjustment
    assert adj is not None and adj.estimable
    assert slide.title.startswith("Adjusted for role family")
    assert fmt_points(adj.diff, "en", signed=True) in slide.title
    names = [s.name for s in slide.chart.series]
    assert names == ["Unadjusted", "Adjusted for role family"]
    assert slide.chart.series[1].values[0] == pytest.approx(100 * adj.diff, abs=0.05)
    assert slide.chart.series[0].values[0] == pytest.approx(100 * adj.crude_diff, abs=0.05)
