"""ingest.pipeline_rules: word-start matching, tagging by the first step, stored and named rules."""

from __future__ import annotations

import json

import pandas as pd

from analytics import ingest, store

APPS_CSV = (
    "Application ID,Candidate Name,E-mail,Candidate ID,Department,Applied On,First Stage,Status\n"
    "A1,Ann Smith,ann@example.com,C1,Engineering,2025-03-14,Recruiter call,Hired\n"
    "A2,Bob Jones,bob@example.com,C2,Sales,2025-03-15,One-way video (HireVue),Rejected\n"
    "A3,Cy Twain,cy@example.com,C3,Sales,2025-04-01,CodeSignal coding test,Withdrew\n"
    "A4,Di Long,di@example.com,C4,Data,2025-04-02,Phone screen,Active\n"
)


def _raw(text: str, name: str = "apps.csv", encoding: str = "utf-8") -> ingest.RawFile:
    return ingest.read_upload(text.encode(encoding), name)


def test_pipeline_rules_tag_by_first_step_and_are_stored(con):
    prepared = ingest.prepare(_raw(APPS_CSV), "applications", con=con)
    assert list(prepared.tables["applications"]["pipeline"]) == [
        "human_first",
        "automation_first",
        "automation_first",
        "human_first",
    ]
    assert list(prepared.tables["applications"]["first_human_step"]) == [1, pd.NA, pd.NA, 1]
    assert prepared.report.pipeline_from_rules == 4
    ingest.load(con, prepared)
    rules = json.loads(store.get_meta(con)["pipeline_rules"])
    assert rules[0]["pipeline"] == "automation_first" and "hirevue" in rules[0]["keywords"]


def test_match_rule_uses_word_starts():
    assert ingest.match_rule("Intro call with recruiter")["pipeline"] == "human_first"
    assert ingest.match_rule("HackerRank challenge")["pipeline"] == "automation_first"
    assert ingest.match_rule("Onsite") is None
    custom = [{"pipeline": "human_first", "keywords": ["koffie"]}]
    assert ingest.match_rule("Koffie met het team", custom)["pipeline"] == "human_first"
