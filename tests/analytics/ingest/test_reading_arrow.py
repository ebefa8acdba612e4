"""The pyarrow CSV path (``reading._arrow_csv``, issue 21) gives exactly what the general reader
gives: the same cells, columns, ragged lines, skipped rows, row numbers, warnings and messages.

Every file is read twice through ``read_upload``: once as the import reads it, once with the
pyarrow path switched off (the reader before issue 21). Crafted files cover what CSV exports do
(quotes, line breaks in cells, BOM, ``;`` and tabs, Latin-1, ragged rows, empty files); hypothesis
generates the rest.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.ingest import reading
from analytics.ingest.report import IngestError


def _outcome(data: bytes, name: str = "f.csv") -> tuple[str, object]:
    """What ``read_upload`` gives: the file as read, or the refusal's message fields."""
    try:
        raw = reading._read_upload(data, name)
    except IngestError as e:
        p = e.problem
        return "error", (p.code, p.file, p.row, p.column, p.value, p.detail)
    return "read", raw


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, tuple, bool]:
    """(outcome with the pyarrow path, outcome without it, whether pyarrow's frame was used)."""
    used: list[bool] = []
    fast = reading._arrow_csv

    def spy(*args: object) -> pd.DataFrame | None:
        frame = fast(*args)
        used.append(frame is not None)
        return frame

    with monkeypatch.context() as m:
        m.setattr(reading, "_arrow_csv", spy)
        new = _outcome(data)
    with monkeypatch.context() as m:
        m.setattr(reading, "_arrow_csv", lambda *_args: None)
        old = _outcome(data)
    return new, old, any(used)


def _assert_same(new: tuple, old: tuple) -> None:
    assert new[0] == old[0], (new, old)
    if new[0] == "error":
        assert new[1] == old[1]
        return
    a, b = new[1], old[1]
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.columns == b.columns
    assert (a.file_format, a.encoding, a.delimiter) == (b.file_format, b.encoding, b.delimiter)
    assert a.ragged == b.ragged
    assert a.skipped_empty == b.skipped_empty
    assert list(a.row_numbers) == list(b.row_numbers)
    assert [w.text("en") for w in a.warnings] == [w.text("en") for w in b.warnings]


# (file content, whether the pyarrow path should take it)
CRAFTED: dict[str, tuple[bytes, bool]] = {
    "plain": (b"id,name,date\nA1,Ann,2025-01-02\nA2,Bob,2025-01-03\n", True),
    "no final newline": (b"id,name\nA1,Ann\nA2,Bob", True),
    "crlf": (b"id,name\r\nA1,Ann\r\nA2,Bob\r\n", True),
    "cr only": (b"id,name\rA1,Ann\rA2,Bob\r", False),
    "quotes": (b'id,name,note\nA1,"Ann, Jr.","said ""hi"""\nA2,Bob,"x"\n', True),
    "line break in a cell": (b'id,note\nA1,"two\nlines"\nA2,"crlf\r\ninside"\n', True),
    "quoted header": (b'"id","na,me"\n"A1","x"\n', True),
    "header with a line break": (b'id,"multi\nline"\nA1,x\n', True),
    "bom": ("\ufeffid;naam\nA1;Één\n".encode(), True),
    "semicolon, decimal comma": (b"id;salaris\nA1;1.234,56\nA2;3500,75\n", True),
    "tab": (b"id\tname\nA1\tAnn\nA2\tBob\n", True),
    "pipe": (b"id|name\nA1|Ann\nA2|Bob\n", True),
    "missing markers": (b"id,a,b\nA1,NA, n/a \nA2,-,NULL\nA3, ,#N/A\nA4,nan,None\n", True),
    "spaces around values": (b"id,name\n  A1 , Ann\t\nA2,\xc2\xa0Bob\xc2\xa0\n", True),
    "blank lines": (b"id,name\nA1,Ann\n\nA2,Bob\n\n\n", True),
    "empty rows": (b"id,name\nA1,Ann\n,\nNA,-\nA2,Bob\n", True),
    "empty cells quoted": (b'id,name\nA1,""\n"",Bob\n', True),
    "unicode": ("id,naam\nA1,Zoë\nA2,日本\nA3,🙂\n".encode(), True),
    "trailing delimiter": (b"id,name,\nA1,Ann,\nA2,Bob,\n", True),
    "empty header name with values": (b"id,,name\nA1,x,Ann\n", True),
    "duplicate header": (b"id,id\nA1,A2\n", True),
    "title row": (b"Report,,\nid,name,x\nA1,Ann,1\n", True),
    "quote inside a field": (b'id,name\nA1,O"Brien\nA2,Bob\n', True),
    "text after a closing quote": (b'id,name\nA1,"ab"c\nA2,Bob\n', True),
    "one column": (b"id\nA1\nA2\n", False),
    "one column, blank lines": (b"id\nA1\n\n  \nA2\n", False),
    "header only": (b"id,name\n", True),
    "header only, no newline": (b"id,name", True),
    "empty": (b"", False),
    "whitespace only": (b"  \n\n", False),
    "leading blank line": (b"\nid,name\nA1,Ann\n", False),
    "ragged: too many": (b"id,name\nA1,Ann,extra\nA2,Bob\n", False),
    "ragged: too few": (b"id,name,x\nA1,Ann\nA2,Bob,1\n", False),
    "ragged, quoted": (b'id,name\n"A1","Ann","x"\nA2,Bob\n', False),
    "whitespace line": (b"id,name\nA1,Ann\n   \nA2,Bob\n", False),
    "latin-1": ("id;naam\nA1;Zoë\n".encode("latin-1"), False),
    "cp1252": ("id;bedrag\nA1;€ 5\n".encode("cp1252"), False),
    "utf-16": ("id,naam\nA1,Zoë\n".encode("utf-16"), False),
    "utf-8 with a bad byte": ("id,naam\nA1,Zoë\nA2,x\xff\n".encode("latin-1"), False),
    "mostly utf-8, one bad byte": (b"id,naam\nA1,Zo\xc3\xab\nA2,x\xff\n", False),
    "nul byte": (b"id,name\nA1,A\x00nn\n", False),
    "unclosed quote": (b'id,name\nA1,"Ann\nA2,Bob\n', False),
    "not csv": (b"\x89PNG\r\n\x1a\n\x00\x00", False),
}


