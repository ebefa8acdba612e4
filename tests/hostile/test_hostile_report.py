"""Hostile text in the report: the HTML document, the PowerPoint deck (text and the embedded chart
workbooks) and the table downloads carry user text as text, never as markup or formulas."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pandas as pd
import plotly.graph_objects as go
from openpyxl import load_workbook

from analytics.domain import Filters
from analytics.report import tables
from analytics.report.model import ChartData, Deck, Series, Slide
from analytics.report.render import render

LINK = '<a href="http://host/p">Please sign in again</a>'
STYLED = '<b style="font-size:90px">big</b>'
FORMULA = '=HYPERLINK("http://host/x","click")'


def _deck() -> Deck:
    fig = go.Figure(go.Bar(x=[LINK, STYLED], y=[40.0, 60.0], name=STYLED))
    fig.update_layout(title=f"Question {LINK}")
    table = pd.DataFrame(
        {
            "group": [LINK, FORMULA],
            "difference (95% CI)": ["-1.4 – -0.3", "+2.0 – +3.1"],
            "n": [120, 80],
        }
    )
    chart = ChartData(
        categories=(FORMULA, "@SUM(A1:A2)"),
        series=(Series(name="-2+3", pipeline="human_first", values=(40.0, 60.0)),),
        axis_title="%",
    )
    slide = Slide(
        key="hostile",
        title=f"Question {LINK}",
        finding=f"{STYLED} answered more often",
        footnote=FORMULA,
        figure=fig,
        chart=chart,
        table=table,
    )
    return Deck(
        lang="en", slides=(slide,), demo=False, as_of=dt.date(2025, 1, 31), filters=Filters()
    )


def test_html_report_has_no_markup_from_data_and_no_formula_apostrophes() -> None:
    doc = render(_deck(), "html").decode("utf-8")
    assert LINK not in doc and STYLED not in doc
    # HTML is not a spreadsheet: the interval reads as it is, without a formula apostrophe.
    assert "-1.4 – -0.3" in doc and "'-1.4" not in doc
    # Inside the embedded figure JSON, the label is escaped for plotly's HTML subset.
    assert "&lt;a href" in doc


def _workbook_cells(pptx: bytes) -> list[tuple[str, object]]:
    cells: list[tuple[str, object]] = []
    with zipfile.ZipFile(io.BytesIO(pptx)) as deck:
        for name in deck.namelist():
            if name.endswith(".xlsx"):
                wb = load_workbook(io.BytesIO(deck.read(name)))
                for ws in wb.worksheets:
                    for row in ws.iter_rows():
                        for cell in row:
                            if cell.value is not None:
                                cells.append((cell.data_type, cell.value))
    return cells


def test_pptx_chart_workbooks_hold_no_formula() -> None:
    pptx = render(_deck(), "pptx")
    cells = _workbook_cells(pptx)
    assert cells, "the deck has an embedded chart workbook"
    assert not [c for c in cells if c[0] == "f"], cells
    texts = [str(v) for _, v in cells]
    assert not [v for v in texts if re.match(r"[=+\-@]", v)], texts
    assert "'" + FORMULA in texts


def test_pptx_text_is_literal() -> None:
    pptx = render(_deck(), "pptx")
    with zipfile.ZipFile(io.BytesIO(pptx)) as deck:
        xml = "".join(
            deck.read(n).decode("utf-8") for n in deck.namelist() if n.startswith("ppt/slides/")
        )
    # python-pptx writes text as XML text: the tags are escaped characters, no hyperlink part.
    assert "&lt;a href=" in xml and "hlinkClick" not in xml


def test_deck_table_downloads_are_formula_escaped() -> None:
    deck = _deck()
    book = load_workbook(io.BytesIO(tables.tables_excel(deck)))
    values = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "'" + FORMULA in values and FORMULA not in values
    with zipfile.ZipFile(io.BytesIO(tables.tables_csv_zip(deck))) as zf:
        text = zf.read("hostile.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
