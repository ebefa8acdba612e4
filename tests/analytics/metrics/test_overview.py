"""Headline metrics against hand-counted fixtures in a real DuckDB."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import charts, findings, stats, store
from analytics.domain import Filters
from analytics.metrics import common, overview

D = dt.date


def _fixture(con) -> None:
    # Human-first: 40 applications (role eng): 6 hired, 4 withdrawn, 28 rejected, 2 open.
    # Automation-first: 60 (role ops): 6 hired, 12 withdrawn, 40 rejected, 2 open.
    rows = []
    for pipe, role, counts in (
        ("human_first", "engineering", {"hired": 6, "withdrawn": 4, "rejected": 28, "open": 2}),
        (
            "automation_first",
            "operations",
            {"hired": 6, "withdrawn": 12, "rejected": 40, "open": 2},
        ),
    ):
        for status, k in counts.items():
            for _ in range(k):
                i = len(rows)
                rows.append(
                    {
                        "application_id": f"A{i:03d}",
                        "applied_on": D(2025, 1, 1) + dt.timedelta(days=i),
                        "pipeline": pipe,
                        "role_family": role,
                        "status": status,
                    }
                )
    apps = pd.DataFrame(rows)
    hired = apps[apps.status == "hired"].reset_index(drop=True)
    # Offers: every hire accepted; plus 2 declined offers among the human-first rejected ones are
    # not offers (rejected); add 2 declined human-first offers on the withdrawn (to test counting)
    # -> acceptance human-first 6/8, automation-first 6/6; one pending offer is excluded.
    declined = apps[(apps.status == "withdrawn") & (apps.pipeline == "human_first")].head(2)
    pending = apps[(apps.status == "open") & (apps.pipeline == "automation_first")].head(1)
    offers = pd.DataFrame(
        {
            "application_id": list(hired.application_id)
            + list(declined.application_id)
            + list(pending.application_id),
            "offered_on": [D(2025, 6, 1)] * (len(hired) + 3),
            "decided_on": [
                r.applied_on + dt.timedelta(days=20 + 2 * n)
                for n, r in enumerate(hired.itertuples())
            ]
            + [D(2025, 6, 5)] * 2
            + [None],
            "accepted": [True] * len(hired) + [False, False, None],
        }
    )
    hires = pd.DataFrame(
        {
            "application_id": hired.application_id,
            "start_on": [D(2025, 3, 1)] * len(hired),
            "left_on": [D(2025, 9, 1)] + [None] * 5 + [D(2025, 6, 1), D(2025, 7, 1)] + [None] * 4,
        }
    )
    store.load_tables(con, {"applications": apps, "offers": offers, "hires": hires})


@pytest.fixture
def fixture_con(con):
    _fixture(con)
    return con


def test_rates_equal_hand_counts(fixture_con):
    ov = overview.headline(fixture_con, Filters(), as_of=D(2026, 6, 1))
    assert ov.totals == {"human_first": 40, "automation_first": 60}
    hr = ov.metrics["hire_rate"]
    assert (hr.groups["human_first"].k, hr.groups["human_first"].n) == (6, 38)
    assert (hr.groups["automation_first"].k, hr.groups["automation_first"].n) == (6, 58)
    wd = ov.metrics["withdrawal"]
    assert wd.groups["human_first"].value == pytest.approx(4 / 38)
    assert wd.groups["automation_first"].value == pytest.approx(12 / 58)
    expected = stats.compare_proportions(4, 38, 12, 58)
    assert wd.diff == pytest.approx(expected.diff)
    assert wd.diff_ci == pytest.approx(tuple(expected.ci))
    oa = ov.metrics["offer_acceptance"]
    assert (oa.groups["human_first"].k, oa.groups["human_first"].n) == (6, 8)
    assert (oa.groups["automation_first"].k, oa.groups["automation_first"].n) == (6, 6)


def test_time_to_hire_and_retention(fixture_con):
    ov = overview.headline(fixture_con, Filters(), as_of=D(2026, 6, 1))
    tth = ov.metrics["time_to_hire"]
    # Hires' decided_on = applied_on + 20, 22, ... 30 days: medians 25 for both pipelines.
    assert tth.groups["human_first"].value == 25
    assert tth.groups["automation_first"].n == 6
    ret = ov.metrics["retention_12m"]
    # Human-first: 1 of 6 left (month 6) -> KM at 365 d = 5/6; automation-first 2 of 6 -> 4/6.
    assert ret.groups["human_first"].value == pytest.approx(5 / 6)
    assert ret.groups["automation_first"].value == pytest.approx(4 / 6)


def test_filters_combine(fixture_con):
    f = Filters(role_family=("engineering",), date_to=D(2025, 1, 10))
    ov = overview.headline(fixture_con, f, as_of=D(2026, 6, 1))
    assert ov.totals == {"human_first": 10}
    assert ov.metrics["withdrawal"].diff is None


def test_small_groups_are_suppressed(fixture_con):
    f = Filters(
        date_from=D(2025, 2, 6), date_to=D(2025, 2, 12)
    )  # 3 human-first, 4 automation-first
    ov = overview.headline(fixture_con, f, as_of=D(2026, 6, 1))
    groups = ov.metrics["hire_rate"].groups
    assert all(g.suppressed and g.value is None for g in groups.values())
    sentence = findings.metric_sentence(ov.metrics["hire_rate"], "en")
    assert sentence.startswith("Too few to say")


def test_demo_headline_and_adjustment(demo_con):
    crude = overview.headline(demo_con, Filters(), as_of=dt.date(2026, 10, 31))
    adjusted = overview.headline(
        demo_con, Filters(), as_of=dt.date(2026, 10, 31), adjust_by="role_family"
    )
    wd = crude.metrics["withdrawal"]
    assert wd.clear and wd.diff < 0
    assert wd.groups["human_first"].ci.low < wd.groups["human_first"].value
    adj = adjusted.metrics["hire_rate"].adjustment
    assert adj is not None and adj.strata == 6
    # Simpson only when the point estimates have opposite signs (DESIGN.md).
    assert adj.reversal == (adj.diff * adjusted.metrics["hire_rate"].diff < 0)
    sentence = findings.metric_sentence(wd, "en", demo=True)
    assert "fewer candidates to withdrawal" in sentence and sentence.endswith("(Demo data.)")
    nl = findings.metric_sentence(wd, "nl")
    assert "terugtrekking" in nl and "lager" in nl and "procentpunt" in nl
    table = overview.to_table(crude, "en")
    assert len(table) == len(overview.METRICS)
    fig = charts.headline_rates(crude, "en", title="t")
    assert [tr.name for tr in fig.data] == ["Human-first", "Automation-first"]
    assert fig.data[0].marker.color == charts.PIPELINE_COLORS["human_first"]
    assert all(len(tr.error_x.array) == len(tr.x) for tr in fig.data)


def test_no_clear_difference_sentence():
    g = common.GroupEstimate
    metric = common.MetricResult(
        "offer_acceptance",
        "rate",
        {
            "human_first": g("human_first", 100, 0.8, k=80),
            "automation_first": g("automation_first", 100, 0.78, k=78),
        },
        diff=0.02,
        diff_ci=stats.Interval(-0.09, 0.13),
    )
    assert findings.metric_sentence(metric, "en").startswith(
        "No clear difference in offer acceptance"
    )
    assert findings.metric_sentence(metric, "nl").startswith("Geen duidelijk verschil")


def test_adjust_by_is_validated(fixture_con):
    with pytest.raises(ValueError, match="adjust_by"):
        overview.headline(fixture_con, Filters(), as_of=D(2026, 1, 1), adjust_by="gender; DROP")


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(role_family=("engineering",)), Filters(seniority=("senior",))],
)
def test_withdrawal_has_one_value_on_overview_and_funnel(demo_con, filters):
    """One definition: withdrew at any stage (declined offers included) / decided applications;
    the Overview card and the Funnel's headline withdrawal count the same applications."""
    from analytics.metrics import funnel

    ov = overview.headline(demo_con, filters, as_of=dt.date(2026, 10, 31))
    wd = ov.metrics["withdrawal"]
    fun = funnel.funnel(demo_con, filters).withdrawal
    assert fun is not None
    for pipe, (k, n) in fun.counts.items():
        g = wd.groups[pipe]
        assert (g.k, g.n) == (k, n)
    assert fun.comparison is not None
    assert wd.diff == pytest.approx(fun.comparison.diff)
    assert wd.diff_ci == pytest.approx(fun.comparison.ci)
