"""The whole app through AppTest: every page in both languages, and the URL round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics import store

APP = str(Path(__file__).resolve().parents[2] / "app.py")

PAGES = [
    "pages/overview.py",
    "pages/funnel.py",
    "pages/offers.py",
    "pages/quality.py",
    "pages/business_case.py",
    "pages/fairness.py",
    "pages/survey.py",
    "pages/presenter.py",
    "pages/data.py",
]


@pytest.fixture
def app(db_file, monkeypatch):
    monkeypatch.setenv(store.DB_ENV_VAR, str(db_file))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield lambda: AppTest.from_file(APP, default_timeout=60)
    st.cache_resource.clear()


def _human_first_applications(at, name: str) -> int:
    """The first card's human-first count, e.g. "Human-first: **2,345**" -> 2345."""
    text = next(m.value for m in at.markdown if m.value.startswith(f"{name}: **"))
    return int(text.split("**")[1].replace(",", "").replace(".", ""))


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_both_languages(app, page, lang):
    at = app()
    at.query_params["lang"] = lang
    at.run()
    demo_word = "demo data" if lang == "en" else "demogegevens"
    assert any(demo_word in c.value.lower() for c in at.caption)
    at.switch_page(str(Path(APP).parent / page)).run()
    assert not at.exception
    assert not at.error
    assert at.title, "the page draws a title"


def test_overview_shows_numbers_with_intervals(app):
    at = app().run()
    text = " ".join(m.value for m in at.markdown)
    assert "Human-first: **" in text and "n = " in text
    assert "Candidate withdrawal" in text
    assert any("95% CI" in c.value for c in at.caption)


def test_url_reproduces_language_and_filters(app):
    at = app()
    at.query_params.update(
        {
            "lang": "nl",
            "role_family": "engineering,data",
            "dates": "2025-01-01..2025-12-31",
            "adjust": "role_family",
            "region": "Atlantis",  # not an option: ignored, not an error
        }
    )
    at.run()
    assert not at.exception
    assert at.title[0].value == "Mens-eerst tegenover automatisering-eerst"
    assert at.multiselect(key="role_family").value == ["engineering", "data"]
    assert at.multiselect(key="region").value == []
    assert [str(d) for d in at.date_input(key="dates").value] == ["2025-01-01", "2025-12-31"]
    assert at.selectbox(key="adjust").value == "role_family"
    # The filters reach the numbers: fewer applications than the unfiltered view.
    filtered = at.session_state["_page_context"].filters
    assert filtered.role_family == ("engineering", "data")


def test_the_url_keeps_raw_values_after_a_run(app):
    """What the router writes back to the URL is the raw value, whatever the language."""
    at = app()
    at.query_params.update({"lang": "nl", "role_family": "customer_support", "adjust": "none"})
    at.run()
    assert not at.exception
    assert at.query_params.get("role_family") in ("customer_support", ["customer_support"])
    assert at.query_params.get("lang") in ("nl", ["nl"])
    # The default ("none") is not kept in the URL.
    assert "adjust" not in at.query_params


def test_filters_that_match_nothing_say_so(app):
    at = app()
    # Entirely after the data: the whole span, with a note (issue 19: no silent one-day view).
    at.query_params["dates"] = "2030-01-01..2030-02-01"
    at.run()
    assert not at.exception
    first, last = at.date_input(key="dates").value
    assert str(last) == "2026-10-31" and first < last
    assert any("2030-01-01" in i.value for i in at.info)


def test_changing_filters_and_language_updates_url_and_numbers(app):
    at = app().run()
    before = _human_first_applications(at, "Human-first")
    at.multiselect(key="region").set_value(["NL", "DE"])
    at.button_group(key="lang").set_value("nl")
    at.run()
    assert not at.exception
    assert at.query_params.get("region") in ("NL,DE", ["NL,DE"])
    assert at.query_params.get("lang") in ("nl", ["nl"])
    assert at.title[0].value.startswith("Mens-eerst")
    assert at.session_state["_page_context"].filters.region == ("NL", "DE")
    assert 0 < _human_first_applications(at, "Mens-eerst") < before


def test_filters_persist_across_pages(app):
    at = app().run()
    at.multiselect(key="seniority").set_value(["senior"]).run()
    at.switch_page(str(Path(APP).parent / "pages/funnel.py")).run()
    assert not at.exception
    assert at.multiselect(key="seniority").value == ["senior"]
    assert at.session_state["_page_context"].filters.seniority == ("senior",)


def test_reset_clears_the_filters(app):
    at = app()
    at.query_params["seniority"] = "senior"
    at.run()
    assert at.multiselect(key="seniority").value == ["senior"]
    at.button(key="reset_filters").click().run()
    assert at.multiselect(key="seniority").value == []
    assert "seniority" not in at.query_params


def test_a_stale_date_range_is_clamped_not_a_crash(app):
    """After new data are loaded, a range kept in the session may lie outside the data."""
    import datetime as dt

    at = app().run()
    at.session_state["dates"] = (dt.date(2019, 1, 1), dt.date(2019, 3, 1))
    at.run()
    assert not at.exception
    low, high = at.date_input(key="dates").value
    assert low >= dt.date(2024, 11, 1) and high <= dt.date(2026, 10, 31)


def test_reruns_after_a_page_switch_keep_the_router(app):
    """AppTest reruns a switched-to page script on its own in folder mode (ui/entry.py): each rerun
    must still draw the sidebar, keep the filters and apply a language change."""
    at = app().run()
    at.switch_page(str(Path(APP).parent / "pages/funnel.py")).run()
    at.multiselect(key="region").set_value(["NL"]).run()
    at.button_group(key="lang").set_value("nl").run()
    assert not at.exception
    assert at.query_params.get("lang") in ("nl", ["nl"])
    assert at.session_state["_page_context"].filters.region == ("NL",)
    assert at.sidebar.multiselect, "the sidebar filters are drawn"
    assert at.title[0].value == "Wervingsfunnel"
    at.run()
    assert at.title[0].value == "Wervingsfunnel"
