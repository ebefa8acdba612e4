"""ingest.reading: encodings, Excel and Parquet, unreadable and empty files."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import ingest


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_encodings(tmp_path, encoding):
    text = "Sollicitatie ID;Functiegroep;Sollicitatiedatum;Proces;Status;Salaris\n"
    text += "NL-1;Financiën €;14-03-2025;Mens-eerst;Aangenomen;1,05\n"
    path = tmp_path / "nl.csv"
    path.write_bytes(text.encode(encoding))
    raw = ingest.read_path(path)
    assert raw.delimiter == ";"
    assert raw.columns[0] == "Sollicitatie ID"  # no BOM left in the header
    prepared = ingest.prepare(raw, "applications")
    assert prepared.ok, prepared.report.to_text()
    row = prepared.tables["applications"].iloc[0]
    assert row["role_family"] == "Financiën €"
    assert row["pipeline"] == "human_first"
    assert row["status"] == "hired"
    assert row["applied_on"].date() == dt.date(2025, 3, 14)


def test_excel_and_parquet(tmp_path):
    frame = pd.DataFrame(
        {
            "Application ID": ["X1", "X2"],
            "Applied On": [dt.datetime(2025, 1, 2), dt.datetime(2025, 1, 3)],
            "Pipeline": ["human_first", "automation_first"],
            "Status": ["open", "None"],
        }
    )
    frame.to_excel(tmp_path / "a.xlsx", index=False)
    frame.to_parquet(tmp_path / "a.parquet")
    for name in ("a.xlsx", "a.parquet"):
        prepared = ingest.prepare(ingest.read_path(tmp_path / name), "applications")
        # "None" is a value, not a missing marker: it is reported as an unknown status.
        assert prepared.report.problem_counts == {"bad_status": 1}
        assert prepared.report.problems[0].row == 3


def test_unreadable_and_empty_files():
    with pytest.raises(ingest.IngestError) as e:
        ingest.read_upload(b"", "x.csv")
    assert e.value.problem.code == "empty_file"
    with pytest.raises(ingest.IngestError):
        ingest.read_upload(b"PK\x03\x04 not really excel", "x.xlsx")
    with pytest.raises(ingest.IngestError):
        ingest.read_upload(b"a,b\n1,2\n", "x.sav")
