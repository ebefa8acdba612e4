"""The process-change figure and takeaway on the demo's built-in change."""

from __future__ import annotations

from analytics import store
from analytics.charts import change as change_charts
from analytics.domain import Filters
from analytics.metrics import change


def test_change_figure_and_takeaway(demo_con):
    info = store.dataset_info(demo_con)
    setting = store.get_meta(demo_con)["process_change"]
    result = change.process_change(demo_con, Filters(role_family=("sales",)), info.as_of, setting)
    assert result is not None
    for lang in ("en", "nl"):
        take = change_charts.takeaway_change(result, lang)
        assert ("clear difference" in take) if lang == "en" else ("duidelijk verschil" in take)
        # the direction in words and the size unsigned, matching the signed estimate beside it
        did = result.did.set_index("metric").loc["withdrawal", "did"]
        words = {"en": ("fell by", "rose by"), "nl": ("daalde", "steeg")}[lang]
        assert words[0 if did < 0 else 1] in take and words[1 if did < 0 else 0] not in take
        assert "moved" not in take and "veranderde" not in take
        fig = change_charts.change_chart(result, lang, title=take)
        assert len(fig.data) == 6  # 3 metrics x (changed, other) role families
        assert fig.data[0].error_y.array is not None
        # The legend sits below the panels (not in the row of the panels' titles, and not
        # beside them, where it squeezes the panels on a phone).
        legend = fig.layout.legend
        assert legend.orientation == "h" and legend.yref == "container" and legend.y == 0
