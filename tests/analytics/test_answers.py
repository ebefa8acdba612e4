"""The answer strip's lines: one per question, the verdict and number of the metric beside them."""

from __future__ import annotations

import pytest

from analytics import answers, store
from analytics.domain import Filters
from analytics.findings import format_diff
from analytics.metrics.overview import headline


@pytest.fixture(scope="module")
def results(demo_con):
    cur = demo_con.cursor()
    as_of = store.dataset_info(cur).as_of
    return {by: headline(cur, Filters(), as_of=as_of, adjust_by=by) for by in (None, "role_family")}


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("by", [None, "role_family"])
def test_each_line_carries_its_metrics_answer(results, lang, by):
    overview = results[by]
    lines = answers.answer_lines(overview.metrics, lang)
    assert [line.question for line in lines] == [q for q, _ in answers.QUESTIONS]
    for line in lines:
        metric = overview.metrics[line.metric]
        diff, ci, clear = metric.answer
        # the number is the answer's own (adjusted when adjusted), with its interval
        assert format_diff(metric, diff, lang, signed=True) in line.text
        for value in (ci.low, ci.high):
            assert answers.bound_text(metric, value, lang) in line.text
        scale = 1 if metric.kind == "median" else 100
        low, high = (float(answers.bound_text(metric, v, "en")) / scale for v in (ci.low, ci.high))
        # the bound is rounded to the shown precision (0.1 point, 1 day), never another number
        tolerance = 0.5 if metric.kind == "median" else 0.0005 + 1e-12
        assert low == pytest.approx(ci.low, abs=tolerance)
        assert high == pytest.approx(ci.high, abs=tolerance)
        assert line.verdict == ("clear" if clear else "unclear")
        if clear:
            assert line.direction == ("up" if diff > 0 else "down")
        adjusted = metric.adjustment is not None and metric.adjustment.estimable
        assert (("adjusted for" in line.text) or ("gecorrigeerd voor" in line.text)) == adjusted


def test_too_few_says_so_without_numbers(con):
    cur = con.cursor()
    empty = headline(cur, Filters(), as_of=store.dataset_info(cur).as_of)
    for line in answers.answer_lines(empty.metrics, "en"):
        assert line.verdict == "few" and line.text.endswith("too few to say")
        assert not any(ch.isdigit() for ch in line.text.replace("12-month", ""))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_everything_measured_lines_carry_the_adjusted_estimate(demo_con, results, lang):
    """Adjusted for everything measured, a line is the causal estimate's difference and interval,
    its verdict from that interval (never contradicting it); a question without an estimate keeps
    its crude line and says it is not adjusted."""
    import dataclasses

    from analytics.findings import verdict_key
    from analytics.i18n import t
    from analytics.metrics import causal

    cur = demo_con.cursor()
    effects = causal.adjusted_effects(cur, Filters(), store.dataset_info(cur).as_of)
    metrics = results[None].metrics
    lines = answers.everything_lines(metrics, effects, lang)
    crude = {x.question: x for x in answers.answer_lines(metrics, lang)}
    for line in lines:
        outcome = answers.CAUSAL_OUTCOME.get(line.question)
        if outcome is None:  # time to hire: crude, said so
            assert line.answer == crude[line.question].answer + t("answer.unadjusted", lang)
            continue
        est = effects.effects[outcome].headline
        metric = metrics[line.metric]
        assert format_diff(metric, est.diff, lang, signed=True) in line.text
        assert answers.bound_text(metric, est.diff_ci.low, lang) in line.text
        assert answers.bound_text(metric, est.diff_ci.high, lang) in line.text
        assert line.verdict == verdict_key(est.diff_ci.low, est.diff_ci.high)
        assert line.answer.endswith(t("answer.adjusted_all", lang))
    # An effect the data cannot adjust: the crude line, not adjusted.
    refused = causal.AdjustedEffect("withdrawal", "rate", 100, 100, reason="too_sparse")
    effects = dataclasses.replace(effects, effects={**effects.effects, "withdrawal": refused})
    line = next(
        x for x in answers.everything_lines(metrics, effects, lang) if x.question == "withdrawal"
    )
    assert line.answer == crude["withdrawal"].answer + t("answer.unadjusted", lang)
