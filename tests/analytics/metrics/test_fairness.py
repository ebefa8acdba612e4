"""Fairness analytics against hand-counted tables in a real DuckDB, published examples (R's
``mantelhaen.test`` and ``fisher.test`` documentation, the Berkeley admissions data) and peer
implementations (scipy, statsmodels); figures and sentences in both languages."""

from __future__ import annotations

import datetime as dt
import io
import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
)

from analytics import demo, store
from analytics.charts import fairness as fc
from analytics.domain import Filters
from analytics.metrics import fairness
from analytics.report.export import to_csv_bytes, to_excel_bytes

D = dt.date


# ---------------------------------------------------------------------------------------------
# A hand-counted database
# ---------------------------------------------------------------------------------------------


def _app(i: int, **kw) -> dict:
    base = {
        "application_id": f"A{i:04d}",
        "applied_on": D(2025, 1, 1),
        "pipeline": "automation_first",
        "status": "rejected",
        "region": "NL",
    }
    return {**base, **kw}


def _event(aid: str, stage: str, order: int, result: str, touchpoint: str) -> dict:
    return {
        "application_id": aid,
        "stage": stage,
        "stage_order": order,
        "entered_on": D(2025, 1, 2),
        "result": result,
        "touchpoint": touchpoint,
        "format": "ai_cv_screen" if touchpoint == "automated" else "recruiter_call",
    }


def _load(con, apps: list[dict], events: list[dict], hires: list[dict] | None = None) -> None:
    app_cols = [r[0] for r in con.execute("DESCRIBE applications").fetchall()]
    ev_cols = [r[0] for r in con.execute("DESCRIBE stage_events").fetchall()]
    frame = pd.DataFrame(apps).reindex(columns=app_cols)
    frame["career_switcher"] = frame["career_switcher"].astype("boolean")
    con.register("_apps", frame)
    con.execute("INSERT INTO applications SELECT * FROM _apps")
    con.register("_events", pd.DataFrame(events).reindex(columns=ev_cols))
    con.execute("INSERT INTO stage_events SELECT * FROM _events")
    con.execute(
        "INSERT INTO stages VALUES ('screen', 1, 'First screen', 'Eerste selectie'),"
        " ('interview', 3, 'Interview', 'Gesprek'), ('offer', 5, 'Offer', 'Aanbod')"
    )
    if hires:
        hire_cols = [r[0] for r in con.execute("DESCRIBE hires").fetchall()]
        con.register("_hires", pd.DataFrame(hires).reindex(columns=hire_cols))
        con.execute("INSERT INTO hires SELECT * FROM _hires")


@pytest.fixture
def con():
    c = store.connect(":memory:")
    yield c
    c.close()


def _screen_fixture(con) -> None:
    """Automated first screen, decided applications:
    woman: 20 applicants, 6 advanced (+2 withdrawn, +1 pending: not decisions);
    man: 30 applicants, 18 advanced; non_binary: 3 applicants, 3 advanced (suppressed);
    gender missing: 7 applicants, 2 advanced.
    Human interview: woman 10 applicants, 5 advanced; man 10, 5.
    Offer step (nobody rejected): not a selection step."""
    apps, events = [], []
    plan = [
        ("woman", 6, 14, "<30"),
        ("man", 18, 12, "30-39"),
        ("non_binary", 3, 0, "<30"),
        (None, 2, 5, "<30"),
    ]
    for gender, adv, rej, age in plan:
        for j in range(adv + rej):
            i = len(apps)
            apps.append(_app(i, gender=gender, age_band=age, career_switcher=j % 2 == 0))
            result = "advanced" if j < adv else "rejected"
            events.append(_event(apps[-1]["application_id"], "screen", 1, result, "automated"))
    for result in ("withdrawn", "withdrawn", "pending"):
        i = len(apps)
        apps.append(_app(i, gender="woman", age_band="<30"))
        events.append(_event(apps[-1]["application_id"], "screen", 1, result, "automated"))
    for gender in ("woman", "man"):
        for j in range(10):
            i = len(apps)
            apps.append(_app(i, gender=gender, age_band="50+"))
            aid = apps[-1]["application_id"]
            events.append(_event(aid, "interview", 3, "advanced" if j < 5 else "rejected", "human"))
            events.append(_event(aid, "offer", 5, "advanced", "human"))
    _load(con, apps, events)


