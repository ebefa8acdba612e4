"""The survey results that combine cached pieces: banner tables and free text by grouping.

Why not a line in ``ui.cache``: a banner table needs the cached respondent frame and (when the
survey is weighted) the cached weights, then one query of its own; so it is cached here, keyed by
the data version, survey, filters, question, grouping and weighting spec.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.domain import Filters
from analytics.metrics import survey
from ui import cache, data


def _groups(
    version: int,
    survey_id: str,
    filters: Filters,
    banner: str,
    spec: survey.WeightSpec | None,
    order: tuple[str, ...],
) -> tuple[pd.DataFrame, list[str]]:
    frame = cache.respondents(version, survey_id, filters)
    w = None
    if spec is not None:
        result = cache.weights(version, survey_id, filters, spec)
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
    cur = data.cursor()
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
    groupings: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, list[str]]:
    groups, _ = _groups(version, survey_id, filters, banner_key, None, ())
    # Every grouping the page offers: an answer shows only when its respondent's group is big
    # enough under all of them (switching "By" cannot reveal a small group's answers).
    wide = groups[["respondent_id"]].copy()
    for k, key in enumerate(dict.fromkeys((banner_key, *groupings))):
        part, _ = _groups(version, survey_id, filters, key, None, ())
        wide = wide.merge(
            part[["respondent_id", "grp"]].rename(columns={"grp": f"g{k}"}),
            on="respondent_id",
            how="left",
        )
    cur = data.cursor()
    try:
        return survey.free_text(cur, survey_id, question_id, groups, search=search, groupings=wide)
    finally:
        cur.close()
