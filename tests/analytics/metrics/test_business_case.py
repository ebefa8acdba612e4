"""Business case analytics against a hand-computed fixture in a real DuckDB, the bootstrap interval
against the delta method, the pilot planner against R's power.prop.test, and the figures."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from analytics import store
from analytics.charts import business_case as bcc
from analytics.domain import Filters
from analytics.metrics import business_case as bc
from analytics.metrics import overview

D = dt.date
AS_OF = D(2025, 6, 1)


def _measure(cur, filters: Filters, as_of: dt.date) -> bc.Measured:
    """What the page does: the Overview's headline, then the business case's own counts."""
    return bc.measure(cur, filters, headline=overview.headline(cur, filters, as_of=as_of))


def _fixture(con) -> None:
    """Human-first: 20 applications (10 hired, 4 withdrawn, 2 declined an offer, 4 rejected);
    12 offers (10 accepted); one recruiter_call each, one onsite per hire; of the 10 hires 1 left
    within a year.
    Automation-first: 30 applications (10 hired, 12 withdrawn, 5 declined, 3 rejected); 15 offers
    (10 accepted); one ai_cv_screen each, one onsite per hire; 3 of 10 hires left within a year.
    Applied between 1 Jan and 30 Jan 2024 (30 days)."""
    apps, events, offers, hires = [], [], [], []
    plan = {
        "human_first": ["hired"] * 10
        + ["withdrawn"] * 4
        + ["offer_declined"] * 2
        + ["rejected"] * 4,
        "automation_first": ["hired"] * 10
        + ["withdrawn"] * 12
        + ["offer_declined"] * 5
        + ["rejected"] * 3,
    }
    leavers = {"human_first": 1, "automation_first": 3}
    for pipe, statuses in plan.items():
        screen = "recruiter_call" if pipe == "human_first" else "ai_cv_screen"
        hired_so_far = 0
        for j, status in enumerate(statuses):
            aid = f"{pipe[0]}{j:03d}"
            applied = D(2024, 1, 1) + dt.timedelta(days=j % 30)
            apps.append(
                {"application_id": aid, "applied_on": applied, "pipeline": pipe, "status": status}
            )
            events.append(
                {
                    "application_id": aid,
                    "stage": "screen",
                    "stage_order": 1,
                    "entered_on": applied,
                    "result": "advanced",
                    "format": screen,
                }
            )
            if status in ("hired", "offer_declined"):
                offers.append(
                    {
                        "application_id": aid,
                        "offered_on": D(2024, 2, 1),
                        "decided_on": D(2024, 2, 5),
                        "accepted": status == "hired",
                    }
                )
            if status == "hired":
                events.append(
                    {
                        "application_id": aid,
                        "stage": "onsite",
                        "stage_order": 2,
                        "entered_on": D(2024, 1, 20),
                        "result": "advanced",
                        "format": "onsite",
                    }
                )
                left = hired_so_far < leavers[pipe]
                hired_so_far += 1
                hires.append(
                    {
                        "application_id": aid,
                        "start_on": D(2024, 3, 1),
                        "left_on": D(2024, 8, 1) if left else None,
                        "exit_type": "voluntary" if left else None,
                    }
                )
    offer_frame = pd.DataFrame(offers)
    offer_frame["accepted"] = offer_frame.accepted.astype("boolean")
    store.load_tables(
        con,
        {
            "applications": pd.DataFrame(apps),
            "stage_events": pd.DataFrame(events),
            "offers": offer_frame,
            "hires": pd.DataFrame(hires),
        },
    )


@pytest.fixture
def fx(con):
    _fixture(con)
    return con


# Hand computation with the default assumptions (minutes: recruiter_call 20, ai_cv_screen 2,
# onsite 180; EUR 60 an hour; EUR 250 a vacancy day; 30 days to refill; 1 day per withdrawal;
# EUR 30,000 a failed hire):
HOURS_HF = (20 * 20 + 10 * 180) / 60 / 10  # 3.6667 h per hire
HOURS_AF = (30 * 2 + 10 * 180) / 60 / 10  # 3.1 h per hire
COST = -100 * (HOURS_HF - HOURS_AF) * 60  # -3,400
ACCEPTANCE = 100 * ((15 / 10 - 1) - (12 / 10 - 1)) * 30 * 250  # 30 declined offers: 225,000
WITHDRAWAL = 100 * (12 / 10 - 4 / 10) * 1 * 250  # 80 withdrawals: 20,000
RETENTION = 100 * (0.9 - 0.7) * 30_000  # 20 failed hires: 600,000
NET = ACCEPTANCE + WITHDRAWAL + RETENTION + COST  # 841,600


def test_measured_inputs_equal_hand_counts(fx):
    m = _measure(fx, Filters(), AS_OF)
    assert m.acceptance == {"human_first": (10, 12), "automation_first": (10, 15)}
    assert m.outcomes == {"human_first": (4, 10, 20), "automation_first": (12, 10, 30)}
    assert m.retention["human_first"][0] == pytest.approx(0.9)
    assert m.retention["automation_first"][0] == pytest.approx(0.7)
    assert m.hires == {"human_first": 10, "automation_first": 10}
    tp = m.touchpoints.set_index(["pipeline", "format"]).touchpoints
    assert tp[("human_first", "recruiter_call")] == 20
    assert tp[("automation_first", "ai_cv_screen")] == 30
    assert tp[("automation_first", "onsite")] == 10


def test_recruiter_hours_by_hand(fx):
    m = _measure(fx, Filters(), AS_OF)
    hours = bc.recruiter_hours(m.touchpoints, m.hires, bc.Assumptions())
    per = bc.hours_per_hire(hours)
    assert per["human_first"] == pytest.approx(HOURS_HF)
    assert per["automation_first"] == pytest.approx(HOURS_AF)
    row = hours.set_index(["pipeline", "format"]).loc[("human_first", "recruiter_call")]
    assert row.per_hire == pytest.approx(2.0)
    assert row.hours_per_hire == pytest.approx(2 * 20 / 60)


def test_net_and_components_by_hand(fx):
    case = bc.business_case(_measure(fx, Filters(), AS_OF), bc.Assumptions())
    assert case.components["recruiter_cost"] == pytest.approx(COST)
    assert case.components["acceptance"] == pytest.approx(ACCEPTANCE)
    assert case.components["withdrawal"] == pytest.approx(WITHDRAWAL)
    assert case.components["retention"] == pytest.approx(RETENTION)
    assert case.net == pytest.approx(NET)
    assert case.missing == ()
    assert case.net_ci.low < case.net < case.net_ci.high


def test_bootstrap_is_seeded(fx):
    m = _measure(fx, Filters(), AS_OF)
    a = bc.business_case(m, bc.Assumptions())
    b = bc.business_case(m, bc.Assumptions())
    c = bc.business_case(m, bc.Assumptions(), seed=7)
    assert a.net_ci == b.net_ci
    assert a.net_ci != c.net_ci


def test_tornado_moves_each_assumption(fx):
    case = bc.business_case(_measure(fx, Filters(), AS_OF), bc.Assumptions())
    rows = case.tornado.set_index("assumption")
    assert set(rows.index) == set(bc.TORNADO_ITEMS)
    # Net is linear in each assumption: half the failed-hire cost removes half its value.
    assert rows.at["failed_hire_cost", "low"] == pytest.approx(NET - RETENTION / 2)
    assert rows.at["failed_hire_cost", "high"] == pytest.approx(NET + RETENTION / 2)
    # The vacancy cost drives both acceptance and withdrawal.
    vac = ACCEPTANCE + WITHDRAWAL
    assert rows.at["vacancy_cost_per_day", "low"] == pytest.approx(NET - vac / 2)
    # Halving every minute halves the extra cost (a negative component): net goes up.
    assert rows.at["minutes", "low"] == pytest.approx(NET - COST / 2)
    assert rows.at["hourly_cost", "high"] == pytest.approx(NET + COST / 2)
    assert case.tornado.assumption.iloc[0] == "failed_hire_cost"  # the largest swing first


def test_verdict_words(fx):
    m = _measure(fx, Filters(), AS_OF)
    # Ten hires a side: a large point estimate, but the interval is wide.
    small = bc.business_case(m, bc.Assumptions())
    assert small.verdict == "unclear"
    assert small.net_ci.low < 0 < small.net_ci.high
    assert bcc.sentence(small, "en").startswith("No clear answer")
    assert bcc.sentence(small, "nl").startswith("Geen duidelijk antwoord")
    # Interviews so dear that the extra time swamps everything: a clear loss.
    dear = bc.business_case(m, bc.Assumptions(hourly_cost=1_000_000.0))
    assert dear.verdict == "costs"
    assert dear.net_ci.high < 0
    en = bcc.sentence(dear, "en")
    assert "costs more than it returns" in en
    assert "proves" not in en
    assert "meer dan het oplevert" in bcc.sentence(dear, "nl")


def test_too_few_when_a_pipeline_is_below_the_threshold(con):
    _fixture(con)
    con.execute("DELETE FROM hires WHERE application_id LIKE 'a%' AND application_id > 'a003'")
    con.execute(
        "UPDATE applications SET status = 'rejected' "
        "WHERE application_id LIKE 'a%' AND application_id > 'a003' AND status = 'hired'"
    )
    con.execute("DELETE FROM offers WHERE application_id LIKE 'a%'")
    store.rebuild_derived(con)  # edited in place, not loaded: refresh the summary tables
    case = bc.business_case(_measure(con, Filters(), AS_OF), bc.Assumptions())
    assert case.verdict == "too_few"
    assert "recruiter_cost" in case.missing and "acceptance" in case.missing
    assert "Too few to say" in bcc.sentence(case, "en")


def _synthetic(n_offers: int, accepted: tuple[int, int]) -> bc.Measured:
    """Only acceptance measured (and the interview time, fixed): the bootstrap interval of the
    net is then the interval of 100 x (1/p_af - 1/p_hf) x 30 x 250 - cost."""
    touch = pd.DataFrame(
        {
            "pipeline": ["human_first", "automation_first"],
            "format": ["x", "x"],
            "touchpoints": [10, 10],
        }
    )
    return bc.Measured(
        acceptance={
            "human_first": (accepted[0], n_offers),
            "automation_first": (accepted[1], n_offers),
        },
        outcomes={"human_first": None, "automation_first": None},
        retention={"human_first": None, "automation_first": None},
        touchpoints=touch,
        hires={"human_first": 10, "automation_first": 10},
    )


def test_bootstrap_interval_agrees_with_delta_method():
    """Large samples: the percentile interval of 100 x 30 x 250 x (1/p2 - 1/p1) matches the
    delta method, Var(1/p) = (1 - p) / (n p^3) (Casella & Berger 2002, 5.5.4)."""
    n, k1, k2 = 4000, 3600, 3200
    case = bc.business_case(_synthetic(n, (k1, k2)), bc.Assumptions(), draws=20000)
    p1, p2 = k1 / n, k2 / n
    scale = 100 * 30 * 250
    se = scale * math.sqrt((1 - p1) / (n * p1**3) + (1 - p2) / (n * p2**3))
    half = (case.net_ci.high - case.net_ci.low) / 2
    assert half == pytest.approx(1.959964 * se, rel=0.05)
    assert case.missing == ("withdrawal", "retention")


def test_assumptions_scaled_and_unknown_formats():
    a = bc.Assumptions()
    assert a.scaled("hourly_cost", 0.5).hourly_cost == 30.0
    assert dict(a.scaled("minutes", 1.5).minutes)["recruiter_call"] == 30.0
    assert a.minutes_for("carrier_pigeon") == bc.UNKNOWN_FORMAT_MINUTES
    with pytest.raises(ValueError):
        a.scaled("nonsense", 2.0)
    assert hash(a) == hash(bc.Assumptions())  # usable as a cache key


def test_monthly_volume_by_hand(fx):
    # 50 applications applied over 30 days (1-30 Jan): 50 / 30 x 30.4375 a month.
    assert bc.monthly_volume(fx, Filters(), "applications") == pytest.approx(50 / 30 * 30.4375)
    # 27 offers all on 1 Feb (one day).
    assert bc.monthly_volume(fx, Filters(), "offers") == pytest.approx(27 * 30.4375)
    with pytest.raises(ValueError):
        bc.monthly_volume(fx, Filters(), "hires")


def test_monthly_volume_empty(con):
    assert bc.monthly_volume(con, Filters(), "offers") is None


def test_pilot_size_matches_r():
    # R: power.prop.test(p1 = .50, p2 = .75, power = .90) -> n = 76.65294 per group.
    plan = bc.plan_pilot(0.5, 0.75, alpha=0.05, power=0.9, monthly=20.0)
    assert plan.n_per_arm == 77
    assert plan.total == 154
    assert plan.months == pytest.approx(77 / 10)
    assert bc.plan_pilot(0.5, 0.75, alpha=0.05, power=0.9, monthly=None).months is None


def test_minimal_detectable_matches_r():
    # R: power.prop.test(n = 50, p1 = .50, power = .90) -> p2 = 0.8026 (R documentation example;
    # R's uniroot tolerance is 1.2e-4).
    p2 = bc.minimal_detectable(0.5, 50, alpha=0.05, power=0.9)
    assert p2 == pytest.approx(0.8026, abs=2e-4)
    # The same downwards, by symmetry of the power function around p = 0.5.
    down = bc.minimal_detectable(0.5, 50, alpha=0.05, power=0.9, direction="down")
    assert down == pytest.approx(1 - p2, abs=1e-9)
    # R: power.prop.test(n = 50, p1 = .5, p2 = .75) -> power = 0.7401659, so at 0.7401659 the
    # smallest detectable rate is 0.75.
    assert bc.minimal_detectable(0.5, 50, alpha=0.05, power=0.7401659) == pytest.approx(
        0.75, abs=1e-5
    )


def test_minimal_detectable_impossible_and_bad_input():
    assert bc.minimal_detectable(0.95, 5, alpha=0.05, power=0.99) is None
    assert bc.minimal_detectable(1.0, 50, alpha=0.05, power=0.8) is None
    with pytest.raises(ValueError):
        bc.minimal_detectable(0.5, 50, alpha=0.05, power=0.8, direction="sideways")
    with pytest.raises(ValueError):
        bc.minimal_detectable(0.5, -3, alpha=0.05, power=0.8)


def test_demo_pays_for_itself(demo_con):
    """The issue's 'done': on the demo data the page can say whether it pays, with uncertainty."""
    info = store.dataset_info(demo_con)
    case = bc.business_case(_measure(demo_con, Filters(), info.as_of), bc.Assumptions())
    assert case.verdict in ("pays", "unclear", "costs")
    assert math.isfinite(case.net_ci.low) and math.isfinite(case.net_ci.high)
    assert case.hours["human_first"] > case.hours["automation_first"]
    assert case.components["recruiter_cost"] < 0