def test_step_counts_hand_counted(con):
    _screen_fixture(con)
    counts = fairness.step_counts(con, Filters(), ["gender"])
    got = {
        (r.stage, r.touchpoint, r.group): (r.applicants, r.selected) for r in counts.itertuples()
    }
    assert got == {
        ("screen", "automated", "man"): (30, 18),
        ("screen", "automated", "non_binary"): (3, 3),
        ("screen", "automated", "woman"): (20, 6),  # withdrawn and pending are not decisions
        ("screen", "automated", None): (7, 2),
        ("interview", "human", "man"): (10, 5),
        ("interview", "human", "woman"): (10, 5),
    }  # the offer step (nobody rejected) is not a selection step
    assert set(counts.label_nl) == {"Eerste selectie", "Gesprek"}
    missing = fairness.missing_by_step(counts)
    assert missing.set_index("stage").loc["screen", ["missing", "total"]].tolist() == [7, 60]
    assert missing.set_index("stage").loc["interview", "missing"] == 0


def test_step_counts_filters_and_intersection(con):
    _screen_fixture(con)
    counts = fairness.step_counts(con, Filters(region=("UK",)), ["gender"])
    assert counts.empty
    both = fairness.step_counts(con, Filters(), ["gender", "age_band"])
    screen = both[both.stage == "screen"].set_index("group")
    assert screen.loc["woman × <30", "applicants"] == 20
    assert screen.loc["man × 30-39", "selected"] == 18
    # a missing gender makes the intersection missing
    assert int(both[both.group.isna()].applicants.sum()) == 7
    switch = fairness.step_counts(con, Filters(), ["career_switcher"])
    assert set(switch.group.dropna()) == {"true", "false"}


@pytest.mark.parametrize(
    "columns", [["password"], ["gender; DROP TABLE applications"], [], ["gender", "gender"]]
)
def test_step_counts_refuses_unknown_columns(con, columns):
    with pytest.raises(fairness.FairnessError):
        fairness.step_counts(con, Filters(), columns)


def test_available_columns(con):
    _screen_fixture(con)
    cols = fairness.available_columns(con)
    assert cols[:3] == ("gender", "age_band", "career_switcher")
    assert "seniority" not in cols  # no values at all in the fixture


# ---------------------------------------------------------------------------------------------
# Adverse impact: hand-computed impact ratios, scipy / statsmodels as peers
# ---------------------------------------------------------------------------------------------


def _counts(
    rows: list[tuple[str | None, int, int]], stage="screen", tp="automated"
) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "stage": stage,
                "stage_order": 1,
                "touchpoint": tp,
                "label_en": "First screen",
                "label_nl": "Eerste selectie",
                "group": g,
                "applicants": n,
                "selected": k,
            }
            for g, k, n in rows
        ]
    )


HAND = [("A", 48, 80), ("B", 12, 40), ("C", 30, 60), ("D", 4, 4), (None, 10, 20)]


def test_impact_ratios_by_hand():
    table = fairness.adverse_impact(_counts(HAND)).set_index("group")
    # A 0.6 is the most-selected shown group; D (4 of 4) is below the privacy threshold and is
    # neither shown nor the reference; the missing group is not a group.
    assert list(table.index) == ["A", "B", "C", "D"]
    assert table.loc["A", "reference"] and table.loc["A", "impact_ratio"] == 1.0
    assert table.loc["B", "impact_ratio"] == pytest.approx(0.3 / 0.6)
    assert table.loc["C", "impact_ratio"] == pytest.approx(0.5 / 0.6)
    assert table.loc["B", "four_fifths"] and not table.loc["C", "four_fifths"]
    assert table.loc["D", "suppressed"] and math.isnan(table.loc["D", "rate"])
    assert math.isnan(table.loc["D", "applicants"])  # no counts leave for a suppressed group
    assert table.loc["D", "finding"] == "too_few"
    # Koopman score interval of the ratio; statsmodels' score method as the peer.
    peer = confint_proportions_2indep(
        12, 40, 48, 80, compare="ratio", method="score", correction=False
    )
    assert table.loc["B", "ir_low"] == pytest.approx(float(peer[0]), rel=1e-6)
    assert table.loc["B", "ir_high"] == pytest.approx(float(peer[1]), rel=1e-6)
    # B: 0.5, its own 95% interval ends just below 0.8 (one-sided p about 0.022), but the family
    # is the table (B and C): Holm doubles the smallest p, 0.044 > 0.025 -> not clearly below.
    assert table.loc["B", "ir_high"] < 0.8
    assert table.loc["B", "p_below"] < 0.025 < table.loc["B", "p_below_adjusted"]
    assert table.loc["B", "four_fifths_finding"] == "not_clearly_below"
    assert table.loc["C", "four_fifths_finding"] == "not_below"
    assert table.loc["A", "four_fifths_finding"] == "reference"


