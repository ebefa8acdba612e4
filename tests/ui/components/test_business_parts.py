"""The business case's assumptions form and pilot planner, alone in AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analytics.metrics.business_case import Assumptions

pytestmark = pytest.mark.usefixtures("app_db")


def _assumptions():
    import streamlit as st

    from tests.ui.harness import page_context
    from ui.components.assumptions import assumptions_form

    ctx = page_context()
    a = assumptions_form(ctx, ["recruiter_call", "made_up_format"], key="t")
    st.write(f"{a.hourly_cost:g}|{dict(a.minutes)['recruiter_call']:g}|{len(a.minutes)}")


def _written(at: AppTest) -> str:
    return at.markdown[-1].value


def test_assumptions_form_defaults_url_seeding_and_url_writing():
    at = AppTest.from_function(_assumptions, default_timeout=30)
    at.query_params["t_hourly_cost"] = "80"
    at.query_params["t_days_to_refill"] = "not a number"
    at.run()
    assert not at.exception
    hourly, _, n_formats = _written(at).split("|")
    assert hourly == "80" and n_formats == "2"
    # an unreadable URL value falls back to the default
    assert at.number_input(key="t_days_to_refill").value == Assumptions().days_to_refill
    at.number_input(key="t_min_recruiter_call").set_value(40.0).run()
    assert _written(at).split("|")[1] == "40"
    assert at.query_params["t_min_recruiter_call"] == "40"


def _pilot():
    from tests.ui.harness import page_context
    from ui import cache
    from ui.components.pilot_planner import pilot_planner

    ctx = page_context()
    measured = cache.measured(ctx.version, ctx.filters, ctx.info.as_of)
    pilot_planner(ctx, measured, key="p")


def test_pilot_planner_sizes_a_pilot_and_finds_the_detectable_difference():
    at = AppTest.from_function(_pilot, default_timeout=30).run()
    assert not at.exception
    assert len(at.metric) == 3, "size mode: per arm, total, months"
    assert int(at.metric[0].value.replace(",", "")) > 0
    at.radio(key="p_mode").set_value("mdd").run()
    assert not at.exception
    assert len(at.metric) == 2 and at.metric[0].value.endswith("%")
    at.radio(key="p_mode").set_value("size").run()
    at.number_input(key="p_diff_offer_acceptance").set_value(99.0).run()
    assert at.warning, "a target outside 0-100% is refused"
