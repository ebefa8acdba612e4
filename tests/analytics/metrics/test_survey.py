"""Survey analysis: banner statistics against hand-computed values and scipy, column letters
against a hand example, weighted results against hand calculations and the statistics engine,
Brunner-Munzel against scipy / statsmodels, suppression, free text, and a real-size Qualtrics
export end to end (real DuckDB, no mocks)."""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analytics import stats, store
from analytics.charts import survey as sc
from analytics.domain import Filters
from analytics.ingest import survey as si
from analytics.metrics import survey as sv
from analytics.report.export import to_csv_bytes

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "data" / "samples"))
import make_survey_samples as samples  # noqa: E402

from tests.analytics.metrics.survey_fixture import LIKERT, _banner, _load, _rows  # noqa: E402

SINGLE = {
    "human_first": {"Recruiter": 30, "Team": 15, "Offer": 5},
    "automation_first": {"Recruiter": 20, "Team": 25, "Offer": 15},
}


def test_banner_column_shares_chi_square_and_cramers_v_match_hand_and_scipy():
    con = store.connect()
    sid = _load(con, [("v", "single", ["Recruiter", "Team", "Offer"])], _rows(SINGLE, "v"))
    b = _banner(con, sid, "v")
    assert b.columns == [sv.TOTAL, "human_first", "automation_first"]
    assert b.summaries["human_first"].n == 50 and b.summaries["automation_first"].n == 60
    assert b.shares.at["Recruiter", "human_first"] == pytest.approx(30 / 50)
    assert b.shares.at["Offer", "automation_first"] == pytest.approx(15 / 60)
    assert b.shares.at["Team", sv.TOTAL] == pytest.approx(40 / 110)
    observed = np.array([[30, 20], [15, 25], [5, 15]])
    ref = sps.chi2_contingency(observed, correction=False)
    assert b.test.statistic == pytest.approx(ref.statistic)
    assert b.test.p_value == pytest.approx(ref.pvalue)
    assert b.test.dof == 2
    # Hand: expected = row total x column total / N, V = sqrt(X^2 / (N (min(r, c) - 1)))
    expected = observed.sum(1, keepdims=True) * observed.sum(0, keepdims=True) / 110
    x2 = float(((observed - expected) ** 2 / expected).sum())
    assert b.test.statistic == pytest.approx(x2)
    assert b.test.cramers_v == pytest.approx(math.sqrt(x2 / 110))
    # Margin of error at 50% with n = 50: 1.96 * sqrt(0.25 / 50)
    assert b.summaries["human_first"].moe == pytest.approx(
        1.959964 * math.sqrt(0.25 / 50), rel=1e-5
    )


def test_two_by_two_banner_has_no_yates_correction():
    table = {"human_first": {"Yes": 12, "No": 8}, "automation_first": {"Yes": 5, "No": 15}}
    con = store.connect()
    sid = _load(con, [("b", "binary", ["No", "Yes"])], _rows(table, "b"))
    b = _banner(con, sid, "b")
    # Hand: N = 40, row totals 23 (No), 17 (Yes), columns 20/20.
    obs = np.array([[8, 15], [12, 5]], dtype=float)
    exp = np.array([[11.5, 11.5], [8.5, 8.5]])
    assert b.test.statistic == pytest.approx(((obs - exp) ** 2 / exp).sum())
    assert b.test.statistic != pytest.approx(sps.chi2_contingency(obs, correction=True).statistic)
    # Top box of a yes/no question = share "Yes", Wilson interval as the engine's
    hf = b.summaries["human_first"]
    assert hf.top_box == pytest.approx(12 / 20)
    assert hf.top_box_ci == pytest.approx(stats.proportion_ci(12, 20))