def test_reference_is_stable_not_a_small_most_selected_group():
    # E selects 9 of 9 (100%) but has fewer than 30 applicants: A (60%, 80 applicants) stays the
    # reference, so B's and C's ratios are not driven by nine people.
    table = fairness.adverse_impact(_counts([*HAND, ("E", 9, 9)])).set_index("group")
    assert table.loc["A", "reference"] and not table.loc["E", "reference"]
    assert table.loc["E", "impact_ratio"] == pytest.approx(1 / 0.6)
    # No group reaches 30: the largest one is the reference, whatever the row order.
    small = [("P", 5, 10), ("Q", 2, 20), ("R", 6, 6)]
    for rows in (small, small[::-1]):
        t = fairness.adverse_impact(_counts(rows)).set_index("group")
        assert t.loc["Q", "reference"] and t.reference.sum() == 1
    # Wilson interval of B's rate 12/40, statsmodels as the peer
    low, high = proportion_confint(12, 40, method="wilson")
    assert (table.loc["B", "rate_low"], table.loc["B", "rate_high"]) == pytest.approx((low, high))


def test_fisher_against_best_and_rest_with_holm():
    best = fairness.adverse_impact(_counts(HAND), comparison="best").set_index("group")
    p_b = sps.fisher_exact([[12, 28], [48, 32]]).pvalue
    p_c = sps.fisher_exact([[30, 30], [48, 32]]).pvalue
    assert best.loc["B", "p_value"] == pytest.approx(p_b)
    assert best.loc["C", "p_value"] == pytest.approx(p_c)
    assert math.isnan(best.loc["A", "p_value"])
    holm = multipletests([p_b, p_c], method="holm")[1]
    assert best.loc[["B", "C"], "p_adjusted"].tolist() == pytest.approx(list(holm))
    assert best.loc["B", "finding"] == "clear_difference"
    assert best.loc["A", "finding"] == "reference"

    rest = fairness.adverse_impact(_counts(HAND), comparison="rest").set_index("group")
    # rest of A = B + C + D (all known groups, the suppressed one included): 46 of 104
    assert rest.loc["A", "p_value"] == pytest.approx(sps.fisher_exact([[48, 32], [46, 58]]).pvalue)
    assert rest.loc["B", "p_value"] == pytest.approx(sps.fisher_exact([[12, 28], [82, 62]]).pvalue)
    ps = rest.loc[["A", "B", "C"], "p_value"].tolist()
    assert rest.loc[["A", "B", "C"], "p_adjusted"].tolist() == pytest.approx(
        list(multipletests(ps, method="holm")[1])
    )


def test_holm_runs_across_steps_and_bad_comparison():
    two = pd.concat([_counts(HAND), _counts(HAND, stage="interview", tp="human")])
    table = fairness.adverse_impact(two)
    assert table.p_value.notna().sum() == 4
    ps = table.p_value.dropna().tolist()
    assert table.p_adjusted.dropna().tolist() == pytest.approx(
        list(multipletests(ps, method="holm")[1])
    )
    with pytest.raises(fairness.FairnessError):
        fairness.adverse_impact(_counts(HAND), comparison="worst")  # type: ignore[arg-type]


