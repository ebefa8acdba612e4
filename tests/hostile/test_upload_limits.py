"""Compressed uploads are refused by their rows and decompressed size BEFORE any cell is converted
(a 30 KB Parquet file can hold 10 million rows), and the survey pivot does not grow with the
number of questions."""

from __future__ import annotations

import io

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analytics.ingest import reading
from analytics.ingest.report import IngestError


def _parquet(rows: int) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"a": pa.array(["x"] * rows)}), buffer, compression="zstd")
    return buffer.getvalue()


def test_parquet_over_the_row_limit_is_refused_from_metadata(monkeypatch) -> None:
    monkeypatch.setattr(reading, "MAX_ROWS", 1_000)
    with pytest.raises(IngestError) as err:
        reading.read_upload(_parquet(1_001), "one_value.parquet")
    assert err.value.problem.code == "too_many_rows"
    assert "1001" in err.value.problem.text("en") and "1000" in err.value.problem.text("nl")


def test_parquet_under_the_limit_reads_as_text() -> None:
    table = pa.table({"id": ["A1", " B2 "], "score": [1.5, None], "n": [3, 4]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    raw = reading.read_upload(buffer.getvalue(), "ok.parquet")
    assert raw.frame["id"].tolist() == ["A1", "B2"]
    assert raw.frame["n"].tolist() == ["3", "4"]
    assert raw.frame["score"].iloc[0] == "1.5" and raw.frame["score"].isna().iloc[1]


def _xlsx(rows: int) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["application_id"])
    for i in range(rows):
        ws.append([i])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_xlsx_over_the_row_limit_is_refused_before_reading(monkeypatch) -> None:
    monkeypatch.setattr(reading, "MAX_XLSX_ROWS", 500)
    with pytest.raises(IngestError) as err:
        reading.read_upload(_xlsx(2_000), "many.xlsx")
    assert err.value.problem.code == "too_many_rows"
    assert len(reading.read_upload(_xlsx(400), "few.xlsx").frame) == 400


def test_csv_over_the_row_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(reading, "MAX_ROWS", 100)
    with pytest.raises(IngestError) as err:
        reading.read_upload(b"a\n" + b"1\n" * 200, "many.csv")
    assert err.value.problem.code == "too_many_rows"
