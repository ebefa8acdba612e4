"""The Overview's multiple-testing family (footnote): with an adjustment, Holm runs over the
answers the cards lead with (adjusted p where estimable), checked against statsmodels' Holm."""

from __future__ import annotations

import math

from statsmodels.stats.multitest import multipletests

from analytics import store
from analytics.domain import Filters
from analytics.metrics import overview


def _expected(result: overview.Overview, *, adjusted: bool) -> tuple[int, int]:
    ps = []
    for key in overview.FAMILY:
        m = result.metrics[key]
        adj = m.adjustment
        if adjusted and adj is not None and adj.estimable:
            ps.append(adj.p_value)
        elif m.comparable and m.p_value is not None and math.isfinite(m.p_value):
            ps.append(m.p_value)
    reject = multipletests(ps, alpha=0.05, method="holm")[0]
    return len(ps), int(reject.sum())


def test_holm_count_uses_the_adjusted_answer(demo_con):
    cur = demo_con.cursor()
    info = store.dataset_info(cur)
    result = overview.headline(cur, Filters(), as_of=info.as_of, adjust_by="role_family")
    adjusted = [k for k in overview.FAMILY if result.metrics[k].adjustment is not None]
    assert set(adjusted) >= {"withdrawal", "hire_rate", "offer_acceptance"}
    assert overview.family_holm(result) == _expected(result, adjusted=True)
    crude = overview.headline(cur, Filters(), as_of=info.as_of)
    assert overview.family_holm(crude) == _expected(crude, adjusted=False)
