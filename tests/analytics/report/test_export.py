from __future__ import annotations

import io

import pandas as pd

from analytics.report.export import escape_formula, to_csv_bytes


def test_formulas_are_escaped_numbers_are_not():
    frame = pd.DataFrame(
        {"name": ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "plain"], "diff": [-1.5, 2, 3, 4, 5]}
    )
    out = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig")
    assert out["name"].tolist() == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)", "plain"]
    assert out["diff"].tolist() == [-1.5, 2, 3, 4, 5]
    assert escape_formula(3) == 3


def test_excel_workbook_escapes_every_sheet_and_keeps_numbers():
    from openpyxl import load_workbook

    from analytics.report.export import to_excel_workbook

    tables = {
        "about": pd.DataFrame({"item": ["=cmd|' /C calc'!A0"], "value": ["@x"]}),
        "offers/acceptance:[1]": pd.DataFrame({"=bad": ["\tTAB", "ok"], "diff": [-3.5, 2.0]}),
        "x" * 40: pd.DataFrame({"a": [1]}),
    }
    book = load_workbook(io.BytesIO(to_excel_workbook(tables)))
    assert book.sheetnames == ["about", "offers_acceptance__1_", "x" * 31]
    about = book["about"]
    assert about["A2"].value == "'=cmd|' /C calc'!A0"
    assert about["B2"].value == "'@x"
    sheet = book["offers_acceptance__1_"]
    assert sheet["A1"].value == "'=bad"
    assert sheet["A2"].value == "'\tTAB"
    assert sheet["B2"].value == -3.5  # a negative number stays a number
    assert sheet["A2"].data_type == "s" and sheet["B2"].data_type == "n"


def test_duplicate_sheet_names_get_a_suffix():
    from openpyxl import load_workbook

    from analytics.report.export import to_excel_workbook

    frame = pd.DataFrame({"a": [1]})
    book = load_workbook(io.BytesIO(to_excel_workbook({"A" * 35: frame, "A" * 36: frame})))
    assert book.sheetnames == ["A" * 31, "A" * 27 + " (2)"]


def test_csv_zip_has_one_escaped_csv_per_table():
    import zipfile

    from analytics.report.export import to_csv_zip

    tables = {"funnel": pd.DataFrame({"stage": ["+SUM(1)"]}), "../evil name": pd.DataFrame()}
    with zipfile.ZipFile(io.BytesIO(to_csv_zip(tables))) as zf:
        assert sorted(zf.namelist()) == ["evil_name.csv", "funnel.csv"]
        out = pd.read_csv(io.BytesIO(zf.read("funnel.csv")), encoding="utf-8-sig")
    assert out.stage.tolist() == ["'+SUM(1)"]


def test_small_groups_are_dropped_not_blanked():
    from analytics.report.export import suppress_small

    frame = pd.DataFrame({"group": ["a", "b", "c", "d"], "n": [4, 5, None, 120]})
    out = suppress_small(frame, ["n", "not there"], 5)
    assert out.group.tolist() == ["b", "c", "d"]
