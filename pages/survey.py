"""Surveys: pick a survey, weight it (optional), read any question by any grouping (banner table
with tests), browse the free-text answers, and upload or manage surveys."""

from __future__ import annotations

import streamlit as st

from analytics.domain import DIMENSIONS
from analytics.i18n import fmt_num
from analytics.metrics import survey
from ui import cache, entry
from ui.components import survey_import
from ui.components.lazy_tabs import lazy_tabs
from ui.components.survey_banner import banner_tab
from ui.components.survey_labels import SurveyLabels
from ui.components.survey_views import free_text_tab, overview_tab
from ui.components.survey_weighting import weighting_form

ctx = entry.start()
TABS = (
    "banner",
    "overview",
    "text",
    "manage",
)

st.title(ctx.t("survey.title"))
st.caption(ctx.t("survey.intro"))

all_surveys = cache.surveys(ctx.version)
if all_surveys.empty:
    st.info(ctx.t("survey.none"), icon=":material/quiz:")
    survey_import.render(ctx)
    st.stop()

names_by_id = dict(zip(all_surveys.survey_id, all_surveys.name, strict=True))
ids = list(names_by_id)
if st.session_state.get("survey_pick") not in ids:
    st.session_state["survey_pick"] = ids[0]
sid = st.selectbox(
    ctx.t("survey.pick"),
    ids,
    format_func=lambda s: names_by_id[s],
    key="survey_pick",
    width=480,
)
qs = cache.questions(ctx.version, sid)
labels = SurveyLabels(ctx, {q.question_id: q for q in qs})
frame = cache.respondents(ctx.version, sid, ctx.filters)
if frame.empty:
    st.warning(ctx.t("survey.no_respondents"), icon=":material/filter_alt:")
    survey_import.render(ctx)
    st.stop()
if not ctx.filters.is_default():
    st.caption(ctx.t("survey.filtered", n=fmt_num(len(frame), ctx.lang)))

grouping_keys = ["pipeline", *DIMENSIONS] + [
    f"q:{q.question_id}" for q in qs if q.kind in survey.BANNER_KINDS
]

spec = weighting_form(
    labels, survey_id=sid, frame=frame, grouping_keys=grouping_keys, key="survey_w"
)

# Only the open tab runs and is drawn (issue 21). The question and grouping choices keep their
# values through a visit to another tab (keep); the manage tab always runs, because an uploaded
# file cannot be kept through a run that does not draw its uploader.
tabs = lazy_tabs(
    "survey_tab",
    {name: ctx.t(f"survey.tab.{name}") for name in TABS},
    keep=(
        "survey_q_",
        "survey_banner_",
        "survey_ov_banner_",
        "survey_tq_",
        "survey_tb_",
        "survey_search_",
        "survey_tg_",
    ),
)


def tab_banner() -> None:
    banner_tab(labels, survey_id=sid, spec=spec, grouping_keys=grouping_keys, key="survey")


def tab_overview() -> None:
    overview_tab(labels, survey_id=sid, spec=spec, grouping_keys=grouping_keys, key="survey")


def tab_text() -> None:
    free_text_tab(labels, survey_id=sid, grouping_keys=grouping_keys, key="survey")


def tab_manage() -> None:
    survey_import.render(ctx)


tabs.draw(
    {
        "banner": tab_banner,
        "overview": tab_overview,
        "text": tab_text,
        "manage": tab_manage,
    },
    always=("manage",),
)
