"""Plain-language findings: every branch in English and Dutch.

The rule under test: a difference is claimed only when its 95% interval excludes zero; otherwise
"no clear difference", or "too few to say" below the minimum n; adjustment is mentioned only when
it changed the answer; demo data are said to be demo data; never "proves".
"""

from __future__ import annotations

import pytest

from analytics import findings
from analytics.i18n import fmt_points
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


def _adjusted(tables: list) -> MetricResult:
    """A withdrawal result whose crude and adjusted answers come from real strata (group 1 =
    human-first), computed by stats.mh_risk_difference, so every number is consistent."""
    from analytics import stats

    rd = stats.mh_risk_difference(tables)
    c = rd.crude
    adj = Adjustment(
        by="role_family",
        diff=rd.diff,
        ci=rd.ci,
        p_value=rd.p_value,
        crude_diff=c.diff,
        crude_ci=c.ci,
        crude_p_value=c.p_value,
        homogeneity_p=rd.homogeneity_p,
        change=rd.change,
        strata=rd.n_strata,
    )
    groups = {
        "human_first": GroupEstimate("human_first", c.n1, c.p1, Interval(0, 1), k=c.k1),
        "automation_first": GroupEstimate("automation_first", c.n2, c.p2, Interval(0, 1), k=c.k2),
    }
    return MetricResult(
        "withdrawal",
        "rate",
        groups,
        diff=c.diff,
        diff_ci=c.ci,
        p_value=c.p_value,
        test=c.test,
        adjustment=adj,
    )


VANISHES = [[[90, 10], [18, 2]], [[2, 18], [10, 90]]]
APPEARS = [[[80, 120], [48, 112]], [[45, 5], [72, 18]]]
KIDNEY = [[[81, 6], [234, 36]], [[192, 71], [55, 25]]]  # Charig et al. 1986
SAME = [[[30, 10], [15, 25]], [[30, 10], [15, 25]]]
HETERO = [[[40, 10], [10, 40]], [[10, 40], [40, 10]]]


FORBIDDEN = ("prove", "bewijs", "bewezen")


def _clean(text: str) -> None:
    assert not any(word in text.lower() for word in FORBIDDEN)
    assert "{" not in text and "}" not in text


def test_clear_difference_when_interval_excludes_zero():
    m = _rate(0.072, 0.160, -0.107, -0.068)
    en = findings.metric_sentence(m, "en")
    nl = findings.metric_sentence(m, "nl")
    # read aloud in a meeting: the finding, then both rates, then the difference and interval
    assert en == (
        "Human-first lost fewer candidates to withdrawal: 7.2% withdrew vs 16.0% with "
        "automation-first, 8.8 points fewer (95% CI 6.8–10.7 points)."
    )
    assert nl == (
        "Bij mens-eerst was de terugtrekking door kandidaten lager: 7,2% tegenover 16,0% bij "
        "automatisering-eerst, 8,8 procentpunt lager (95%-BI 6,8–10,7 procentpunt)."
    )
    for text in (en, nl):
        _clean(text)


def test_higher_direction_in_both_languages():
    m = _rate(0.30, 0.20, 0.04, 0.16, key="hire_rate")
    en, nl = findings.metric_sentence(m, "en"), findings.metric_sentence(m, "nl")
    assert en.startswith("Human-first hired a larger share of its decided applications: 30.0%")
    assert "10.0 points more" in en
    assert nl.startswith("Mens-eerst leidde vaker tot een aanwerving: 30,0%")
    assert "10,0 procentpunt meer" in nl


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
        "Too few to say for candidate withdrawal (any stage): "
        "29 human-first and 29 automation-first."
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


def test_adjusted_answer_is_the_sentence():
    m = _adjusted(VANISHES)
    en = findings.metric_sentence(m, "en")
    adj = m.adjustment
    assert en.startswith("Adjusted for role family, candidate withdrawal")
    assert fmt_points(adj.diff, "en", signed=True) in en  # the adjusted number leads
    assert fmt_points(m.diff, "en", signed=True) in en  # the crude one beside it
    assert "no clear difference" in en and not adj.clear
    nl = findings.metric_sentence(m, "nl")
    assert nl.startswith("Gecorrigeerd voor functiegroep") and "geen duidelijk verschil" in nl


def test_adjustment_that_removes_a_clear_difference_is_mentioned():
    m = _adjusted(VANISHES)
    assert m.clear and not m.adjustment.clear and m.adjustment.change == "vanishes"
    en = findings.metric_finding(m, "en")
    assert "the difference is no longer clear" in en and "other way" not in en
    assert "niet meer duidelijk" in findings.metric_finding(m, "nl")


def test_adjustment_that_reveals_a_difference_is_mentioned():
    m = _adjusted(APPEARS)
    assert not m.clear and m.adjustment.clear and m.adjustment.change == "appears"
    assert "the difference becomes clear" in findings.metric_finding(m, "en")
    assert "wordt het verschil duidelijk" in findings.metric_finding(m, "nl")


def test_reversal_only_when_point_estimates_have_opposite_signs():
    m = _adjusted(KIDNEY)
    assert m.diff < 0 < m.adjustment.diff
    assert "points the other way" in findings.adjustment_sentence(m, "en")
    assert "Simpson" in findings.adjustment_sentence(m, "en")
    assert "de andere kant op" in findings.adjustment_sentence(m, "nl")
    for tables in (VANISHES, APPEARS, SAME):
        text = findings.metric_finding(_adjusted(tables), "en")
        assert "other way" not in text and "Simpson" not in text


def test_adjustment_that_agrees_is_not_mentioned():
    m = _adjusted(SAME)
    assert findings.adjustment_sentence(m, "en") is None
    assert findings.metric_finding(m, "en") == findings.metric_sentence(m, "en")


def test_strata_that_disagree_get_their_own_sentence():
    m = _adjusted(HETERO)
    text = findings.metric_finding(m, "en")
    assert "The role family groups disagree" in text and "breakdown by role family" in text
    assert "uitsplitsing naar functiegroep" in findings.metric_finding(m, "nl")
    for lang in ("en", "nl"):
        _clean(findings.metric_finding(m, lang))


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
    assert text == "Hire rate -3.1 points (95% CI -5.0 to -1.2), a clear difference"


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
