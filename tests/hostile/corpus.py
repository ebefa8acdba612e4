"""The hostile-input corpus, generated in memory (nothing large is committed).

Every item is ``name -> (filename, bytes)``; ``ats`` items are applications files for
``analytics.ingest``, ``survey`` items survey exports for ``analytics.survey_ingest``. Some items
are awkward but valid (decimal comma, cp1252, UTF-16): they must load with the right values; the
rest must be refused with a message that names the file, and leave the database unchanged.
"""

from __future__ import annotations

import io
import struct
import zlib

import pandas as pd

INJECTION = 'x"; DROP TABLE applications; --'
QUOTE_INJECTION = "' OR 1=1 --"

ATS_HEADER = "Application ID,Applied On,Pipeline,Status,Source"
ATS_ROWS = [
    "H-1,2025-01-06,human_first,hired,referral",
    "H-2,2025-01-07,automation_first,rejected,job board",
    "H-3,2025-01-08,human_first,withdrawn,referral",
]


def _ats(rows: list[str] = ATS_ROWS, header: str = ATS_HEADER, sep: str = ",") -> str:
    return "\n".join([header.replace(",", sep), *(r.replace(",", sep) for r in rows)]) + "\n"


def png_bytes() -> bytes:
    """A real 1x1 PNG (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def merged_header_xlsx(rows: list[list[str]]) -> bytes:
    """An Excel file whose first row is a merged title cell above the real header."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Export of applications"] + [""] * (len(rows[0]) - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


BIG_FIELD = 10 * 1024 * 1024  # the "10 MB single field"


def ats_corpus() -> dict[str, tuple[str, bytes]]:
    """Applications files. See ``ATS_EXPECT`` for what each must do."""
    big = "9" * BIG_FIELD
    return {
        "semicolon": ("semi.csv", _ats(sep=";").encode()),
        "tab": ("tab.csv", _ats(sep="\t").encode()),
        "latin1": (
            "latin1.csv",
            _ats([*ATS_ROWS[:2], "H-3,2025-01-08,human_first,withdrawn,café"]).encode("latin-1"),
        ),
        "cp1252": (
            "cp1252.csv",
            _ats([*ATS_ROWS[:2], "H-3,2025-01-08,human_first,withdrawn,€ fair"]).encode("cp1252"),
        ),
        "utf16": ("utf16.csv", _ats().encode("utf-16")),
        "ragged": ("ragged.csv", _ats([*ATS_ROWS, "H-4,2025-01-09"]).encode()),
        "duplicate_header": (
            "dup.csv",
            _ats(header="Application ID,Applied On,Pipeline,Status,Status").encode(),
        ),
        "empty_header": (
            "emptyhead.csv",
            _ats(header="Application ID,Applied On,Pipeline,Status,").encode(),
        ),
        "empty": ("empty.csv", b""),
        "whitespace_only": ("blank.csv", b"\n \n\t\n"),
        "header_only": ("header.csv", (ATS_HEADER + "\n").encode()),
        "big_field": ("big.csv", (_ats() + f'H-4,2025-01-09,human_first,hired,"{big}"\n').encode()),
        "big_unquoted_field": (
            "bigu.csv",
            (ATS_HEADER + "\n" + f"H-4,2025-01-09,human_first,hired,{big}\n").encode(),
        ),
        "nul_bytes": ("nul.csv", _ats().encode().replace(b"referral", b"ref\x00erral")),
        "formula_cells": (
            "formula.csv",
            _ats(
                [
                    'H-1,2025-01-06,human_first,hired,=HYPERLINK("http://x")',
                    "H-2,2025-01-07,automation_first,rejected,+31 6 1234",
                    "H-3,2025-01-08,human_first,withdrawn,-2+3",
                    "H-4,2025-01-09,human_first,open,@SUM(A1)",
                ]
            ).encode(),
        ),
        "sql_values": (
            "sqlv.csv",
            _ats(
                [
                    f'H-1,2025-01-06,human_first,hired,"{INJECTION.replace(chr(34), chr(34) * 2)}"',
                    f"H-2,2025-01-07,automation_first,rejected,{QUOTE_INJECTION}",
                ]
            ).encode(),
        ),
        "sql_column_names": (
            "sqlc.csv",
            _ats(
                header=f'{ATS_HEADER},"{INJECTION.replace(chr(34), chr(34) * 2)}"',
                rows=[r + ",1" for r in ATS_ROWS],
            ).encode(),
        ),
        "sql_application_id": (
            "sqlid.csv",
            _ats([f"{QUOTE_INJECTION},2025-01-06,human_first,hired,x"]).encode(),
        ),
        "mixed_dates": (
            "mixed.csv",
            _ats(
                [
                    "H-1,2025-01-06,human_first,hired,a",
                    "H-2,07/01/2025,automation_first,rejected,a",
                    "H-3,Jan 8 2025,human_first,withdrawn,a",
                    "H-4,13.01.2025,human_first,open,a",
                ]
            ).encode(),
        ),
        # dd-mm or mm-dd cannot be told apart: the import asks (the app offers the choice)
        "ambiguous_dates": ("ambiguous.csv", _ats(["H-1,06-01-2025,human_first,hired,x"]).encode()),
        "merged_header_xlsx": (
            "merged.xlsx",
            merged_header_xlsx([ATS_HEADER.split(","), *(r.split(",") for r in ATS_ROWS)]),
        ),
        "png_as_csv": ("picture.csv", png_bytes()),
        "png_as_xlsx": ("picture.xlsx", png_bytes()),
        "zip_bomb_like_xlsx": ("fake.xlsx", b"PK\x03\x04" + b"\x00" * 200),
    }


SURVEY_HEADER = ["Respondent", "Proces", "The process was fair", "Comments"]
SURVEY_ROWS = [
    ["r1", "human_first", "Agree", "ok"],
    ["r2", "automation_first", "Disagree", "slow"],
    ["r3", "human_first", "Strongly agree", "nice"],
    ["r4", "automation_first", "Neutral", "fine"],
    ["r5", "human_first", "Agree", "great"],
]


def _survey(rows=None, header=None, sep=",") -> str:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(header or SURVEY_HEADER)
    w.writerows(SURVEY_ROWS if rows is None else rows)
    return buf.getvalue()


def survey_corpus() -> dict[str, tuple[str, bytes]]:
    big = "9" * BIG_FIELD
    formula_rows = [r[:] for r in SURVEY_ROWS]
    for i, v in enumerate(["=1+1", "+31 6", "-2", "@SUM(A1)", "\t=cmd"]):
        formula_rows[i][3] = v
    sql_rows = [r[:] for r in SURVEY_ROWS]
    sql_rows[0][3] = INJECTION
    sql_rows[1][3] = QUOTE_INJECTION
    nl_rows = [r[:] for r in SURVEY_ROWS]
    nl_rows[0][3] = "3,5 € café"
    return {
        "semicolon": ("semi.csv", _survey(sep=";").encode()),
        "latin1": (
            "latin1.csv",
            _survey(nl_rows[:1] + SURVEY_ROWS[1:]).replace("€ ", "").encode("latin-1"),
        ),
        "cp1252": ("cp1252.csv", _survey(nl_rows, sep=";").encode("cp1252")),
        "utf16": ("utf16.csv", _survey().encode("utf-16")),
        "ragged": ("ragged.csv", (_survey() + "r6,human_first\n").encode()),
        "duplicate_header": (
            "dup.csv",
            _survey(header=["Respondent", "Proces", "Q", "Q"]).encode(),
        ),
        "empty_header": (
            "emptyhead.csv",
            _survey(header=["Respondent", "Proces", "", "Comments"]).encode(),
        ),
        "empty": ("empty.csv", b""),
        "whitespace_only": ("blank.csv", b"\n \n\t\n"),
        "header_only": ("header.csv", _survey(rows=[]).encode()),
        "big_field": ("big.csv", (_survey() + f'r6,human_first,Agree,"{big}"\n').encode()),
        "nul_bytes": ("nul.csv", _survey().encode().replace(b"slow", b"sl\x00ow")),
        "formula_cells": ("formula.csv", _survey(formula_rows).encode()),
        "sql_values": ("sqlv.csv", _survey(sql_rows).encode()),
        "sql_column_names": ("sqlc.csv", _survey(header=[*SURVEY_HEADER[:3], INJECTION]).encode()),
        "mixed_dates": (
            "mixed.csv",
            _survey(
                [
                    [*r[:3], d]
                    for r, d in zip(
                        SURVEY_ROWS,
                        ["2025-01-06", "07/01/2025", "Jan 8 2025", "13.01.2025", "x"],
                        strict=True,
                    )
                ]
            ).encode(),
        ),
        "merged_header_xlsx": ("merged.xlsx", merged_header_xlsx([SURVEY_HEADER, *SURVEY_ROWS])),
        "png_as_csv": ("picture.csv", png_bytes()),
        "png_as_xlsx": ("picture.xlsx", png_bytes()),
        "png_as_sav": ("picture.sav", png_bytes()),
        "unclosed_quote": (
            "quote.csv",
            (_survey() + 'r6,human_first,Agree,"never closed\n').encode(),
        ),
    }


def frame_of(data: bytes) -> pd.DataFrame:  # pragma: no cover - debugging aid
    return pd.read_csv(io.BytesIO(data))