def test_hours_for_display_pools_small_formats():
    """Formats used fewer than 5 times in a pipeline are pooled without counts; their hours stay
    in the total; a pipeline with fewer than 5 hires is not shown."""
    counts = pd.DataFrame(
        {
            "pipeline": ["human_first"] * 3 + ["automation_first"] * 2 + ["other"],
            "format": ["recruiter_call", "panel", "onsite", "ai_cv_screen", "onsite", "onsite"],
            "touchpoints": [40, 2, 3, 50, 10, 4],
        }
    )
    hires = {"human_first": 10, "automation_first": 10, "other": 3}
    hours = bc.recruiter_hours(counts, hires, bc.Assumptions())
    shown = bc.hours_for_display(hours)
    assert "other" not in set(shown.pipeline)
    hf = shown[shown.pipeline == "human_first"].set_index("format")
    assert set(hf.index) == {"recruiter_call", bc.SMALL_FORMATS}
    pooled = hf.loc[bc.SMALL_FORMATS]
    assert pooled.hours_per_hire == pytest.approx((2 * 120 + 3 * 180) / 60 / 10)
    assert pd.isna(pooled.touchpoints) and pd.isna(pooled.per_hire)
    assert hf.hours_per_hire.sum() == pytest.approx(bc.hours_per_hire(hours)["human_first"])
    af = shown[shown.pipeline == "automation_first"]
    assert bc.SMALL_FORMATS not in set(af.format)
    fig = bcc.hours_chart(hours, "en", title="t", footnote="f")
    assert any("fewer than 5" in trace.name for trace in fig.data)
