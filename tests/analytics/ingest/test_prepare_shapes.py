"""ingest.prepare on awkward input: bad input leaves every table unchanged, ragged rows name the
line, duplicates against loaded data, conversion per distinct value."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import ingest
from analytics.cli import main
from tests.analytics.ingest.helpers import SAMPLES
from tests.analytics.ingest.helpers import import_sample as _import
from tests.analytics.ingest.helpers import snapshot as _snapshot

HEAD = b"Application ID,Applied On,Pipeline,Status\n"


BAD_INPUTS = {
    "bad_date": (
        "applications",
        b"Application ID,Applied On,Pipeline,Status\nA1,2025-13-45,human_first,hired\n",
    ),
    "ragged_long": (
        "applications",
        HEAD + b"A1,2025-01-01,human_first,hired\nA2,2025-01-02,human_first,open,extra\n",
    ),
    "ragged_short": (
        "applications",
        HEAD + b"A1,2025-01-01,human_first,hired\nA2,2025-01-02\n",
    ),
    "missing_column": ("applications", b"Application ID,Pipeline,Status\nA1,human_first,hired\n"),
    "duplicate_id": (
        "applications",
        HEAD + b"A1,2025-01-01,human_first,hired\nA1,2025-01-02,human_first,open\n",
    ),
    "wrong_kind": ("hires", (SAMPLES / "lever_stage_changes.csv").read_bytes()),
    "empty_file": ("applications", b""),
    "header_only": ("applications", b"Application ID,Applied On,Pipeline,Status\n"),
    "binary_file": ("applications", bytes(range(256)) * 20),
    "negative_offer": (
        "offers",
        b"Application ID,Offer Date,Decision Date\nGH-10001,2025-06-27,2025-06-20\n",
    ),
    "unknown_application": ("offers", b"Application ID,Offer Date\nNOPE-1,2025-06-27\n"),
    "duplicate_existing": ("offers", b"Application ID,Offer Date\nGH-10001,2025-06-27\n"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_leaves_every_table_unchanged(gh, tmp_path, case):
    _import(gh, "offers.csv", "offers", mode="append")
    kind, content = BAD_INPUTS[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(content)
    before = _snapshot(gh)
    try:
        prepared, version = ingest.import_file(gh, path, kind, mode="append")
    except ingest.IngestError as e:
        assert e.problem.text("en") and e.problem.text("nl")
    else:
        assert version is None
        assert not prepared.ok
        assert prepared.tables == {}
        for problem in prepared.report.problems:
            assert problem.file == path.name
            assert problem.text("nl")
    assert _snapshot(gh) == before
    # and the command line refuses it too, with exit code 2
    assert main(["import", str(path), "--kind", kind, "--mode", "append", "--db", ":memory:"]) == 2


def test_ragged_rows_name_the_line(con):
    raw = ingest.read_upload(BAD_INPUTS["ragged_long"][1] + b"A3,2025-01-03\n", "r.csv")
    report = ingest.prepare(raw, "applications").report
    ragged = [(p.row, p.value, p.detail) for p in report.problems if p.code == "ragged_row"]
    assert ragged == [(3, "5", "4"), (4, "2", "4")]
    assert "r.csv, row 3: this line has 5 fields where the header has 4" in report.to_text()
    quoted = b'Application ID,Applied On,Pipeline,Status\n"A1","2025-01-01","human, first"\n'
    report = ingest.prepare(ingest.read_upload(quoted, "q.csv"), "applications").report
    assert [(p.row, p.value) for p in report.problems if p.code == "ragged_row"] == [(2, "3")]


def test_duplicates_against_loaded_data_in_append_mode(gh):
    text = HEAD + b"GH-10001,2025-01-01,human_first,hired\nNEW-1,2025-01-01,human_first,hired\n"
    report = ingest.prepare(
        ingest.read_upload(text, "a.csv"), "applications", con=gh, mode="append"
    ).report
    assert [(p.code, p.row, p.value) for p in report.problems] == [
        ("duplicate_existing", 2, "GH-10001")
    ]
    # replacing everything is fine
    assert ingest.prepare(ingest.read_upload(text, "a.csv"), "applications", con=gh).ok


def test_conversion_is_per_distinct_value(con):
    n = 20_000
    text = "Application ID,Applied On,First Stage,Status\n" + "".join(
        f"A{i},{1 + i % 28:02d}-03-2025,{'Phone screen' if i % 2 else 'HireVue video'},"
        f"{'Hired' if i % 3 else 'Rejected'}\n"
        for i in range(n)
    )
    prepared = ingest.prepare(ingest.read_upload(text.encode(), "big.csv"), "applications", con=con)
    assert prepared.ok, prepared.report.to_text()
    table = prepared.tables["applications"]
    assert (table["pipeline"] == "human_first").sum() == n // 2
    assert (table["status"] == "hired").sum() == sum(1 for i in range(n) if i % 3)
    assert table["applied_on"].min() == pd.Timestamp("2025-03-01")
    assert table["applied_on"].max() == pd.Timestamp("2025-03-28")
