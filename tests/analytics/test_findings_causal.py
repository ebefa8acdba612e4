"""Sentences of the adjusted comparison: the numbers in a sentence are the result's numbers, in
both languages."""

from __future__ import annotations

import pytest

from analytics import findings_causal as fc
from analytics import store
from analytics.domain import Filters
from analytics.i18n import fmt_num, fmt_points, t
from analytics.metrics import causal
from analytics.stats import causal as sc


@pytest.fixture(scope="module")
def effects(demo_con):
    info = store.dataset_info(demo_con)
    return causal.adjusted_effects(demo_con.cursor(), Filters(), info.as_of)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_sentence_carries_the_headline_numbers(effects, lang):
    eff = effects.effects["hire_rate"]
    est = eff.headline
    text = fc.effect_sentence(eff, lang)
    for x in (est.diff, est.diff_ci.low, est.diff_ci.high, eff.crude.diff):
        assert fmt_points(x, lang, signed=True) in text
    assert fmt_num(eff.analysis.n, lang) in text
    # The demo's crude hire rate points the other way (Simpson's paradox): said so.
    assert {"en": "other way", "nl": "andere kant"}[lang] in text
    ev = fc.e_value_sentence(eff, lang)
    assert fmt_num(eff.e_value.point, lang, 2) in ev
    assert fmt_num(eff.e_value.ci_limit, lang, 2) in ev
    assert fc.method_note(eff, lang)
    foot = fc.methods_footnote(effects, lang, "hire_rate")
    assert fmt_num(eff.analysis.overlap.cells, lang) in foot


def test_a_missing_estimate_says_why():
    eff = causal.AdjustedEffect("offer_acceptance", "rate", 3, 40, reason="too_few")
    assert "5" in fc.effect_sentence(eff, "en")
    assert fc.e_value_sentence(eff, "en") is None
    assert fc.count_text(3, "en") == "fewer than 5"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_composite_e_value_sentence_carries_its_numbers(effects, lang):
    comp = effects.composite
    assert comp.e_value is not None and comp.sd is not None
    text = fc.composite_e_value_sentence(comp, lang)
    assert fmt_num(comp.e_value.point, lang, 2) in text
    if comp.clear:
        assert fmt_num(comp.e_value.ci_limit, lang, 2) in text
    # The footnote names the SD the difference was standardised by.
    foot = fc.methods_footnote(effects, lang, "quality_composite")
    assert t("causal.footnote.composite_sd", lang, sd=fmt_num(comp.sd, lang, 1)) in foot
    if lang == "nl":
        assert " u " not in f" {text} {foot} "


def test_no_composite_answer_no_e_value_sentence():
    comp = causal.CompositeEffect({}, {}, None, None, None, None, reason="components_missing")
    assert fc.composite_e_value_sentence(comp, "en") is None


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_sparse_view_is_refused_in_a_sentence_with_its_numbers(tmp_path, lang):
    """A small filtered view: too few offers for every factor at once. The page says so with the
    numbers behind it (never a count under the privacy threshold) and what to do instead."""
    from analytics import demo
    from analytics.domain import PRIVACY_THRESHOLD

    con = store.connect(tmp_path / "small.duckdb")
    demo.build(con, 2000, seed=7)
    info = store.dataset_info(con)
    res = causal.adjusted_effects(con.cursor(), Filters(), info.as_of)
    eff = res.effects["offer_acceptance"]
    assert eff.reason == "too_sparse" and eff.analysis is None and eff.crude is not None
    available, parameters, needed = eff.sparse
    assert available < needed == sc.MIN_PER_PARAMETER * parameters
    text = fc.effect_sentence(eff, lang)
    assert fmt_num(parameters, lang) in text and fmt_num(needed, lang) in text
    if available < PRIVACY_THRESHOLD:
        assert t("causal.fewer_than", lang, n=PRIVACY_THRESHOLD) in text
    else:
        assert fmt_num(available, lang) in text
    assert {"en": "one factor", "nl": "één factor"}[lang] in text
    con.close()
