"""Cached access to the survey analysis, keyed by the data version, survey, filters and the
weighting spec. Every accessor opens its own cursor (``ui.data.cursor()``) and closes it; the
respondent frame (a few thousand rows) and the small banner results are what gets cached."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.domain import Filters
from analytics.metrics import survey
from ui.data import cursor


@st.cache_data(show_spinner=False, max_entries=32)
def surveys(version: int) -> pd.DataFrame:
    del version  # the cache key
    cur = cursor()
    try:
        return survey.list_surveys(cur)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=64)
def questions(version: int, survey_id: str) -> list[survey.QuestionInfo]:
    del version
    cur = cursor()
    try:
        return survey.questions(cur, survey_id)
    finally:
        cur.close()


def grouping_question_ids(version: int, survey_id: str) -> tuple[str, ...]:
    return tuple(
        q.question_id for q in questions(version, survey_id) if q.kind in survey.BANNER_KINDS
    )


def numeric_question_ids(version: int, survey_id: str) -> tuple[str, ...]:
    return tuple(q.question_id for q in questions(version, survey_id) if q.kind == "numeric")


@st.cache_data(show_spinner=False, max_entries=32)
def respondents(version: int, survey_id: str, filters: Filters) -> pd.DataFrame:
    qids = grouping_question_ids(version, survey_id)
    nids = numeric_question_ids(version, survey_id)
    cur = cursor()
    try:
        return survey.respondent_frame(cur, survey_id, filters, qids, nids)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=64)
def weights(
    version: int, survey_id: str, filters: Filters, spec: survey.WeightSpec
) -> survey.WeightResult | str:
    """The raking result, or the reason it failed (shown to the analyst)."""
    frame = respondents(version, survey_id, filters)
    try:
        return survey.compute_weights(frame, spec)
    except survey.SurveyAnalysisError as e:
        return str(e)


@st.cache_data(show_spinner=False, max_entries=64)
def application_shares(version: int, column: str, filters: Filters) -> pd.Series:
    del version
    cur = cursor()
    try:
        return survey.application_shares(cur, column, filters)
    finally:
        cur.close()


def _groups(
    version: int,
    survey_id: str,
    filters: Filters,
    banner: str,
    spec: survey.WeightSpec | None,
    order: tuple[str, ...],
) -> tuple[pd.DataFrame, list[str]]:
    frame = respondents(version, survey_id, filters)
    w = None
    if spec is not None:
        result = weights(version, survey_id, filters, spec)
        if isinstance(result, str):
            raise survey.SurveyAnalysisError(result)
        w = result.weights
    return survey.group_frame(frame, banner, w, order)


@st.cache_data(show_spinner=False, max_entries=128)
def banner(
    version: int,
    survey_id: str,
    filters: Filters,
    question_id: str,
    banner_key: str,
    spec: survey.WeightSpec | None,
    order: tuple[str, ...] = (),
) -> survey.Banner:
    groups, group_order = _groups(version, survey_id, filters, banner_key, spec, order)
    cur = cursor()
    try:
        q = survey.question(cur, survey_id, question_id)
        return survey.banner_table(
            cur,
            survey_id,
            q,
            groups,
            group_order,
            banner=banner_key,
            weighted=spec is not None,
        )
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=64)
def free_text(
    version: int,
    survey_id: str,
    filters: Filters,
    question_id: str,
    banner_key: str,
    search: str,
) -> tuple[pd.DataFrame, list[str]]:
    groups, _ = _groups(version, survey_id, filters, banner_key, None, ())
    cur = cursor()
    try:
        return survey.free_text(cur, survey_id, question_id, groups, search=search)
    finally:
        cur.close()
