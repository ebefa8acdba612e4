"""The answer strip on the first slide: the deck's cover (PowerPoint), the top of the HTML report
and the headline slide carry the Overview's lines, the same numbers as the page, adjusted when the
reader adjusted, in both languages."""

from __future__ import annotations

import html
from io import BytesIO

import pytest
from pptx import Presentation

from analytics import answers, report, store
from analytics.domain import Filters
from analytics.metrics.overview import headline
from analytics.report import slides
from analytics.report.model import Deck


@pytest.fixture(scope="module")
def decks(demo_con) -> dict[tuple[str, str | None], Deck]:
    cur = demo_con.cursor()
    return {
        (lang, by): slides.build_deck(cur, Filters(), lang, kinds=("headline",), adjust_by=by)
        for lang in ("en", "nl")
        for by in (None, "role_family")
    }


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("by", [None, "role_family"])
def test_headline_slide_carries_the_overviews_strip(demo_con, decks, lang, by):
    cur = demo_con.cursor()
    page = headline(cur, Filters(), as_of=store.dataset_info(cur).as_of, adjust_by=by)
    expected = answers.answer_lines(page.metrics, lang)
    deck = decks[(lang, by)]
    assert deck.answers() == expected
    assert len(expected) == len(answers.QUESTIONS)
    adjusted_word = "adjusted for" if lang == "en" else "gecorrigeerd voor"
    # adjusting changes the rates' answers (acceptance, withdrawal); the strip says so
    assert any(adjusted_word in line.answer for line in expected) == (by is not None)


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("by", [None, "role_family"])
def test_pptx_cover_and_html_top_show_the_strip(decks, lang, by):
    deck = decks[(lang, by)]
    prs = Presentation(BytesIO(report.to_pptx(deck)))
    cover = prs.slides[0]
    text = "\n".join(s.text_frame.text for s in cover.shapes if s.has_text_frame)
    for line in deck.answers():
        assert line.plain in text
        assert line.plain in cover.notes_slide.notes_text_frame.text
    # the question is bold, the answer is not
    runs = [r for s in cover.shapes if s.has_text_frame for p in s.text_frame.paragraphs
            for r in p.runs]  # fmt: skip
    bold = {r.text.rstrip(": ") for r in runs if r.font.bold}
    assert {line.label for line in deck.answers()} <= bold

    doc = report.to_html(deck)
    first_section = doc.index("<section")
    for line in deck.answers():
        shown = f"<strong>{html.escape(line.label)}</strong>: {html.escape(line.answer)}"
        assert -1 < doc.index(shown) < first_section  # the answer before any slide


def test_a_deck_without_a_headline_has_no_strip(demo_con):
    deck = slides.build_deck(demo_con.cursor(), Filters(), "en", kinds=("offers",))
    assert deck.answers() == ()
    prs = Presentation(BytesIO(report.to_pptx(deck)))
    assert prs.slides[0].shapes.title.text_frame.text == deck.title()
    assert 'class="answers"' not in report.to_html(deck)
