"""Quality of hire: per component the verdict agrees with the shown p and interval, and the
components are one multiple-testing family with Holm (checked against statsmodels)."""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.multitest import multipletests

from analytics import store
from analytics.domain import Filters
from analytics.metrics import quality


@pytest.mark.parametrize("role", [None, "engineering", "sales", "data"])
def test_component_verdicts_and_holm_family(demo_con, role):
    cur = demo_con.cursor()
    info = store.dataset_info(cur)
    filters = Filters(role_family=(role,)) if role else Filters()
    diffs = quality.quality(cur, filters, info.as_of).differences
    assert len(diffs) >= 3
    for r in diffs.itertuples():
        assert math.isfinite(r.p_value)
        excludes_zero = r.low > 0 or r.high < 0
        assert bool(r.clear) == (r.p_value < 0.05) == excludes_zero, r
        assert r.p_holm >= r.p_value - 1e-15
        assert bool(r.clear_holm) == (r.p_holm < 0.05)
        assert not r.clear_holm or r.clear
    reject, corrected, *_ = multipletests(diffs.p_value.to_numpy(float), method="holm")
    assert diffs.p_holm.to_numpy(float) == pytest.approx(corrected)
    assert diffs.clear_holm.tolist() == reject.tolist()
