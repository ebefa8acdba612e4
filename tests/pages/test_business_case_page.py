"""The Business case page through the whole app (router, sidebar, page) in English and Dutch:
the answer, editable assumptions (also from the URL), the pilot planner in both modes.

AppTest cannot read plotly charts; the figures are tested in tests/analytics/test_business_case.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.i18n import t
from tests.pages.reading import texts

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PAGE = str(ROOT / "pages" / "business_case.py")


pytestmark = pytest.mark.usefixtures("fresh_app")


def _open(lang: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = lang
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    return at


def _texts(at: AppTest) -> str:
    return texts(at, ("markdown", "caption", "info", "warning", "success", "title", "error"))


def _assert_clean(at: AppTest, lang: str) -> None:
    assert not at.exception
    assert not [e for e in at.error if e.value == t("error.generic", lang)]


def _answer(at: AppTest) -> str:
    boxes = [*at.success, *at.info, *at.error]
    return "\n".join(str(b.value) for b in boxes)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_page_renders_with_an_answer(lang):
    at = _open(lang)
    _assert_clean(at, lang)
    text = _texts(at)
    assert t("bc.title", lang) in text
    answer = _answer(at)
    starts = [t(f"bc.verdict.{v}", lang).split("{")[0][:30] for v in ("pays", "costs", "unclear")]
    assert any(s in answer for s in starts)
    assert "€" in answer
    assert t("bc.pilot.method", lang) in text
    assert len(at.get("download_button")) >= 3
    assert len(at.metric) >= 4


def test_assumptions_are_editable_and_shared_in_the_url():
    at = _open("en")
    before = at.metric[0].value
    at.number_input(key="bc_failed_hire_cost").set_value(0.0).run()
    _assert_clean(at, "en")
    assert at.metric[0].value != before
    assert at.query_params["bc_failed_hire_cost"] in ("0", ["0"])
    at.number_input(key="bc_min_recruiter_call").set_value(60.0).run()
    _assert_clean(at, "en")
    assert at.query_params["bc_min_recruiter_call"] in ("60", ["60"])


def test_assumptions_from_a_shared_link_and_bad_values():
    at = _open("en", {"bc_hourly_cost": "120", "bc_days_to_refill": "not-a-number"})
    _assert_clean(at, "en")
    assert at.number_input(key="bc_hourly_cost").value == 120.0
    assert at.number_input(key="bc_days_to_refill").value == 30.0  # the default
    assert "Hourly cost: €120" in _texts(at)


def test_pilot_planner_both_modes():
    at = _open("en")
    at.number_input(key="bc_pilot_p1_offer_acceptance").set_value(50.0)
    at.number_input(key="bc_pilot_diff_offer_acceptance").set_value(25.0)
    at.number_input(key="bc_pilot_power").set_value(0.9)
    at.run()
    _assert_clean(at, "en")
    # R: power.prop.test(p1 = .5, p2 = .75, power = .9) -> 76.65 -> 77 per arm.
    values = {m.label: m.value for m in at.metric}
    assert values[t("bc.pilot.n.offers", "en")] == "77"
    assert values[t("bc.pilot.total", "en")] == "154"
    at.radio(key="bc_pilot_mode").set_value("mdd").run()
    at.number_input(key="bc_pilot_n_offer_acceptance").set_value(50).run()
    _assert_clean(at, "en")
    values = {m.label: m.value for m in at.metric}
    assert values[t("bc.pilot.mdd", "en")] == "80.3%"  # R: p2 = 0.8026
    at.radio(key="bc_pilot_outcome").set_value("withdrawal").run()
    _assert_clean(at, "en")
    assert "fall from" in _texts(at)


def test_pilot_target_outside_range_is_explained():
    at = _open("nl")
    at.number_input(key="bc_pilot_p1_offer_acceptance").set_value(95.0)
    at.number_input(key="bc_pilot_diff_offer_acceptance").set_value(10.0)
    at.run()
    _assert_clean(at, "nl")
    assert any("tussen 0% en 100%" in w.value for w in at.warning)


def test_filters_that_match_nothing():
    at = _open("en", {"dates": "2030-01-01..2030-02-01"})
    _assert_clean(at, "en")
