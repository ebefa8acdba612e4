"""ingest.survey_detect: kinds and label order from the answers; scales with 'N/A'-like answers;
NPS.

Expected values come from the fixtures themselves, never from what the code printed."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics import store
from analytics.ingest import survey as si

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "data" / "samples"))
import make_survey_samples as samples  # noqa: E402

LIKERT = list(samples.LIKERT)


def _store(sf, name="s", con=None, reviewed=None):
    con = con or store.connect()
    tables = si.build_tables(
        sf, si.questions_frame(sf) if reviewed is None else reviewed, name, con
    )
    si.save(con, tables)
    return con, tables


@pytest.mark.parametrize(
    ("values", "kind", "labels"),
    [
        (["Agree", "Strongly agree", "Disagree", "Agree"], "likert", LIKERT),
        (["agree", "NEUTRAL"], "likert", LIKERT),
        (
            ["Somewhat agree", "Agree", "Strongly disagree"],
            "likert",
            [
                "Strongly disagree",
                "Disagree",
                "Somewhat disagree",
                "Neither agree nor disagree",
                "Somewhat agree",
                "Agree",
                "Strongly agree",
            ],
        ),
        (
            ["Helemaal mee eens", "Mee oneens", "Neutraal"],
            "likert",
            ["Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens"],
        ),
        (["ja", "nee", "ja"], "binary", ["nee", "ja"]),
        (["Yes", "No"], "binary", ["No", "Yes"]),
        ([str(i) for i in range(11)], "nps", [str(i) for i in range(11)]),
        (["1,5", "2,25", "10"], "numeric", []),
        (["a", "b", "a", "b", "a", "b", "c"], "single", ["a", "b", "c"]),
        (["Chatbot, Video", "Video", "Chatbot", "Video, Chatbot"], "multi", ["Chatbot", "Video"]),
        (["Great process overall.", "Nobody called me back.", "Too slow for me."], "text", []),
    ],
)
def test_detect_kind(values, kind, labels):
    got_kind, got_labels = si.detect_kind(pd.Series(values, dtype=object))
    assert got_kind == kind
    if kind == "multi":
        assert sorted(got_labels) == labels
    else:
        assert got_labels == labels


def test_scale_with_not_applicable_offers_it_as_missing_but_none_elsewhere_is_an_answer():
    answers = [("Agree", "None"), ("N/A", "Talking"), ("Disagree", "None"), ("n/a", "Team")]
    answers += [("Agree", "Team"), ("Strongly agree", "None")]
    text = "id,q,r\n" + "\n".join(f"{i},{a},{b}" for i, (a, b) in enumerate(answers, 1))
    sf = si.read_survey(text.encode(), "x.csv")
    assert sf.respondent_column == "id"
    review = si.questions_frame(sf).set_index("question_id")
    assert review.loc["q", "kind"] == "likert" and review.loc["q", "missing"] == "N/A | n/a"
    assert review.loc["r", "kind"] == "single" and review.loc["r", "missing"] == ""
    _, tables = _store(sf)
    ans = tables["survey_answers"]
    assert ans[ans.question_id == "q"].respondent_id.tolist() == ["1", "3", "5", "6"]
    assert ans[ans.question_id == "r"].value_text.tolist() == [b for _, b in answers]
    # the analyst takes N/A back as an answer: then it must be on the scale or the kind changes
    edited = si.questions_frame(sf)
    edited.loc[edited.question_id == "q", ["kind", "labels", "missing"]] = ["single", "", ""]
    _, tables = _store(sf, reviewed=edited)
    ans = tables["survey_answers"]
    assert ans[ans.question_id == "q"].value_text.tolist() == [a for a, _ in answers]


def test_nps_needs_the_word_or_the_range():
    assert si.detect_kind(pd.Series(["3", "7", "8"]), "How likely to recommend us?")[0] == "nps"
    assert si.detect_kind(pd.Series(["3", "7", "8"]), "Rounds")[0] == "numeric"
