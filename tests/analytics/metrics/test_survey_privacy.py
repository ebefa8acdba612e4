"""Survey privacy across views: the banner's Total never gives a hidden group away, and free-text
answers of a small group cannot be recovered by switching the "By" grouping."""

from __future__ import annotations

from analytics import store
from analytics.domain import PRIVACY_THRESHOLD, Filters
from analytics.metrics import survey as sv
from tests.analytics.metrics.survey_fixture import LIKERT, _banner, _load

T = PRIVACY_THRESHOLD


def test_total_is_hidden_when_it_would_reveal_a_hidden_group():
    rows = [{"pipeline": "human_first", "q": "Agree"}] * 12
    rows += [{"pipeline": "automation_first", "q": "Disagree"}] * 10
    rows += [{"pipeline": "other_pipe", "q": "Strongly agree"}] * 2  # hidden: 2 < T
    con = store.connect()
    sid = _load(con, [("q", "likert", LIKERT)], rows)
    b = _banner(con, sid, "q")
    assert b.summaries["other_pipe"].suppressed
    # Total (24) minus the shown columns (12 + 10) would be the hidden group's two answers
    assert b.summaries[sv.TOTAL].suppressed
    assert sv.TOTAL not in b.counts.columns and sv.TOTAL not in b.shares.columns


def test_total_stays_when_the_rest_is_not_a_small_group():
    rows = [{"pipeline": "human_first", "q": "Agree"}] * 12
    rows += [{"pipeline": "automation_first", "q": "Disagree"}] * 10
    con = store.connect()
    sid = _load(con, [("q", "likert", LIKERT)], rows)
    b = _banner(con, sid, "q")
    assert not b.summaries[sv.TOTAL].suppressed
    assert int(b.counts[sv.TOTAL].sum()) == 22


def _text_survey(con):
    # 3 respondents chose the rare answer to "s": big enough under pipeline, small under "s"
    rows = []
    for i in range(8):
        pipe = "human_first" if i % 2 else "automation_first"
        rows.append({"pipeline": pipe, "s": "Common", "c": f"ordinary answer {i}"})
    for i in range(3):
        pipe = "human_first" if i % 2 else "automation_first"
        rows.append({"pipeline": pipe, "s": "Rare", "c": f"rare secret {i}"})
    return _load(con, [("s", "single", ["Common", "Rare"]), ("c", "text", None)], rows)


def _groupings(con, sid, keys):
    frame = sv.respondent_frame(con, sid, Filters(), ("s",))
    wide = frame[["respondent_id"]].copy()
    for k, key in enumerate(keys):
        part, _ = sv.group_frame(frame, key, None)
        wide = wide.merge(
            part[["respondent_id", "grp"]].rename(columns={"grp": f"g{k}"}), how="left"
        )
    return frame, wide


def test_free_text_under_one_grouping_alone_leaks_by_set_difference():
    """Why the rule is needed: without it the two groupings' answer sets differ by the rare
    group's answers."""
    con = store.connect()
    sid = _text_survey(con)
    frame = sv.respondent_frame(con, sid, Filters(), ("s",))
    by_pipe, _ = sv.free_text(con, sid, "c", sv.group_frame(frame, "pipeline", None)[0])
    by_s, _ = sv.free_text(con, sid, "c", sv.group_frame(frame, "q:s", None)[0])
    leaked = set(by_pipe.answer) - set(by_s.answer)
    assert leaked == {f"rare secret {i}" for i in range(3)}


def test_free_text_is_the_same_under_every_grouping():
    con = store.connect()
    sid = _text_survey(con)
    keys = ("pipeline", "q:s")
    frame, wide = _groupings(con, sid, keys)
    shown = {}
    for key in keys:
        groups, _ = sv.group_frame(frame, key, None)
        answers, hidden = sv.free_text(con, sid, "c", groups, groupings=wide)
        shown[key] = set(answers.answer)
        assert hidden  # some answers are held back, and the page says so
    assert shown["pipeline"] == shown["q:s"]
    assert not any("rare secret" in a for a in shown["pipeline"])
    assert len(shown["pipeline"]) == 8
