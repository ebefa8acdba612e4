"""Hand-made surveys shared by the survey metric and chart tests: a survey is loaded row by row
from {pipeline: {answer: count}} tables, so every expected number can be counted by hand."""

from __future__ import annotations

import pandas as pd

from analytics.domain import Filters
from analytics.metrics import survey as sv

LIKERT = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]


def _load(con, questions: list[tuple[str, str, list[str] | None]], rows: list[dict]) -> str:
    """A survey 's1' from rows {"pipeline": ..., qid: answer text or number}."""
    sid = "s1"
    con.execute("INSERT INTO surveys VALUES (?, 'Test', 'test.csv', now(), ?)", [sid, len(rows)])
    for pos, (qid, kind, labels) in enumerate(questions, start=1):
        con.execute(
            "INSERT INTO survey_questions VALUES (?, ?, ?, ?, ?, ?, ?)",
            [sid, qid, pos, f"Question {qid}", kind, len(labels) if labels else None, labels],
        )
    answers = []
    for i, row in enumerate(rows):
        rid = f"R{i:05d}"
        con.execute(
            "INSERT INTO survey_respondents VALUES (?, ?, NULL, ?, NULL)",
            [sid, rid, row.get("pipeline")],
        )
        for qid, kind, labels in questions:
            value = row.get(qid)
            if value is None:
                continue
            if kind == "likert":
                answers.append((sid, rid, qid, float(labels.index(value) + 1), value))
            elif kind in ("nps", "numeric"):
                answers.append((sid, rid, qid, float(value), str(value)))
            elif kind == "binary":
                answers.append((sid, rid, qid, float(labels.index(value)), value))
            else:
                answers.append((sid, rid, qid, None, value))
    frame = pd.DataFrame(
        answers, columns=["survey_id", "respondent_id", "question_id", "value_num", "value_text"]
    )
    con.register("answers_frame", frame)
    con.execute("INSERT INTO survey_answers SELECT * FROM answers_frame")
    con.unregister("answers_frame")
    return sid


def _rows(table: dict[str, dict[str, int]], qid: str) -> list[dict]:
    """Respondent rows from a table {pipeline: {answer: count}}."""
    out = []
    for pipe, counts in table.items():
        for answer, k in counts.items():
            out.extend({"pipeline": pipe, qid: answer} for _ in range(k))
    return out


def _banner(con, sid, qid, *, weights=None, banner="pipeline"):
    frame = sv.respondent_frame(
        con,
        sid,
        Filters(),
        tuple(q.question_id for q in sv.questions(con, sid) if q.kind in sv.BANNER_KINDS),
    )
    groups, order = sv.group_frame(frame, banner, weights)
    q = sv.question(con, sid, qid)
    return sv.banner_table(con, sid, q, groups, order, banner=banner, weighted=weights is not None)
