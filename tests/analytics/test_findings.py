"""Plain-language findings: every branch in English and Dutch.

The rule under test: a difference is claimed only when its 95% interval excludes zero; otherwise
"no clear difference", or "too few to say" below the minimum n; adjustment is mentioned only when
it changed the answer; demo data are said to be demo data; never "proves".
"""

from __future__ import annotations

import pytest

from analytics import findings
from analytics.metrics.common import Adjustment, GroupEstimate, MetricResult
from analytics.stats import Interval


def _rate(
    p1: float,
    p2: float,
    low: float,
    high: float,
    *,
    n: int = 400,
    key: str = "withdrawal",
    adjustment: Adjustment | None = None,
) -> MetricResult:
    groups = {
        "human_first": GroupEstimate("human_first", n, p1, Interval(p1 - 0.02, p1 + 0.02)),
        "automation_first": GroupEstimate(
            "automation_first", n, p2, Interval(p2 - 0.02, p2 + 0.02)
        ),
    }
    return MetricResult(
        key,
        "rate",
        groups,
        diff=p1 - p2,
        diff_ci=Interval(low, high),
        p_value=0.01,
        test="chi2",
        adjustment=adjustment,
    )


def _adj(or_: float, low: float, high: float, *, reversal: bool = False) -> Adjustment:
    return Adjustment(
        by="role_family",
        odds_ratio=or_,
        ci=Interval(low, high),
        p_value=0.2,
        crude_odds_ratio=0.5,
        reversal=reversal,
        strata=4,
    )


FORBIDDEN = ("prove", "bewijs", "bewezen")


def _clean(text: str) -> None:
    assert not any(word in text.lower() for word in FORBIDDEN)
    assert "{" not in text and "}" not in text


def test_clear_difference_when_interval_excludes_zero():
    m = _rate(0.072, 0.160, -0.107, -0.068)
    en = findings.metric_sentence(m, "en")
    nl = findings.metric_sentence(m, "nl")
    assert en == (
        "Human-first pipelines lost 8.8 points fewer candidates to withdrawal "
        "(95% CI 6.8–10.7 points): 7.2% vs 16.0%."
    )
    assert nl == (
        "Mens-eerst processen verloren 8,8 procentpunt minder kandidaten door terugtrekking "
        "(95%-BI 6,8–10,7 procentpunt): 7,2% tegenover 16,0%."
    )
    for text in (en, nl):
        _clean(text)


def test_higher_direction_in_both_languages():
    m = _rate(0.30, 0.20, 0.04, 0.16, key="hire_rate")
    assert findings.metric_sentence(m, "en").startswith(
        "Human-first pipelines hired 10.0 points more"
    )
    assert findings.metric_sentence(m, "nl").startswith(
        "Mens-eerst processen namen 10,0 procentpunt meer"
    )


@pytest.mark.parametrize("low,high", [(-0.001, 0.05), (-0.05, 0.001), (-0.02, 0.02)])
def test_no_clear_difference_when_interval_contains_zero(low, high):
    m = _rate(0.21, 0.20, low, high)
    en = findings.metric_sentence(m, "en")
    nl = findings.metric_sentence(m, "nl")
    assert en.startswith("No clear difference in candidate withdrawal")
    assert nl.startswith("Geen duidelijk verschil in terugtrekking door de kandidaat")
    assert "95% CI" in en and "95%-BI" in nl
    for text in (en, nl):
        _clean(text)


def test_interval_just_excluding_zero_is_a_clear_difference():
    m = _rate(0.25, 0.20, 0.0005, 0.1)
    assert m.clear
    assert "more candidates" in findings.metric_sentence(m, "en")


def test_too_few_to_say_below_the_minimum_n():
    m = _rate(0.5, 0.1, 0.1, 0.7, n=findings.MIN_N_FOR_FINDING - 1)
    assert findings.metric_sentence(m, "en") == (
        "Too few to say for candidate withdrawal: 29 human-first and 29 automation-first."
    )
    assert findings.metric_sentence(m, "nl").startswith("Te weinig gegevens voor terugtrekking")


def test_suppressed_group_is_too_few_to_say():
    m = MetricResult(
        "hire_rate",
        "rate",
        {
            "human_first": GroupEstimate("human_first", 3, None, suppressed=True),
            "automation_first": GroupEstimate("automation_first", 500, 0.2),
        },
    )
    assert findings.metric_sentence(m, "en").startswith("Too few to say")
    assert findings.metric_sentence(m, "nl").startswith("Te weinig gegevens")


def test_missing_pipeline_cannot_be_compared():
    m = MetricResult("hire_rate", "rate", {"human_first": GroupEstimate("human_first", 300, 0.2)})
    assert "cannot be compared" in findings.metric_sentence(m, "en")
    assert "niet te vergelijken" in findings.metric_sentence(m, "nl")


