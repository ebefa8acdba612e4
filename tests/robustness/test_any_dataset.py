"""Any valid export, every page: the generator's datasets through the whole app and the reports.

The normal suite sweeps a few shapes that broke before (issue 19): the last stage reached by one
pipeline only, disjoint stages, a handful of applications, every application open. The slow
sweep runs every shape of ``variety.VARIANTS`` and random combinations in both languages, with
and without a one-day date range.
"""

from __future__ import annotations

import pytest

from analytics import report, store
from analytics.charts import funnel as fc
from analytics.charts.empty import has_points
from analytics.domain import Filters
from analytics.metrics import funnel
from tests.robustness import sweep, variety

BY_NAME = {v.name: v for v in variety.VARIANTS}
# The normal suite's modest sweep: the shapes that broke before; every shape runs under slow.
FAST = ("last_stage_by_one_pipeline", "handful", "all_open")
SHAPES = [pytest.param(n, marks=() if n in FAST else pytest.mark.slow) for n in BY_NAME]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """``built(name_or_variant)`` -> a database path, built once per module per shape."""
    cache = {}

    def make(which: str | variety.Variant):
        v = BY_NAME[which] if isinstance(which, str) else which
        if v.name not in cache:
            path = tmp_path_factory.mktemp("variety") / f"{v.name}.duckdb"
            cache[v.name] = variety.build_database(path, v, seed=3)
        return cache[v.name]

    return make


@pytest.mark.parametrize("name", list(BY_NAME))
def test_every_shape_loads_through_the_ingest(built, name):
    """The generator's files are valid: the ingest accepts every one of them."""
    con = store.connect(built(name))
    try:
        n = con.execute("SELECT count(*) FROM applications").fetchall()[0][0]
    finally:
        con.close()
    assert n == BY_NAME[name].applications


@pytest.mark.parametrize("name", SHAPES)
def test_slides_and_exports_render_for_every_shape(built, name):
    """The presenter's deck, the HTML report and the PowerPoint deck in both languages; a slide
    without a number to draw says so instead of drawing bare axes."""
    assert sweep.report_failures(built(name)) == []


def test_funnel_takeaway_when_only_one_pipeline_reaches_the_last_stage(built):
    """Issue 19: only human-first has a final "Reference check"; the takeaway compares the last
    stage both pipelines reach."""
    con = store.connect(built("last_stage_by_one_pipeline"))
    try:
        result = funnel.funnel(con.cursor(), Filters())
    finally:
        con.close()
    text = fc.takeaway_funnel(result, "en")
    assert "final round" in text.lower()
    assert "reference" not in text.lower()


def test_funnel_takeaway_when_the_pipelines_share_no_stage(built):
    con = store.connect(built("disjoint_stages"))
    try:
        result = funnel.funnel(con.cursor(), Filters())
    finally:
        con.close()
    assert "share no stage after the first" in fc.takeaway_funnel(result, "en")
    assert "geen fase gemeen" in fc.takeaway_funnel(result, "nl")


def test_a_handful_of_applications_says_what_is_missing_instead_of_empty_charts(built):
    con = store.connect(built("handful"))
    try:
        deck = report.build_deck(con.cursor(), Filters(), "en")
    finally:
        con.close()
    empty = [s for s in deck.slides if not has_points(s.figure)]
    assert empty, "six applications leave some slide without a number"
    for slide in empty:
        texts = [a.text for a in slide.figure.layout.annotations]
        assert any("Nothing to draw" in x for x in texts)
        assert slide.figure.layout.xaxis.visible is False
        assert slide.chart is None


@pytest.mark.parametrize(
    "name",
    [
        "last_stage_by_one_pipeline",
        pytest.param("disjoint_stages", marks=pytest.mark.slow),
        pytest.param("handful", marks=pytest.mark.slow),
        pytest.param("survey_links_nothing", marks=pytest.mark.slow),
    ],
)
def test_every_page_runs_on_awkward_shapes(built, name):
    """Every page (English) through AppTest: no exception, never the generic error."""
    assert sweep.page_failures(built(name), ("en",)) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BY_NAME))
def test_every_page_in_both_languages_for_every_shape(built, name):
    path = built(name)
    con = store.connect(path)
    try:
        first = con.execute("SELECT min(applied_on) FROM applications").fetchall()[0][0]
    finally:
        con.close()
    failures = sweep.page_failures(path) + sweep.page_failures(
        path, ("en", "nl"), params={"dates": f"{first}..{first}"}
    )
    assert failures == []


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(12))
def test_random_shapes(built, seed):
    v = variety.random_variant(seed)
    path = built(v)
    assert sweep.report_failures(path) == []
    assert sweep.page_failures(path, ("en", "nl")) == []
