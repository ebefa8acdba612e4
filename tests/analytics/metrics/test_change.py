"""The process change: difference-in-differences by hand, the setting's format, and the demo's
built-in change (the figure: tests/analytics/charts/test_change.py)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from scipy import stats as sps

from analytics import store
from analytics.domain import Filters
from analytics.metrics import change

D = dt.date


def test_did_by_hand():
    cells = pd.DataFrame(
        {
            "group": ["treated", "treated", "control", "control"],
            "period": ["before", "after", "before", "after"],
            "value": [0.20, 0.10, 0.15, 0.14],
            "var": [0.0004, 0.0003, 0.0001, 0.0001],
        }
    )
    ch_t, ch_c, d, ci, p = change.did(cells)
    assert ch_t == pytest.approx(-0.10) and ch_c == pytest.approx(-0.01)
    assert d == pytest.approx(-0.09)
    se = math.sqrt(0.0009)
    assert ci.low == pytest.approx(-0.09 - 1.959963984540054 * se)
    assert p == pytest.approx(2 * sps.norm.sf(0.09 / se))


def test_parse_setting():
    assert change.parse_setting("engineering:2025-11-01") == ("engineering", D(2025, 11, 1))
    assert change.parse_setting(None) is None
    assert change.parse_setting("engineering") is None
    assert change.parse_setting("engineering:someday") is None


def test_demo_process_change(demo_con):
    info = store.dataset_info(demo_con)
    setting = store.get_meta(demo_con)["process_change"]
    result = change.process_change(demo_con, Filters(role_family=("sales",)), info.as_of, setting)
    assert result is not None and result.role_family == "engineering"
    did = result.did.set_index("metric")
    # The demo's engineering change lowers withdrawal clearly more than elsewhere.
    assert did.at["withdrawal", "did"] < 0 and did.at["withdrawal", "high"] < 0
    assert change.process_change(demo_con, Filters(), info.as_of, None) is None