def test_likert_banner_rank_test_and_summaries_match_the_engine():
    table = {
        "human_first": dict(zip(LIKERT, [2, 5, 10, 20, 13], strict=True)),
        "automation_first": dict(zip(LIKERT, [6, 12, 14, 10, 8], strict=True)),
    }
    con = store.connect()
    sid = _load(con, [("l", "likert", LIKERT)], _rows(table, "l"))
    b = _banner(con, sid, "l")
    x = np.repeat(np.arange(1, 6), [2, 5, 10, 20, 13])
    y = np.repeat(np.arange(1, 6), [6, 12, 14, 10, 8])
    rc = stats.rank_compare(x, y)
    (pair,) = b.rank_pairs
    assert pair.mann_whitney_p == pytest.approx(rc.p_value)
    assert pair.brunner_munzel_p == pytest.approx(sps.brunnermunzel(x, y).pvalue)
    assert pair.prob_superiority == pytest.approx(rc.prob_superiority)
    hf = b.summaries["human_first"]
    assert hf.top_box == pytest.approx(33 / 50)
    assert b.top_box_label == "Agree + Strongly agree"
    # Mean with the t interval (unweighted = the textbook interval)
    ci = sps.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sps.sem(x))
    assert hf.mean == pytest.approx(x.mean())
    assert hf.mean_ci.low == pytest.approx(ci[0]) and hf.mean_ci.high == pytest.approx(ci[1])


def test_nps_banner_matches_stats_nps():
    scores_h = [10, 9, 9, 8, 7, 6, 3, 10, 10, 9, 5, 8]
    scores_a = [2, 4, 6, 6, 7, 8, 9, 10, 5, 6, 7, 3]
    rows = [{"pipeline": "human_first", "n": s} for s in scores_h]
    rows += [{"pipeline": "automation_first", "n": s} for s in scores_a]
    con = store.connect()
    sid = _load(con, [("n", "nps", [str(i) for i in range(11)])], rows)
    b = _banner(con, sid, "n")
    for pipe, scores in (("human_first", scores_h), ("automation_first", scores_a)):
        ref = stats.nps(scores)
        got = b.summaries[pipe].nps
        assert got.nps == pytest.approx(ref.nps)
        assert got.ci.low == pytest.approx(ref.ci.low) and got.ci.high == pytest.approx(ref.ci.high)


def test_weighted_banner_uses_weights_and_kish_effective_n():
    con = store.connect()
    sid = _load(con, [("v", "single", ["Recruiter", "Team", "Offer"])], _rows(SINGLE, "v"))
    frame = sv.respondent_frame(con, sid, Filters(), ("v",))
    # Post-stratify to 50/50 pipelines by hand: weight = target share / sample share
    spec = sv.WeightSpec(
        targets=(("pipeline", (("human_first", 50.0), ("automation_first", 50.0))),)
    )
    result = sv.compute_weights(frame, spec)
    hand = np.where(frame.pipeline == "human_first", 0.5 / (50 / 110), 0.5 / (60 / 110))
    np.testing.assert_allclose(result.weights.to_numpy(), hand / hand.mean(), rtol=1e-9)
    assert result.n_eff == pytest.approx(stats.kish_effective_n(hand))
    assert result.design_effect == pytest.approx(stats.design_effect(hand))

    b = _banner(con, sid, "v", weights=result.weights)
    # Within a pipeline all weights are equal: column shares are unchanged, the total moves.
    assert b.shares.at["Recruiter", "human_first"] == pytest.approx(0.6)
    assert b.shares.at["Recruiter", sv.TOTAL] == pytest.approx(0.5 * 0.6 + 0.5 * 20 / 60)
    # Chi-square on the weighted table rescaled to the overall Kish n (by hand)
    w_h, w_a = (
        hand[frame.pipeline == "human_first"][0],
        hand[frame.pipeline == "automation_first"][0],
    )
    weighted = np.array([[30 * w_h, 20 * w_a], [15 * w_h, 25 * w_a], [5 * w_h, 15 * w_a]])
    scaled = weighted * stats.kish_effective_n(hand) / weighted.sum()
    ref = sps.chi2_contingency(scaled, correction=False)
    assert b.test.statistic == pytest.approx(ref.statistic)
    assert b.test.p_value == pytest.approx(ref.pvalue)


