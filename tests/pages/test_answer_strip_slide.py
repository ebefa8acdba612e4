"""The Overview's answer strip and the deck's first slide say the same thing: the lines the page
shows are the lines of the headline slide built for the same view, in both languages, adjusted
when the reader adjusted (issue 20: "the answer first, on any screen")."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.domain import Filters
from analytics.report import slides
from tests.pages.reading import shown
from ui import data

APP = str(Path(__file__).resolve().parents[2] / "app.py")

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("fresh_app")]


def _page_lines(at: AppTest) -> list[str]:
    """The strip's answer lines as read on screen, without their icons."""
    block = next(m for m in at.markdown if ":material/" in m.value and "**" in m.value)
    return [shown(line.split(" ", 1)[1]) for line in block.value.split("  \n")]


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("by", [None, "role_family"])
def test_strip_on_page_is_strip_on_first_slide(lang, by):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    if by:
        at.query_params["adjust"] = by
    at.run()
    assert not at.exception
    page = _page_lines(at)
    # the app's own connection (the process holds the file): the deck the presenter would build
    deck = slides.build_deck(data.cursor(), Filters(), lang, kinds=("headline",), adjust_by=by)
    assert page == [shown(line.text) for line in deck.answers()]
    adjusted = "adjusted for" if lang == "en" else "gecorrigeerd voor"
    assert any(adjusted in line for line in page) == (by is not None)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_presenter_first_slide_opens_with_the_strip(lang):
    overview = AppTest.from_file(APP, default_timeout=90)
    overview.query_params["lang"] = lang
    overview.run()
    assert not overview.exception
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.switch_page("pages/presenter.py")
    at.run()
    assert not at.exception
    assert _page_lines(at) == _page_lines(overview)