def test_all_groups_too_small_and_empty():
    table = fairness.adverse_impact(_counts([("A", 1, 3), ("B", 2, 4)]))
    assert table.suppressed.all() and (table.finding == "too_few").all()
    assert fairness.adverse_impact(_counts([]).iloc[0:0]).empty


def test_touchpoints_side_by_side():
    counts = pd.concat(
        [
            _counts([("A", 40, 100), ("B", 20, 100)], "screen", "automated"),
            _counts([("A", 30, 50), ("B", 30, 50)], "interview", "human"),
            _counts([("A", 10, 50), ("B", 10, 50), (None, 1, 9)], "screen", "human"),
        ]
    )
    pooled = fairness.pooled_by_touchpoint(counts)
    got = {(r.touchpoint, r.group): (r.applicants, r.selected) for r in pooled.itertuples()}
    assert got[("human", "A")] == (100, 40) and got[("automated", "B")] == (100, 20)
    assert got[("human", None)] == (9, 1)
    table = fairness.adverse_impact(pooled)
    wide = fairness.side_by_side(table).set_index("group")
    assert wide.loc["B", "automated_impact_ratio"] == pytest.approx(0.5)
    assert wide.loc["B", "human_impact_ratio"] == pytest.approx(1.0)
    assert wide.loc["B", "automated_four_fifths"] and not wide.loc["B", "human_four_fifths"]
    summary = fairness.touchpoint_summary(table)
    assert summary.automated_min == ("B", pytest.approx(0.5))
    assert summary.automated_clear == 1 and summary.human_clear == 0
    for lang, word in (("en", "Only the automated steps"), ("nl", "Alleen de geautomatiseerde")):
        assert word in fc.takeaway_touchpoints(summary, "gender", lang)


def test_touchpoint_gap_test_against_statsmodels():
    counts = pd.concat(
        [
            _counts([("A", 40, 100), ("B", 20, 100), ("C", 2, 3)], "screen", "automated"),
            _counts([("A", 30, 100), ("B", 28, 100), ("C", 1, 3)], "screen", "human"),
        ]
    )
    gaps = fairness.touchpoint_gap_tests(fairness.pooled_by_touchpoint(counts)).set_index("group")
    # C (3 applicants) is suppressed in the pooled rows, so B's rest is A alone:
    # automated 20/100 vs 40/100, human 28/100 vs 30/100
    tables = [np.array([[20, 80], [40, 60]]), np.array([[28, 72], [30, 70]])]
    peer = StratifiedTable(tables).test_equal_odds(adjust=True)
    assert gaps.loc["B", "p_value"] == pytest.approx(peer.pvalue, rel=1e-6)
    assert gaps.loc["B", "or_automated"] == pytest.approx(20 * 60 / (80 * 40))
    assert gaps.loc["C", "finding"] == "too_few"  # 3 applicants: below the privacy threshold
    assert gaps.loc[["A", "B"], "p_adjusted"].tolist() == pytest.approx(
        list(multipletests(gaps.loc[["A", "B"], "p_value"].tolist(), method="holm")[1])
    )
    # A and B are each other's rest: one p-value twice, Holm doubles it past 0.05
    assert fc.takeaway_gaps(gaps.reset_index(), "gender", "en").startswith("For no group")
    assert "geen enkele groep" in fc.takeaway_gaps(gaps.reset_index(), "gender", "nl")


def test_pooled_rows_hide_groups_suppressed_at_a_step():
    # C has 3 applicants at the interview: pooled human C (3 + 50) minus the shown screen (50)
    # would reveal them, so C is suppressed in the pooled human row as well.
    counts = pd.concat(
        [
            _counts([("A", 10, 50), ("C", 20, 50)], "screen", "human"),
            _counts([("A", 20, 40), ("C", 1, 3)], "interview", "human"),
            _counts([("A", 10, 50), ("C", 20, 50)], "screen", "automated"),
        ]
    )
    table = fairness.adverse_impact(fairness.pooled_by_touchpoint(counts))
    human = table[table.touchpoint == "human"].set_index("group")
    assert human.loc["C", "suppressed"] and math.isnan(human.loc["C", "applicants"])
    assert human.loc["A", "applicants"] == 90
    auto = table[table.touchpoint == "automated"].set_index("group")
    assert not auto.loc["C", "suppressed"]
    sw = _counts([("true", 20, 50), ("false", 20, 60)], "screen", "automated")
    sw2 = _counts([("true", 1, 2), ("false", 20, 60)], "interview", "automated")
    rates = fairness.switcher_pass_rates(pd.concat([sw, sw2]))
    pooled = rates[rates.scope == "all"].iloc[0]
    assert pooled.finding == "too_few" and math.isnan(pooled.n_switchers)


