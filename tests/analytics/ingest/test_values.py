"""ingest.values: date orders and formats, decimal commas, status synonyms."""

from __future__ import annotations

import datetime as dt

from analytics import ingest

APPS_CSV = (
    "Application ID,Candidate Name,E-mail,Candidate ID,Department,Applied On,First Stage,Status\n"
    "A1,Ann Smith,ann@example.com,C1,Engineering,2025-03-14,Recruiter call,Hired\n"
    "A2,Bob Jones,bob@example.com,C2,Sales,2025-03-15,One-way video (HireVue),Rejected\n"
    "A3,Cy Twain,cy@example.com,C3,Sales,2025-04-01,CodeSignal coding test,Withdrew\n"
    "A4,Di Long,di@example.com,C4,Data,2025-04-02,Phone screen,Active\n"
)


def _raw(text: str, name: str = "apps.csv", encoding: str = "utf-8") -> ingest.RawFile:
    return ingest.read_upload(text.encode(encoding), name)


EPOCH_MS = int(dt.datetime(2025, 3, 14, 12, tzinfo=dt.UTC).timestamp() * 1000)


def test_date_order_detection():
    assert ingest.detect_date_order(["03-04-2025", "14-03-2025"]) == "dmy"
    assert ingest.detect_date_order(["03/04/2025", "03/14/2025"]) == "mdy"
    assert ingest.detect_date_order(["03-04-2025", "01-02-2025"]) == "ambiguous"
    assert ingest.detect_date_order(["2025-03-04", None]) is None


def test_dates_in_every_format():
    text = (
        "id,applied on,pipeline,status\n"
        "A1,2025-03-14,human_first,open\n"
        "A2,14-03-2025,human_first,open\n"
        f"A3,{EPOCH_MS},human_first,open\n"
        "A4,2025-03-14T08:00:00Z,human_first,open\n"
    )
    prepared = ingest.prepare(_raw(text), "applications")
    assert prepared.ok, prepared.report.to_text()
    days = {d.date() for d in prepared.tables["applications"]["applied_on"]}
    assert days == {dt.date(2025, 3, 14)}
    assert prepared.report.date_order == "dmy"


def test_decimal_comma_and_thousands():
    assert ingest.parse_number("1.234,50", decimal_comma=True) == 1234.5
    assert ingest.parse_number("1,234.50", decimal_comma=False) == 1234.5
    assert ingest.parse_number("0,95", decimal_comma=True) == 0.95
    assert ingest.parse_number("€ 55.000", decimal_comma=True) == 55000


def test_status_synonyms():
    prepared = ingest.prepare(_raw(APPS_CSV), "applications")
    assert list(prepared.tables["applications"]["status"]) == [
        "hired",
        "rejected",
        "withdrawn",
        "open",
    ]
