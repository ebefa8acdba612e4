"""The fairness page's adverse-impact tab and two-group tool, alone in AppTest, and the display
tables' privacy rule (suppressed groups never shown)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.usefixtures("app_db")


def _impact():
    from tests.ui.harness import page_context
    from ui.components.adverse_impact import adverse_impact_tab

    adverse_impact_tab(page_context(), key="ai")


def test_adverse_impact_tab_one_column_then_an_intersection():
    at = AppTest.from_function(_impact, default_timeout=60).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="ai_column").value == "gender"
    assert len(at.get("download_button")) >= 3, "chart data, audit CSV and Excel"
    at.selectbox(key="ai_second").set_value("age_band").run()
    assert not at.exception
    assert at.selectbox(key="ai_step").options, "a step to pick for the intersection"


def _two_groups():
    from tests.ui.harness import page_context
    from ui.components.two_groups import two_group_tool

    two_group_tool(page_context(), key="tg")


def test_two_group_tool_on_the_app_tables_and_adjusted():
    at = AppTest.from_function(_two_groups, default_timeout=60).run()
    assert not at.exception and not at.error
    source = at.radio(key="tg_source")
    assert source.value == "applications" and len(source.options) == 3
    at.selectbox(key="tg_group").set_value("pipeline").run()
    assert not at.exception
    assert len(at.metric) == 4, "two rates, the difference and the impact ratio"
    at.selectbox(key="tg_stratum").set_value("role_family").run()
    assert not at.exception
    assert at.dataframe, "crude beside adjusted"


def test_two_group_tool_upload_prompt():
    at = AppTest.from_function(_two_groups, default_timeout=60).run()
    at.radio(key="tg_source").set_value("upload").run()
    assert not at.exception
    assert at.info, "asks for a file"


def test_audit_display_leaves_suppressed_groups_out():
    import pandas as pd

    from analytics.domain import Filters
    from ui import cache, data
    from ui.components.fairness_tables import audit_display
    from ui.context import PageContext

    version = data.data_version()
    ctx = PageContext(lang="en", filters=Filters(), info=cache.dataset_info(version))
    result = cache.impact(ctx.version, ctx.filters, ("gender",), "best")
    shown = audit_display(ctx, result.table, "gender", "best")
    assert isinstance(shown, pd.DataFrame)
    assert len(shown) == int((~result.table.suppressed).sum())
