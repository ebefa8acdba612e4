"""The funnel's breakdown tab and the quality page's weights form and process-change tab,
alone in AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.usefixtures("app_db")


def _breakdown():
    from tests.ui.harness import page_context
    from ui.components.funnel_breakdown import funnel_breakdown

    funnel_breakdown(page_context(), include_open=False, note="", key="fb")


def test_funnel_breakdown_keeps_its_choices_in_the_url():
    at = AppTest.from_function(_breakdown, default_timeout=60)
    at.query_params["fb_by"] = "region"
    at.run()
    assert not at.exception and not at.error
    assert at.selectbox(key="fb_by").value == "region"
    at.selectbox(key="fb_by").set_value("seniority").run()
    assert at.query_params["fb_by"] == "seniority"
    at.selectbox(key="fb_by").set_value("role_family").run()
    assert "fb_by" not in at.query_params, "the default stays out of the URL"


def _quality():
    import streamlit as st

    from tests.ui.harness import page_context
    from ui import cache
    from ui.components.quality_parts import process_change_tab, quality_weights

    ctx = page_context()
    weights, ramp = quality_weights(ctx, key="q")
    st.write(f"{sum(weights.values()):.2f}|{ramp}")
    process_change_tab(ctx, cache.process_change(ctx.version, ctx.filters, ctx.info.as_of))
    process_change_tab(ctx, None)


def test_quality_weights_and_process_change():
    at = AppTest.from_function(_quality, default_timeout=60).run()
    assert not at.exception and not at.error
    total, ramp = next(m.value for m in at.markdown if "|" in m.value).split("|")
    assert float(total) > 0 and int(ramp) > 0
    at.number_input(key="q_ramp_target").set_value(120).run()
    assert next(m.value for m in at.markdown if "|" in m.value).endswith("|120")
    assert at.info, "no process change: says so"
    assert at.dataframe, "the demo's process change: its difference-in-differences table"
