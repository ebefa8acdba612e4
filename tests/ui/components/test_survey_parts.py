"""The survey page's weighting form, banner tab, overview and free-text tabs, alone in AppTest
on the demo survey."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.usefixtures("app_db")


def _survey():
    import streamlit as st

    from analytics.domain import DIMENSIONS
    from analytics.metrics import survey
    from tests.ui.harness import page_context
    from ui import cache
    from ui.components.survey_banner import banner_tab
    from ui.components.survey_labels import SurveyLabels
    from ui.components.survey_views import free_text_tab, overview_tab
    from ui.components.survey_weighting import weighting_form

    ctx = page_context()
    sid = cache.surveys(ctx.version).survey_id.iloc[0]
    qs = cache.questions(ctx.version, sid)
    labels = SurveyLabels(ctx, {q.question_id: q for q in qs})
    frame = cache.respondents(ctx.version, sid, ctx.filters)
    keys = ["pipeline", *DIMENSIONS] + [
        f"q:{q.question_id}" for q in qs if q.kind in survey.BANNER_KINDS
    ]
    spec = weighting_form(labels, survey_id=sid, frame=frame, grouping_keys=keys, key="w")
    st.write("weighted" if spec is not None else "unweighted")
    banner_tab(labels, survey_id=sid, spec=spec, grouping_keys=keys, key="s")
    overview_tab(labels, survey_id=sid, spec=spec, grouping_keys=keys, key="s")
    free_text_tab(labels, survey_id=sid, grouping_keys=keys, key="s")


def _toggle_key(at: AppTest) -> str:
    return next(t.key for t in at.toggle if t.key.startswith("w_on_"))


def test_survey_parts_unweighted_then_weighted():
    at = AppTest.from_function(_survey, default_timeout=60).run()
    assert not at.exception and not at.error
    assert any(m.value == "unweighted" for m in at.markdown)
    assert len(at.get("download_button")) == 3, "banner, overview and free-text downloads"
    at.toggle(key=_toggle_key(at)).set_value(True).run()
    assert not at.exception and not at.error
    assert any(m.value == "weighted" for m in at.markdown)
    assert at.metric, "effective n and design effect are shown"


def test_banner_tab_by_another_grouping_and_a_text_search():
    at = AppTest.from_function(_survey, default_timeout=60).run()
    banner = next(s for s in at.selectbox if s.key.startswith("s_banner_"))
    banner.set_value("region").run()
    assert not at.exception and not at.error
    search = next(t for t in at.text_input if t.key.startswith("s_search_"))
    search.set_value("zzzz-no-such-answer").run()
    assert not at.exception
