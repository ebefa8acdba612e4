"""The PowerPoint deck opens with titled slides: a short title in the title placeholder (what
PowerPoint's outline, "Reuse slides" and screen readers read), the numbers in a subtitle, chart
text readable on a projector, and speaker notes holding the full sentence."""

from __future__ import annotations

from io import BytesIO

import pytest
from pptx import Presentation
from pptx.util import Pt

from analytics import demo, report, store
from analytics.domain import Filters
from analytics.report import slides
from analytics.report.titles import split_title


@pytest.fixture(scope="module")
def decks():
    con = store.connect(":memory:")
    demo.build(con, 4000, seed=5)
    built = {lang: slides.build_deck(con.cursor(), Filters(), lang) for lang in ("en", "nl")}
    con.close()
    return built


def _texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_slide_has_a_short_title_in_its_placeholder_and_notes(decks, lang):
    deck = decks[lang]
    prs = Presentation(BytesIO(report.to_pptx(deck)))
    assert len(prs.slides) == len(deck.slides) + 2  # cover and sources
    for i, slide in enumerate(prs.slides):
        title = slide.shapes.title
        assert title is not None and title.is_placeholder, i
        assert title.text_frame.text.strip(), i
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip(), i
    for source, slide in zip(deck.slides, list(prs.slides)[1:-1], strict=True):
        short = slide.shapes.title.text_frame.text
        assert len(short.split()) <= 16, short
        # nothing is lost: the full sentence is in the notes, its numbers on the slide
        notes = slide.notes_slide.notes_text_frame.text
        assert notes.startswith(source.title)
        _, numbers = split_title(source.title)
        assert numbers in _texts(slide)


def test_chart_text_reads_on_a_projector(decks):
    prs = Presentation(BytesIO(report.to_pptx(decks["en"])))
    charts = [s.chart for slide in prs.slides for s in slide.shapes if s.has_chart]
    assert charts
    for chart in charts:
        assert chart.legend.font.size >= Pt(14)
        assert chart.value_axis.tick_labels.font.size >= Pt(14)
        assert chart.category_axis.tick_labels.font.size >= Pt(14)
        assert chart.plots[0].data_labels.font.size >= Pt(14)


def test_the_survey_slide_names_its_question(decks):
    deck = decks["en"]
    survey = next(s for s in deck.slides if s.key == "survey")
    prs = Presentation(BytesIO(report.to_pptx(deck)))
    slide = list(prs.slides)[1 + deck.slides.index(survey)]
    assert survey.finding and survey.finding in _texts(slide)


@pytest.mark.parametrize(
    ("sentence", "title", "rest"),
    [
        (
            "Human-first pipelines lost 9.6 points fewer candidates to withdrawal "
            "(95% CI 7.6–11.6 points): 7.6% vs 17.2%.",
            "Human-first pipelines lost 9.6 points fewer candidates to withdrawal",
            "(95% CI 7.6–11.6 points): 7.6% vs 17.2%.",
        ),
        (
            "No clear answer: human-first contact comes out at +€257,390 per 100 hires, but "
            "the 95% interval (−€220,764 to +€738,737) includes zero.",
            "No clear answer",
            "human-first contact comes out at +€257,390 per 100 hires, but the 95% interval "
            "(−€220,764 to +€738,737) includes zero.",
        ),
        (
            "Quality-of-hire composite: Human-first 67.4 vs Automation-first 64.5 out of 100; "
            "n = 157 hires.",
            "Quality-of-hire composite: Human-first 67.4 vs Automation-first 64.5 out of 100",
            "n = 157 hires.",
        ),
        ("A finding without any break.", "A finding without any break", ""),
        (
            # a parenthesis without a number is part of a name, not where the numbers start
            "Adjusted for role family, candidate withdrawal (any stage) shows a clear difference: "
            "-6.5 points (95% CI -8.9 to -4.1 points).",
            "Adjusted for role family, candidate withdrawal (any stage) shows a clear difference",
            "-6.5 points (95% CI -8.9 to -4.1 points).",
        ),
        (
            "No clear difference between the groups (Human-first (A) 71%, Automation-first (B) "
            "70%, p = 0.821).",
            "No clear difference between the groups",
            "(Human-first (A) 71%, Automation-first (B) 70%, p = 0.821).",
        ),
    ],
)
def test_split_title(sentence, title, rest):
    assert split_title(sentence) == (title, rest)