def test_weighted_nps_and_top_box_match_the_engine_with_weights():
    rng = np.random.default_rng(11)
    n = 80
    scores = rng.integers(0, 11, n)
    likert = rng.integers(0, 5, n)
    region = np.where(rng.random(n) < 0.3, "north", "south")
    rows = [
        {"pipeline": "human_first", "n": int(s), "l": LIKERT[k], "r": reg}
        for s, k, reg in zip(scores, likert, region, strict=True)
    ]
    con = store.connect()
    sid = _load(
        con,
        [
            ("n", "nps", [str(i) for i in range(11)]),
            ("l", "likert", LIKERT),
            ("r", "single", ["north", "south"]),
        ],
        rows,
    )
    frame = sv.respondent_frame(con, sid, Filters(), ("l", "r"))
    spec = sv.WeightSpec(targets=(("q:r", (("north", 0.5), ("south", 0.5))),), trim=None)
    w = sv.compute_weights(frame, spec).weights
    wv = w.to_numpy()
    b = _banner(con, sid, "n", weights=w)
    ref = stats.nps(scores, weights=wv)
    got = b.summaries[sv.TOTAL].nps
    assert got.nps == pytest.approx(ref.nps)
    assert got.ci.low == pytest.approx(ref.ci.low) and got.ci.high == pytest.approx(ref.ci.high)
    b = _banner(con, sid, "l", weights=w)
    top = (likert >= 3).astype(float)
    s = b.summaries[sv.TOTAL]
    assert s.top_box == pytest.approx(float((wv * top).sum() / wv.sum()))
    assert s.top_box_ci.low == pytest.approx(stats.weighted_proportion_ci(top, wv).low)
    assert s.n_eff == pytest.approx(stats.kish_effective_n(wv))


def test_small_groups_are_suppressed_and_left_out_of_tests():
    table = {
        "human_first": {"Recruiter": 30, "Team": 15},
        "automation_first": {"Recruiter": 20, "Team": 25},
        "hybrid": {"Recruiter": 2, "Team": 2},
    }
    con = store.connect()
    sid = _load(con, [("v", "single", ["Recruiter", "Team"])], _rows(table, "v"))
    b = _banner(con, sid, "v")
    assert b.suppressed_groups == ["hybrid"]
    assert "hybrid" not in b.shares.columns and "hybrid" not in b.counts.columns
    assert b.test.statistic == pytest.approx(
        sps.chi2_contingency(np.array([[30, 20], [15, 25]]), correction=False).statistic
    )
    assert sc.takeaway(b, {"human_first": "H", "automation_first": "A"}, "en").startswith(
        "Clear difference"
    )


def test_multi_choice_base_is_respondents_and_has_no_overall_chi_square():
    rows = [{"pipeline": "human_first", "m": "Chatbot; Video"}] * 10
    rows += [{"pipeline": "human_first", "m": "Video"}] * 10
    rows += [{"pipeline": "automation_first", "m": "Chatbot"}] * 20
    con = store.connect()
    sid = _load(con, [("m", "multi", ["Chatbot", "Video"])], rows)
    b = _banner(con, sid, "m")
    assert b.shares.at["Video", "human_first"] == pytest.approx(1.0)
    assert b.shares.at["Chatbot", "human_first"] == pytest.approx(0.5)
    assert b.test is None
    assert b.letters.at["Video", "human_first"] == "B"


def test_free_text_search_suppression_and_escaped_export():
    rows = [{"pipeline": "human_first", "c": f"Good call {i}"} for i in range(6)]
    rows += [{"pipeline": "human_first", "c": '=HYPERLINK("x")'}]
    rows += [{"pipeline": "automation_first", "c": "Secret small group"} for _ in range(3)]
    con = store.connect()
    sid = _load(con, [("c", "text", None)], rows)
    frame = sv.respondent_frame(con, sid, Filters())
    groups, _ = sv.group_frame(frame, "pipeline", None)
    answers, hidden = sv.free_text(con, sid, "c", groups)
    assert hidden == ["automation_first"]
    assert len(answers) == 7 and "Secret small group" not in set(answers.answer)
    found, _ = sv.free_text(con, sid, "c", groups, search="GOOD CALL")
    assert len(found) == 6
    found, _ = sv.free_text(con, sid, "c", groups, search="%")  # a literal, not a wildcard
    assert found.empty
    csv = to_csv_bytes(answers).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv


def test_raking_problems_become_analysis_errors():
    con = store.connect()
    sid = _load(con, [("v", "single", ["Recruiter", "Team", "Offer"])], _rows(SINGLE, "v"))
    frame = sv.respondent_frame(con, sid, Filters())
    spec = sv.WeightSpec(targets=(("pipeline", (("human_first", 1.0),)),))
    with pytest.raises(sv.SurveyAnalysisError, match="automation_first"):
        sv.compute_weights(frame, spec)


