"""What a survey holds: the surveys, their questions, and the names every survey module
shares (the total column, the "no group" and "missing" levels, the question kinds)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.domain import DIMENSIONS, PIPELINES, AivshiError

TOTAL = "__total__"
NO_GROUP = "__none__"
MISSING_LEVEL = "(missing)"
CATEGORICAL = ("likert", "binary", "nps", "single", "multi")
ORDINAL = ("likert", "nps", "numeric")
BANNER_KINDS = ("likert", "binary", "single")
BASE_BANNERS = ("pipeline", *DIMENSIONS)
PIPELINE_ORDER = PIPELINES  # kept for callers; the order lives in analytics.domain


class SurveyAnalysisError(AivshiError, ValueError):
    """A survey, question or weighting setting that cannot be analysed (message says why)."""


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionInfo:
    question_id: str
    text: str
    kind: str
    labels: tuple[str, ...]


def list_surveys(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(
        """
        SELECT survey_id, name, n_respondents
        FROM surveys
        ORDER BY created_at, survey_id
        """
    ).df()


def questions(cur: duckdb.DuckDBPyConnection, survey_id: str) -> list[QuestionInfo]:
    rows = cur.execute(
        """
        SELECT question_id, text, kind, labels
        FROM survey_questions
        WHERE survey_id = ?
        ORDER BY position
        """,
        [survey_id],
    ).fetchall()
    return [QuestionInfo(r[0], r[1], r[2], tuple(r[3] or ())) for r in rows]


def question(cur: duckdb.DuckDBPyConnection, survey_id: str, question_id: str) -> QuestionInfo:
    for q in questions(cur, survey_id):
        if q.question_id == question_id:
            return q
    raise SurveyAnalysisError(f"question {question_id!r} is not in survey {survey_id!r}")