def test_demo_data_are_said():
    m = _rate(0.21, 0.20, -0.02, 0.04)
    assert findings.metric_sentence(m, "en", demo=True).endswith("(Demo data.)")
    assert findings.metric_sentence(m, "nl", demo=True).endswith("(Demogegevens.)")
    assert findings.metric_finding(m, "nl", demo=True).endswith("(Demogegevens.)")
    assert "demo data" in findings.demo_note("en")
    assert "demogegevens" in findings.demo_note("nl")


def test_adjustment_that_removes_a_clear_difference_is_mentioned():
    m = _rate(0.072, 0.160, -0.107, -0.068, adjustment=_adj(0.9, 0.7, 1.15))
    en = findings.metric_finding(m, "en")
    nl = findings.metric_finding(m, "nl")
    assert en.endswith(
        "Adjusted for role family, the difference is no longer clear (odds ratio 0.90, "
        "95% CI 0.70–1.15): it is largely explained by differences in role family."
    )
    assert "Gecorrigeerd voor functiegroep is het verschil niet meer duidelijk" in nl
    assert "oddsratio 0,90" in nl


def test_adjustment_that_reveals_a_difference_is_mentioned():
    m = _rate(0.21, 0.20, -0.02, 0.04, adjustment=_adj(1.4, 1.1, 1.8))
    assert "a clear difference appears" in findings.metric_finding(m, "en")
    assert "ontstaat een duidelijk verschil" in findings.metric_finding(m, "nl")


def test_reversal_is_mentioned_first():
    m = _rate(0.25, 0.20, 0.01, 0.09, adjustment=_adj(0.7, 0.55, 0.9, reversal=True))
    assert "points the other way" in findings.adjustment_sentence(m, "en")
    assert "de andere kant op" in findings.adjustment_sentence(m, "nl")


def test_adjustment_that_agrees_is_not_mentioned():
    clear_both = _rate(0.072, 0.160, -0.107, -0.068, adjustment=_adj(0.45, 0.35, 0.6))
    unclear_both = _rate(0.21, 0.20, -0.02, 0.04, adjustment=_adj(1.05, 0.9, 1.2))
    for m in (clear_both, unclear_both):
        assert findings.adjustment_sentence(m, "en") is None
        assert findings.metric_finding(m, "en") == findings.metric_sentence(m, "en")


@pytest.mark.parametrize(
    "low,high,en,nl",
    [
        (0.01, 0.05, "a clear difference", "een duidelijk verschil"),
        (-0.01, 0.05, "no clear difference", "geen duidelijk verschil"),
        (float("nan"), 0.05, "too few to say", "te weinig gegevens"),
    ],
)
def test_difference_phrase_verdicts(low, high, en, nl):
    assert findings.difference_phrase("Hire rate", 0.03, low, high, "en").endswith(en)
    assert findings.difference_phrase("Aannamepercentage", 0.03, low, high, "nl").endswith(nl)


def test_difference_phrase_numbers():
    text = findings.difference_phrase("Performance", 4.1, 1.2, 7.0, "nl", unit="score")
    assert text == "Performance +4,1 (95%-BI +1,2 tot +7,0), een duidelijk verschil"
    text = findings.difference_phrase("Hire rate", -0.031, -0.05, -0.012, "en")
    assert text == "Hire rate -3.1 points (95% CI -5.0 points to -1.2 points), a clear difference"


@pytest.mark.parametrize(("lang", "demo_word"), [("en", "Demo data"), ("nl", "Demogegevens")])
def test_cohort_footnote_names_filters_rules_and_demo(lang, demo_word):
    """Pages, slides and reports share this footnote: filters in words, the as-of date, the
    pipeline tagging rules when rules decided the pipeline, and the demo label."""
    import datetime as dt

    from analytics.domain import DatasetInfo, Filters
    from analytics.i18n import fmt_date, label, t

    info = DatasetInfo(3, dt.date(2025, 6, 30), True, 100, pipeline_rules="default:28")
    text = findings.cohort_footnote(Filters(role_family=("engineering",)), info, lang)
    assert label("role_family", "engineering", lang) in text
    assert fmt_date(dt.date(2025, 6, 30), lang) in text
    assert t("footnote.pipeline_rules", lang, rules=t("ingest.rules.default", lang), n="28") in text
    assert demo_word in text
    plain = DatasetInfo(3, dt.date(2025, 6, 30), False, 100)
    text = findings.cohort_footnote(Filters(), plain, lang)
    assert t("filters.none_active", lang) in text and demo_word not in text