def test_population_targets_keep_the_missing_level_share():
    sample = pd.Series({"human_first": 0.3, "automation_first": 0.3, sv.MISSING_LEVEL: 0.4})
    population = pd.Series({"human_first": 0.25, "automation_first": 0.75})
    out = sv.population_targets(sample, population)
    assert out[sv.MISSING_LEVEL] == pytest.approx(0.4)
    assert out["human_first"] == pytest.approx(0.15)
    assert out["automation_first"] == pytest.approx(0.45)
    # a population level without respondents is left out, the others rescaled
    population = pd.Series({"human_first": 0.2, "automation_first": 0.6, "hybrid": 0.2})
    out = sv.population_targets(sample, population)
    assert "hybrid" not in out.index
    assert out["human_first"] == pytest.approx(0.6 * 0.25)


def test_real_size_qualtrics_export_loads_and_the_banner_renders():
    """10,000 respondents x 40 questions: read, store, then a banner by a single-choice question
    (measured, not asserted beyond the one-minute promise; times are printed with -s)."""
    import csv
    import io

    rows = samples.qualtrics_rows(10_000, n_likert=37)
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    con = store.connect()
    started = time.perf_counter()
    sf = si.read_survey(buf.getvalue().encode(), "qualtrics_big.csv")
    tables = si.build_tables(sf, si.questions_frame(sf), "big", con)
    si.save(con, tables)
    loaded = time.perf_counter() - started
    sid = str(tables["surveys"].survey_id.iloc[0])
    qs = sv.questions(con, sid)
    single = next(q for q in qs if q.kind == "single")
    likert = next(q for q in qs if q.kind == "likert")
    started = time.perf_counter()
    frame = sv.respondent_frame(
        con, sid, Filters(), tuple(q.question_id for q in qs if q.kind in sv.BANNER_KINDS)
    )
    groups, order = sv.group_frame(frame, f"q:{single.question_id}", None, single.labels)
    b = sv.banner_table(con, sid, likert, groups, order, banner=f"q:{single.question_id}")
    banner_seconds = time.perf_counter() - started
    print(f"10k x 40 Qualtrics: load {loaded:.1f} s, banner {banner_seconds:.2f} s")
    assert len(qs) == 40 and len(frame) == 10_000
    assert len(b.shown_groups) == 4 and b.test is not None and len(b.rank_pairs) == 6


def test_design_weights_from_a_numeric_column_are_the_raking_start():
    rows = [
        {"pipeline": "human_first", "v": "Recruiter", "dw": 1.0},
        {"pipeline": "human_first", "v": "Team", "dw": 3.0},
        {"pipeline": "automation_first", "v": "Recruiter", "dw": 2.0},
        {"pipeline": "automation_first", "v": "Team", "dw": 2.0},
    ] * 5
    con = store.connect()
    sid = _load(con, [("v", "single", ["Recruiter", "Team"]), ("dw", "numeric", None)], rows)
    frame = sv.respondent_frame(con, sid, Filters(), ("v",), ("dw",))
    dw = np.tile([1.0, 3.0, 2.0, 2.0], 5)
    # Design weights alone: used as they are, scaled to mean 1
    alone = sv.compute_weights(frame, sv.WeightSpec(targets=(), base="n:dw"))
    np.testing.assert_allclose(alone.weights.to_numpy(), dw / dw.mean())
    # Raked from the design weights to a 50/50 answer split (hand: Recruiter carries 1 + 2 = 3,
    # Team 3 + 2 = 5 per block of four; factors 4/3 and 4/5 on the design weights)
    spec = sv.WeightSpec(targets=(("q:v", (("Recruiter", 1.0), ("Team", 1.0))),), base="n:dw")
    raked = sv.compute_weights(frame, spec)
    hand = dw * np.tile([4 / 3, 4 / 5, 4 / 3, 4 / 5], 5)
    np.testing.assert_allclose(raked.weights.to_numpy(), hand / hand.mean(), rtol=1e-6)
    assert raked.n_eff == pytest.approx(stats.kish_effective_n(hand))


def test_missing_design_weights_are_named():
    rows = [{"pipeline": "human_first", "dw": 1.0}] * 5 + [{"pipeline": "human_first"}]
    con = store.connect()
    sid = _load(con, [("dw", "numeric", None)], rows)
    frame = sv.respondent_frame(con, sid, Filters(), (), ("dw",))
    with pytest.raises(sv.SurveyAnalysisError, match="1 respondent"):
        sv.compute_weights(frame, sv.WeightSpec(targets=(), base="n:dw"))