@pytest.mark.parametrize("case", list(CRAFTED))
def test_crafted_files_read_the_same(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data, fast = CRAFTED[case]
    new, old, used = _both(data, monkeypatch)
    _assert_same(new, old)
    if fast:  # the pyarrow path took the file (else this test would check nothing)
        assert used, case


def test_a_large_cell_is_refused_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"id,note\nA1," + b"x" * (reading.MAX_CELL_CHARS + 1) + b"\nA2,y\n"
    new, old, _ = _both(data, monkeypatch)
    assert new[0] == "error" and new[1][0] == "cell_too_large"
    _assert_same(new, old)


def test_a_cell_longer_than_a_block_goes_the_general_way(monkeypatch: pytest.MonkeyPatch) -> None:
    # pyarrow needs a row within one block; the general reader then reads (and refuses) it.
    monkeypatch.setattr(reading, "_ARROW_BLOCK_BYTES", 64)
    data = b'id,note\nA1,"' + b"x" * 200 + b'"\nA2,y\n'
    new, old, used = _both(data, monkeypatch)
    _assert_same(new, old)
    assert not used


def test_a_thousand_rows_of_quoted_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    # Enough rows that pyarrow parses several blocks (block size forced small) in parallel.
    monkeypatch.setattr(reading, "_ARROW_BLOCK_BYTES", 4096)
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(["Application ID", "Note", "Applied on"])
    for i in range(1000):
        note = f'line {i}\nwith, comma and "quote"'
        writer.writerow([f"A{i}", note, f"2025-01-{i % 28 + 1:02d}"])
    new, old, used = _both(buf.getvalue().encode(), monkeypatch)
    _assert_same(new, old)
    assert used
    assert new[1].frame.shape == (1000, 3)


_CELL_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list('ab1 -,;"\n\r\t\u00a0é')), max_size=6),
    st.sampled_from(["NA", " n/a ", "NULL", "-", ""]),
)


@st.composite
def _csv_files(draw: st.DrawFn) -> bytes:
    """CSV-ish files: a header and rows of (mostly) the same width, cells quoted by the csv module
    or written raw, random line endings; sometimes a BOM or a blank line."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.integers(1, 4))
    header = draw(st.lists(st.sampled_from(["id", "name", "Date", "x", ""]), min_size=width,
                           max_size=width))  # fmt: skip
    n_rows = draw(st.integers(0, 6))
    rows = [
        draw(st.lists(_CELL_TEXT, min_size=width, max_size=width))
        if draw(st.integers(0, 9))
        else draw(st.lists(_CELL_TEXT, min_size=1, max_size=width + 1))  # now and then ragged
        for _ in range(n_rows)
    ]
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    buf = io.StringIO()
    if quoting == csv.QUOTE_NONE:  # raw: whatever the cells hold, quotes and all
        for row in [header, *rows]:
            buf.write(delimiter.join(row) + ending)
    else:
        writer = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=ending)
        writer.writerows([header, *rows])
    text = buf.getvalue()
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    if draw(st.integers(0, 4)) == 0:
        text = text + ending + ending
    bom = "\ufeff" if draw(st.integers(0, 4)) == 0 else ""
    return (bom + text).encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_csv_files())
def test_generated_files_read_the_same(data: bytes) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        new, old, _ = _both(data, monkeypatch)
    _assert_same(new, old)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_read_the_same(data: bytes) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        new, old, _ = _both(data, monkeypatch)
    _assert_same(new, old)