def test_audit_export_suppressed_and_escaped():
    rows = [("=HYPERLINK(1)", 48, 80), ("B", 12, 40), ("D", 4, 4), (None, 10, 20)]
    counts = _counts(rows)
    table = fairness.adverse_impact(counts)
    audit = fairness.audit_table(table, fairness.missing_by_step(counts), "nl")
    assert list(audit.group) == ["=HYPERLINK(1)", "B"]  # D suppressed
    assert (audit.applications_without_column == 20).all()
    assert (audit.fisher_compared_with == "most_selected_group").all()
    rest = fairness.audit_table(table, fairness.missing_by_step(counts), comparison="rest")
    assert (rest.fisher_compared_with == "all_other_groups").all()
    assert audit.step.iloc[0] == "Eerste selectie"
    text = to_csv_bytes(audit).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text
    sheet = pd.read_excel(io.BytesIO(to_excel_bytes(audit)))
    assert sheet.group.iloc[0] == "'=HYPERLINK(1)"
    assert sheet.impact_ratio.iloc[1] == pytest.approx(0.5)


# ---------------------------------------------------------------------------------------------
# Career switchers
# ---------------------------------------------------------------------------------------------


def test_switcher_pass_rates_against_statsmodels():
    counts = pd.concat(
        [
            _counts([("true", 20, 100), ("false", 150, 300), (None, 5, 10)], "screen", "automated"),
            _counts([("true", 45, 100), ("false", 140, 300)], "screen", "human"),
        ]
    )
    rates = fairness.switcher_pass_rates(counts)
    auto = rates[(rates.scope == "all") & (rates.touchpoint == "automated")].iloc[0]
    assert auto.rate_switchers == pytest.approx(0.2) and auto.rate_others == pytest.approx(0.5)
    # One procedure (issue 17): the Miettinen-Nurminen score test and the interval it inverts
    # (the interval itself is checked against Newcombe 1998 in tests/analytics/stats). Peer for
    # the p-value: statsmodels' score test with the MN variance correction.
    score = sm_proportion.test_proportions_2indep(
        20, 100, 150, 300, method="score", correction=True
    )
    assert auto.p_value == pytest.approx(score.pvalue, rel=1e-9) and auto.test == "mn-score"
    assert auto.diff_low < -0.3 < auto.diff_high < 0  # contains the estimate, excludes 0
    assert auto.impact_ratio == pytest.approx(0.4)
    assert auto.finding == "clear_difference"
    human = rates[(rates.scope == "all") & (rates.touchpoint == "human")].iloc[0]
    assert human.finding == "no_clear_difference"
    assert set(rates.scope) == {"all", "screen"}
    en = fc.takeaway_switchers(rates, "en")
    assert "a clear difference" in en and "no clear difference" in en
    nl = fc.takeaway_switchers(rates, "nl")
    assert "geautomatiseerde stappen" in nl and "geen duidelijk verschil" in nl


def test_switcher_pass_rates_too_few():
    rates = fairness.switcher_pass_rates(_counts([("true", 1, 3), ("false", 10, 40)]))
    assert rates.finding.tolist() == ["too_few", "too_few"]
    assert math.isnan(rates.n_switchers.iloc[0])
    assert "too few to say" in fc.takeaway_switchers(rates, "en")


