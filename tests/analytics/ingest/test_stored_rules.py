"""ingest.pipeline_rules stored in the database: used by the next import and named in footnotes."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import ingest, store
from analytics.domain import Filters
from tests.analytics.ingest.helpers import import_sample as _import


def test_stored_rules_are_used_and_named(con):
    rules, label = ingest.pipeline_rules(con)
    assert label == f"default:{len(ingest.rules_frame(rules))}"
    edited = pd.DataFrame(
        {
            "pattern": [
                "phone screen",
                "",
                "chatbot",
                "recruiter call",
                "one way video",
                "intro call",
                "engineer chat",
                "coding test",
                "ai screen",
            ],
            "pipeline": [
                "automation_first",
                None,
                "automation_first",
                "human_first",
                "automation_first",
                "human_first",
                "human_first",
                "automation_first",
                "automation_first",
            ],
        }
    )
    assert ingest.save_pipeline_rules(con, edited) == 8  # the blank row is ignored
    rules, label = ingest.pipeline_rules(con)
    assert label == "custom:8"
    _import(con, "greenhouse_applications.csv", "applications")
    phone = con.execute(
        "SELECT DISTINCT pipeline FROM applications "
        "WHERE application_id IN ('GH-10001', 'GH-10012')"
    ).fetchall()
    assert phone == [("automation_first",)]  # 'Phone screen' tagged by the edited rule
    assert store.dataset_info(con).pipeline_rules == "custom:8"
    # an explicit pipeline column: no rules named
    _import(con, "nl_sollicitaties.csv", "applications")
    assert store.dataset_info(con).pipeline_rules is None
    with pytest.raises(ValueError, match="row 1: pipeline must be"):
        ingest.save_pipeline_rules(con, pd.DataFrame({"pattern": ["x"], "pipeline": ["robots"]}))
    ingest.reset_pipeline_rules(con)
    assert ingest.pipeline_rules(con)[1].startswith("default:")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_footnote_names_the_rules(gh, lang):
    from ui.components.widgets import footnote
    from ui.context import PageContext

    info = store.dataset_info(gh)
    text = footnote(PageContext(lang, Filters(), info))
    n = len(ingest.rules_frame(ingest.PIPELINE_RULES))
    expected = {
        "en": f"Pipeline tagged from the first step by default rules ({n} patterns).",
        "nl": f"Proces afgeleid uit de eerste stap met de standaardregels ({n} patronen).",
    }[lang]
    assert expected in text
    _import(gh, "nl_sollicitaties.csv", "applications")  # explicit pipeline column
    assert expected not in footnote(PageContext(lang, Filters(), store.dataset_info(gh)))