def test_numeric_question_gets_means_and_rank_tests():
    x = [1.5, 2.0, 2.0, 3.5, 4.0, 7.0, 2.5, 3.0]
    y = [0.5, 1.0, 1.0, 2.0, 2.5, 1.5, 3.0]
    rows = [{"pipeline": "human_first", "d": v} for v in x]
    rows += [{"pipeline": "automation_first", "d": v} for v in y]
    con = store.connect()
    sid = _load(con, [("d", "numeric", None)], rows)
    b = _banner(con, sid, "d")
    assert b.categories == [] and b.test is None
    hf = b.summaries["human_first"]
    ci = sps.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=sps.sem(x))
    assert hf.mean == pytest.approx(np.mean(x))
    assert (hf.mean_ci.low, hf.mean_ci.high) == pytest.approx(ci)
    (pair,) = b.rank_pairs
    assert pair.mann_whitney_p == pytest.approx(sps.mannwhitneyu(x, y).pvalue)
    assert pair.brunner_munzel_p == pytest.approx(sps.brunnermunzel(x, y).pvalue)
    # weighted (all weights 1): the grouped Brunner-Munzel gives the same p-value
    frame = sv.respondent_frame(con, sid, Filters())
    ones = pd.Series(1.0, index=frame.respondent_id.to_numpy())
    (wpair,) = _banner(con, sid, "d", weights=ones).rank_pairs
    assert wpair.brunner_munzel_p == pytest.approx(sps.brunnermunzel(x, y).pvalue)


def test_headline_rows_holm_over_questions():
    table_l = {
        "human_first": dict(zip(LIKERT, [2, 5, 10, 20, 13], strict=True)),
        "automation_first": dict(zip(LIKERT, [6, 12, 14, 10, 8], strict=True)),
    }
    rows = _rows(table_l, "l")
    for i, row in enumerate(rows):
        row["b"] = "Yes" if i % 3 else "No"
    con = store.connect()
    sid = _load(con, [("l", "likert", LIKERT), ("b", "binary", ["No", "Yes"])], rows)
    bl, bb = _banner(con, sid, "l"), _banner(con, sid, "b")
    out = sv.headline_rows([bl, bb])
    assert [r.metric for r in out] == ["top_box", "top_box"]
    p_l = bl.rank_pairs[0].brunner_munzel_p_holm
    p_b = bb.test.p_value
    assert out[0].p_value == pytest.approx(p_l) and out[1].p_value == pytest.approx(p_b)
    np.testing.assert_allclose(
        [r.p_holm for r in out], stats.adjust_pvalues([p_l, p_b], "holm"), rtol=1e-12
    )
    assert out[0].values["human_first"] == pytest.approx(33 / 50)
    assert {r.verdict for r in out} <= {"clear", "none"}


def test_headline_does_not_depend_on_group_order_when_a_pair_has_no_variance():
    # Two groups answer only "Agree" (no spread at all), a third spreads: the pair without
    # variance gets Newcombe's score test (p = 1), not NaN, and the question's headline is the
    # same whichever order the pairs come in (issue 17: Python's min over NaN decided it).
    import dataclasses
    import itertools

    table = {
        "human_first": {"Agree": 20},
        "automation_first": {"Agree": 25},
        "hybrid": dict(zip(LIKERT, [6, 12, 14, 10, 8], strict=True)),
    }
    con = store.connect()
    sid = _load(con, [("l", "likert", LIKERT)], _rows(table, "l"))
    b = _banner(con, sid, "l")
    assert len(b.rank_pairs) == 3
    assert all(math.isfinite(r.brunner_munzel_p_holm) for r in b.rank_pairs)
    flat = [r for r in b.rank_pairs if {r.x, r.y} == {"human_first", "automation_first"}]
    assert flat and flat[0].brunner_munzel_p == pytest.approx(1.0)
    headlines = set()
    takeaways = set()
    names = {c: c for c in b.columns}
    for perm in itertools.permutations(b.rank_pairs):
        pb = dataclasses.replace(b, rank_pairs=list(perm))
        (row,) = sv.headline_rows([pb])
        headlines.add((row.verdict, round(row.p_value, 12)))
        takeaways.add(sc.takeaway(pb, names, "en"))
    assert len(headlines) == 1 and len(takeaways) == 1
    assert sv.headlines.smallest_p([math.nan, 0.2, 0.01]) == sv.headlines.smallest_p(
        [0.01, math.nan, 0.2]
    )
