"""ingest.mapping: header aliases in English and Dutch, one field per column, identifiers."""

from __future__ import annotations

import pytest

from analytics import ingest


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("Application ID", "application_id"),
        ("application_id", "application_id"),
        ("application id", "application_id"),
        ("id", "application_id"),
        ("Sollicitatie ID", "application_id"),
        ("Applied On", "applied_on"),
        ("applied_at", "applied_on"),
        ("createdAt", "applied_on"),
        ("Sollicitatiedatum", "applied_on"),
        ("application date", "applied_on"),
        ("Department", "role_family"),
        ("Job Family", "role_family"),
        ("Functiegroep", "role_family"),
        ("Pipeline", "pipeline"),
        ("Process", "pipeline"),
        ("Proces", "pipeline"),
        ("Status", "status"),
        ("Outcome", "status"),
    ],
)
def test_header_aliases_in_english_and_dutch(column, field):
    assert ingest.suggest_mapping([column], "applications")[column] == field


def test_mapping_uses_each_field_once_and_prefers_exact_names():
    mapping = ingest.suggest_mapping(["id", "application_id", "Candidate Name"], "applications")
    assert mapping == {"id": None, "application_id": "application_id", "Candidate Name": None}


def test_dutch_email_header_is_an_identifier():
    from analytics import ingest

    for column in ("E-mailadres", "emailadres", "Mailadres kandidaat"):
        assert ingest.is_identifier(column), column
