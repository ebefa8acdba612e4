"""The adjusted-effect panel alone in AppTest, in both languages: sentence, table, diagnostics,
no exception; and the composite."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.usefixtures("app_db")


def _panel(lang: str, outcome: str):
    from tests.ui.harness import page_context
    from ui.components.causal_panel import render_causal_panel

    render_causal_panel(page_context(lang), outcome, key="cp")


@pytest.mark.parametrize(
    ("lang", "outcome"), [("en", "hire_rate"), ("nl", "hire_rate"), ("nl", "quality_composite")]
)
def test_the_panel_draws_in_both_languages(lang, outcome):
    at = AppTest.from_function(_panel, args=(lang, outcome), default_timeout=120).run()
    assert not at.exception and not at.error
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    word = {"en": "Adjusted for", "nl": "Gecorrigeerd voor"}[lang]
    assert word in text
    if outcome == "hire_rate":
        assert at.dataframe, "the estimates table"
        assert "AIPW" in text or "g-computation" in text
    if lang == "nl":
        assert " u " not in f" {text} "
