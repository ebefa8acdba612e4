"""Dutch as a Dutch HR professional writes it: no English words, one form of address, one glossary.

The word lists follow the project GLOSSARY: loanwords the Dutch recruiting world uses itself
(recruiter, hiring manager, business case, funnel, score, data, upload, bias-audit, power) are
allowed; the English words below have a Dutch term in the glossary and must not appear. Literal
values a user types into a file ('human_first', `python -m ...`) are quoted in the strings and are
not prose, so quoted text is skipped.
"""

from __future__ import annotations

import re

import pytest

from analytics import i18n

# English words (or English spellings of glossary terms) that must never appear in Dutch prose.
ENGLISH = (
    "the",
    "and",
    "with",
    "you",
    "your",
    "please",
    "click",
    "impact ratio",
    "four-fifths",
    "hire",
    "hires",
    "hired",
    "pipeline",
    "pipelines",
    "offer",
    "offers",
    "rate",
    "withdrawal",
    "quality",
    "acceptance",
    "candidate",
    "candidates",
    "human-first",
    "automation-first",
    "odds ratio",
    "comp ratio",
    "time to hire",
    "weighting",
    "points",
)
# The formal address ("u", "uw", "uzelf"); the app says "je"/"jouw" throughout.
FORMAL = ("u", "uw", "uzelf", "uwe")


def _prose(text: str) -> str:
    """The text read as sentences: without placeholders, code and quoted literal values."""
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"'[^'\s][^']*'", " ", text)
    text = re.sub(r"\([a-z]+\[[a-z]+\]\)", " ", text)  # pip extras such as psycopg[binary]
    return text


def _has_word(word: str, text: str) -> bool:
    pattern = r"(?<![\w-])" + re.escape(word) + r"(?![\w-])"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


NL = i18n.strings("nl")
EN = i18n.strings("en")


def test_dutch_and_english_have_the_same_keys():
    assert set(NL) == set(EN)


def test_no_english_words_on_dutch_pages():
    hits = {k: found for k in NL if (found := [w for w in ENGLISH if _has_word(w, _prose(NL[k]))])}
    assert not hits, [(key, found, NL[key]) for key, found in hits.items()]


def test_one_form_of_address():
    hits = {k: found for k in NL if (found := [w for w in FORMAL if _has_word(w, _prose(NL[k]))])}
    assert not hits, [(key, found, NL[key]) for key, found in hits.items()]


def test_aanname_means_assumption_only():
    # GLOSSARY: "aanname" is an assumption; a hire is an "aanwerving". A Dutch string with
    # "aanname" must translate an English one about assumptions, never one about hires.
    wrong = [
        key
        for key, text in NL.items()
        if re.search(r"\baanname", text, flags=re.IGNORECASE) and "assum" not in EN[key].lower()
    ]
    assert not wrong, wrong


@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        ("four-fifths", "vier-vijfderegel"),
        ("impact ratio", "impactratio"),
        ("time to hire", "tijd tot aanwerving"),
        ("quality of hire", "kwaliteit van aanwerving"),
        ("withdrawal", "terugtrek"),
    ],
)
def test_glossary_terms_are_translated_one_way(english: str, dutch: str):
    # Where the English string names a glossary term, the Dutch one uses the glossary's word for it.
    missing = [
        key for key, text in EN.items() if english in text.lower() and dutch not in NL[key].lower()
    ]
    assert not missing, [(k, NL[k]) for k in missing]


def test_the_detector_catches_what_it_should():
    assert _has_word("u", "Wilt u dat?") and _has_word("uw", "Uw gegevens")
    assert not _has_word("u", "Laad je gegevens")
    assert _has_word("impact ratio", "de Impact ratio is")
    assert not _has_word("hire", _prose("gebruik 'hire' als waarde"))