def test_switcher_quality_against_scipy(con):
    perf_s = [4, 5, 3, 4, 4, 5]
    perf_o = [3, 3, 4, 2, 3, 3, 4]
    apps, hires = [], []
    as_of = D(2026, 6, 30)
    for switcher, perfs in ((True, perf_s), (False, perf_o)):
        for j, perf in enumerate(perfs):
            i = len(apps)
            apps.append(_app(i, career_switcher=switcher, status="hired"))
            hires.append(
                {
                    "application_id": apps[-1]["application_id"],
                    "start_on": D(2025, 1, 1),
                    "perf_12m": float(perf),
                    "ramp_days": 60 if j % 2 == 0 else 120,
                    "left_on": D(2025, 6, 1) if j == 0 else None,
                    "exit_type": "voluntary" if j == 0 else None,
                }
            )
    _load(con, apps, [], hires)
    counts = fairness.switcher_quality_counts(con, Filters(), as_of)
    q = fairness.switcher_quality(counts).set_index("component")
    assert q.loc["performance", "switchers"] == pytest.approx((np.mean(perf_s) - 1) / 4 * 100)
    welch = sps.ttest_ind(perf_s, perf_o, equal_var=False)
    assert q.loc["performance", "p_value"] == pytest.approx(welch.pvalue)
    assert q.loc["performance", "diff"] == pytest.approx(25 * (np.mean(perf_s) - np.mean(perf_o)))
    ci = welch.confidence_interval()
    assert q.loc["performance", "diff_low"] == pytest.approx(25 * ci.low)
    # ramp within 90 days: switchers 3 of 6, others 4 of 7; retention: 5 of 6, 6 of 7
    assert q.loc["ramp", "switchers"] == pytest.approx(50.0)
    assert q.loc["ramp", "others"] == pytest.approx(400 / 7)
    assert q.loc["retention", "switchers"] == pytest.approx(500 / 6)
    assert q.loc["retention", "test"] == "mn-score"  # one procedure for every difference of rates
    assert q.loc["retention", "finding"] == "no_clear_difference"
    text = fc.takeaway_switcher_quality(q.reset_index(), "en")
    assert "clear difference" in text


# ---------------------------------------------------------------------------------------------
# Any two-group comparison: published examples through the upload path
# ---------------------------------------------------------------------------------------------


def _expand(cells: list[tuple[str, str, str | None, int]]) -> pd.DataFrame:
    rows = [(g, o, s) for g, o, s, n in cells for _ in range(n)]
    return pd.DataFrame(rows, columns=["group", "outcome", "stratum"], dtype=object)


def _two(frame: pd.DataFrame, stratum: str | None = None) -> pd.DataFrame:
    c = duckdb.connect(":memory:")
    sql = fairness.load_upload_table(c, frame)
    try:
        return fairness.two_group_counts(c, sql, group="group", outcome="outcome", stratum=stratum)
    finally:
        c.close()


# UCBAdmissions (R datasets): Admitted / Rejected by Gender and Dept.
UCB = {
    "A": ((512, 313), (89, 19)),
    "B": ((353, 207), (17, 8)),
    "C": ((120, 205), (202, 391)),
    "D": ((138, 279), (131, 244)),
    "E": ((53, 138), (94, 299)),
    "F": ((22, 351), (24, 317)),
}


def _ucb() -> pd.DataFrame:
    cells = []
    for dept, ((ma, mr), (fa, fr)) in UCB.items():
        cells += [
            ("Male", "Admitted", dept, ma),
            ("Male", "Rejected", dept, mr),
            ("Female", "Admitted", dept, fa),
            ("Female", "Rejected", dept, fr),
        ]
    return _expand(cells)


