"""No text carries a number the cards hide: every sentence, footnote, legend and hover text of
every slide (the slides reuse the pages' findings, footnotes and figure builders) on a small
view, in both languages, and the sentence functions on hand-made results."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics import findings, store
from analytics.charts import quality as qc
from analytics.charts.funnel import timing as tc
from analytics.domain import PRIVACY_THRESHOLD, Filters
from analytics.metrics.common import GroupEstimate, MetricResult
from analytics.privacy import count_text, km_shown
from analytics.report.slides import build_deck

# a small count not followed by more digits ("n = 2." ends a sentence; "n = 1.234" is Dutch)
SMALL = "|".join(str(k) for k in range(1, PRIVACY_THRESHOLD))
# "n = 3", "n=3", "(n = 3)", "3 human-first", "3 applications", "n = 3 and 2", Dutch too
PATTERNS = [
    re.compile(rf"\bn ?= ?({SMALL})(?![\d%]|[.,]\d)"),
    re.compile(rf"\bn = [\d.,]+ (and|en) ({SMALL})(?![\d%]|[.,]\d)"),
    re.compile(
        rf"(?<![\d.,])({SMALL}) (human-first|automation-first|mens-eerst|automatisering-eerst|"
        r"applications|sollicitaties|hires|aanwervingen|offers|aanbiedingen)\b"
    ),
]


def _figure_texts(fig: go.Figure) -> list[str]:
    out = []
    for trace in fig.data:
        for attr in ("name", "hovertext", "text", "hovertemplate"):
            value = getattr(trace, attr, None)
            if value is None:
                continue
            if isinstance(value, str):
                out.append(value)
            else:
                out += [str(v) for v in np.ravel(np.asarray(value, dtype=object))]
    out += [str(a.text) for a in fig.layout.annotations or ()]
    if fig.layout.title and fig.layout.title.text:
        out.append(fig.layout.title.text)
    return out


def _leaks(texts: list[str]) -> list[str]:
    return [s for s in texts for p in PATTERNS if p.search(s)]


@pytest.fixture(scope="module")
def small_con():
    from analytics import demo

    con = store.connect(":memory:")
    demo.build(con, 1500, seed=5)
    yield con
    con.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_no_small_count_in_any_slide_text(small_con, lang):
    # one role family in one region at one level: about 30 applications, a handful of offers
    # and hires per pipeline
    view = Filters(role_family=("data",), region=("DE",), seniority=("junior",))
    deck = build_deck(small_con.cursor(), view, lang)
    texts = []
    for slide in deck.slides:
        texts += [slide.title, slide.finding, slide.footnote, *_figure_texts(slide.figure)]
    assert len(texts) > 50
    assert _leaks(texts) == []


def _metric(kind: str, n1: int, n2: int, *, suppressed: bool = False) -> MetricResult:
    return MetricResult(
        key="hire_rate" if kind == "rate" else "applications",
        kind=kind,
        groups={
            "human_first": GroupEstimate("human_first", n1, 0.5, suppressed=suppressed),
            "automation_first": GroupEstimate("automation_first", n2, 0.5),
        },
    )


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_too_few_and_count_sentences_print_no_small_count(lang):
    too_few = findings.metric_sentence(_metric("rate", 1, 7, suppressed=True), lang)
    assert "1" not in too_few and "7" not in too_few
    assert str(PRIVACY_THRESHOLD) in too_few  # "fewer than 5"
    count = findings.metric_sentence(_metric("count", 3, 480), lang)
    assert "3" not in count and "480" not in count  # the total would give the 3 away
    fine = findings.metric_sentence(_metric("count", 300, 480), lang)
    assert "300" in fine and "480" in fine


def test_count_text():
    assert count_text(3) == f"fewer than {PRIVACY_THRESHOLD}"
    assert count_text(3, "nl") == f"minder dan {PRIVACY_THRESHOLD}"
    assert count_text(0) == "0" and count_text(PRIVACY_THRESHOLD) == str(PRIVACY_THRESHOLD)
    assert count_text(1234, "nl") == "1.234"


def test_kaplan_meier_curves_stop_where_few_are_at_risk(small_con):
    from analytics.metrics import quality
    from analytics.metrics.funnel import timing

    info = store.dataset_info(small_con)
    view = Filters()
    ret = quality.retention(small_con.cursor(), view, info.as_of)
    tto = timing.time_to_offer(small_con.cursor(), view, info.as_of)
    for curves, fig in (
        (ret.curves, qc.retention_chart(ret, "en", title="t")),
        (tto.curves, tc.km_chart(tto, "en", title="t")),
    ):
        assert (curves.at_risk < PRIVACY_THRESHOLD).any()  # the data do have a small tail
        for trace in fig.data:
            if trace.mode == "lines":
                pipe_curves = km_shown(curves)
                assert max(trace.x) <= pipe_curves.time.max()
        assert _leaks(_figure_texts(fig)) == []


def test_km_shown_cuts_the_tail():
    curve = pd.DataFrame({"time": [1, 2, 3, 4], "at_risk": [20, 9, 4, 1]})
    assert km_shown(curve).time.tolist() == [1, 2]