def test_berkeley_admissions_crude_vs_mantel_haenszel_reversal():
    counts = _two(_ucb(), stratum="stratum")
    res = fairness.compare_two_groups(
        counts, group_a="Male", group_b="Female", yes_values=["Admitted"]
    )
    c = res.comparison
    assert (c.k1, c.n1, c.k2, c.n2) == (1198, 2691, 557, 1835)
    # crude: men admitted more often (44.5% vs 30.4%)
    assert res.mh is not None
    assert res.mh.crude_odds_ratio == pytest.approx(1198 * 1278 / (1493 * 557))
    assert c.clear and c.diff > 0
    # R: mantelhaen.test(UCBAdmissions) (continuity correction, the default): X-squared = 1.4269,
    # p-value = 0.2323, common odds ratio 0.9046968, 95% CI 0.7719074 1.0603298
    assert res.mh.odds_ratio == pytest.approx(0.9046968, abs=1e-6)
    assert (res.mh.ci.low, res.mh.ci.high) == pytest.approx((0.7719074, 1.0603298), abs=1e-6)
    assert res.mh.statistic == pytest.approx(1.4269, abs=1e-4)
    assert res.mh.p_value == pytest.approx(0.2323, abs=1e-4)
    assert res.mh.reversal and res.adjusted_finding == "no_clear_difference"
    assert len(res.strata) == 6
    en = fc.takeaway_adjusted(res, "department", "en")
    assert "Simpson" in en and "department" in en
    assert "Simpson" in fc.takeaway_adjusted(res, "afdeling", "nl")
    table = fairness.strata_table(res)
    assert table.set_index("stratum").loc["A", "rate_b"] == pytest.approx(89 / 108)


def test_rabbits_mantel_haenszel_r_example():
    # R ?mantelhaen.test, "Rabbits": penicillin delay (None vs 1.5h) x Cured/Died x 5 levels.
    strata = [
        ((0, 6), (0, 5)),
        ((3, 3), (0, 6)),
        ((6, 0), (2, 4)),
        ((5, 1), (6, 0)),
        ((2, 0), (5, 0)),
    ]
    cells = []
    for level, ((nc, nd), (lc, ld)) in enumerate(strata):
        cells += [
            ("None", "Cured", f"L{level}", nc),
            ("None", "Died", f"L{level}", nd),
            ("1.5h", "Cured", f"L{level}", lc),
            ("1.5h", "Died", f"L{level}", ld),
        ]
    counts = _two(_expand(cells), stratum="stratum")
    res = fairness.compare_two_groups(
        counts, group_a="None", group_b="1.5h", yes_values=["Cured"], min_group=1
    )
    # R: Mantel-Haenszel X-squared = 3.9286, df = 1, p-value = 0.04747,
    # common odds ratio 7, 95% CI 1.026713 47.725133
    assert res.mh is not None
    assert res.mh.odds_ratio == pytest.approx(7.0)
    assert (res.mh.ci.low, res.mh.ci.high) == pytest.approx((1.026713, 47.725133), abs=1e-5)
    assert res.mh.statistic == pytest.approx(3.9286, abs=1e-4)
    assert res.mh.p_value == pytest.approx(0.04747, abs=1e-5)


def test_tea_tasting_fisher_r_example():
    # R ?fisher.test, TeaTasting: guess Milk/Tea vs truth, 3 1 / 1 3; two-sided p = 0.4857.
    frame = _expand(
        [
            ("Milk first", "Milk", None, 3),
            ("Milk first", "Tea", None, 1),
            ("Tea first", "Milk", None, 1),
            ("Tea first", "Tea", None, 3),
        ]
    )
    counts = _two(frame)
    res = fairness.compare_two_groups(
        counts, group_a="Milk first", group_b="Tea first", yes_values=["Milk"], min_group=1
    )
    # One procedure for every difference of rates (issue 17): the Miettinen-Nurminen score test,
    # not Fisher's exact test (R's 0.4857 for these counts); peer: statsmodels' score test.
    score = sm_proportion.test_proportions_2indep(3, 4, 1, 4, method="score", correction=True)
    assert res.comparison.test == "mn-score"
    assert res.comparison.p_value == pytest.approx(score.pvalue, rel=1e-9)
    assert res.finding == "no_clear_difference" and res.mh is None
    assert "no clear difference" in fc.takeaway_two_groups(res, ("Milk first", "Tea first"), "en")
    # with the privacy threshold (the app's own data) four per group is too few to say
    small = fairness.compare_two_groups(
        counts, group_a="Milk first", group_b="Tea first", yes_values=["Milk"]
    )
    assert small.finding == "too_few"
    assert (
        fc.takeaway_two_groups(small, ("a", "b"), "nl")
        == "Te weinig rijen in een groep: te weinig gegevens."
    )


def test_two_groups_hand_computed_impact_ratio_and_missing():
    frame = _expand(
        [
            ("x", "yes", None, 30),
            ("x", "no", None, 70),
            ("y", "yes", None, 50),
            ("y", "no", None, 50),
            ("y", None, None, 4),
            ("z", "yes", None, 9),
        ]
    )
    res = fairness.compare_two_groups(_two(frame), group_a="x", group_b="y", yes_values=["yes"])
    assert res.impact_ratio == pytest.approx(0.6) and res.lower_group == "x"
    assert res.missing == 4
    assert res.comparison.risk_ratio == pytest.approx(0.6)
    assert res.comparison.diff == pytest.approx(-0.2)
    score = sm_proportion.test_proportions_2indep(30, 100, 50, 100, method="score", correction=True)
    assert res.comparison.p_value == pytest.approx(score.pvalue, rel=1e-9)
    text = fc.takeaway_two_groups(res, ("x", "y"), "en")
    assert "a clear difference" in text and "0.60" in text and "four-fifths" in text
    nl = fc.takeaway_two_groups(res, ("x", "y"), "nl")
    assert "0,60" in nl and "20,0 procentpunt" in nl


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"group_a": "x", "group_b": "x", "yes_values": ["yes"]}, "different groups"),
        ({"group_a": "x", "group_b": "y", "yes_values": []}, "yes"),
        ({"group_a": "x", "group_b": "nobody", "yes_values": ["yes"]}, "at least one row"),
    ],
)
def test_two_groups_bad_choices(kwargs, word):
    frame = _expand([("x", "yes", None, 3), ("y", "no", None, 3)])
    with pytest.raises(fairness.FairnessError, match=word):
        fairness.compare_two_groups(_two(frame), **kwargs)


def test_two_group_columns_are_validated_and_quoted():
    frame = pd.DataFrame({'we"ird col': ["a", "b"], "out": ["1", "0"]}, dtype=object)
    c = duckdb.connect(":memory:")
    sql = fairness.load_upload_table(c, frame)
    counts = fairness.two_group_counts(c, sql, group='we"ird col', outcome="out")
    assert counts.n.sum() == 2
    with pytest.raises(fairness.FairnessError):
        fairness.two_group_counts(c, sql, group="nope; DROP TABLE x", outcome="out")
    levels = fairness.column_levels(c, sql, 'we"ird col')
    assert levels.value.tolist() == ["a", "b"]
    with pytest.raises(fairness.FairnessError):
        fairness.load_upload_table(c, pd.DataFrame({"only": ["a"]}), name="other")
    c.close()


def test_app_tables_follow_filters(con):
    _screen_fixture(con)
    sql, params = fairness.app_source("applications", Filters(region=("NL",)))
    counts = fairness.two_group_counts(con, sql, group="gender", outcome="status", params=params)
    assert counts.n.sum() == 83
    sql, params = fairness.app_source("applications", Filters(region=("UK",)))
    assert fairness.two_group_counts(
        con, sql, group="gender", outcome="status", params=params
    ).empty
    assert "career_switcher" in fairness.table_columns(con, fairness.APP_TABLES["offers"])
    with pytest.raises(fairness.FairnessError):
        fairness.app_source("hires", Filters())


# ---------------------------------------------------------------------------------------------
# Demo data and figures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_con():
    c = store.connect(":memory:")
    demo.build(c, 4000, seed=5)
    yield c
    c.close()


def test_demo_career_switchers_held_back_by_automated_screens(demo_con):
    counts = fairness.step_counts(demo_con, Filters(), ["career_switcher"])
    rates = fairness.switcher_pass_rates(counts).set_index(["scope", "touchpoint"])
    auto = rates.loc[("all", "automated")]
    assert auto.finding == "clear_difference" and auto["diff"] < 0
    assert auto.impact_ratio < rates.loc[("all", "human"), "impact_ratio"]


def test_demo_tables_have_no_small_groups(demo_con):
    counts = fairness.step_counts(demo_con, Filters(), ["gender", "age_band"])
    table = fairness.adverse_impact(counts)
    shown = table[~table.suppressed]
    assert (shown.applicants >= 5).all()
    assert table[table.suppressed].rate.isna().all()
    audit = fairness.audit_table(table, fairness.missing_by_step(counts))
    assert len(audit) == len(shown)
