"""Reports that leave the app: a self-contained HTML report and a PowerPoint deck.

Both are built from the same slides as the presenter page (``analytics.slides``), so every number
in a deck can be traced to a page of the app. ``python -m analytics report`` writes them from the
command line (for a scheduled weekly report).

- HTML: plotly's JavaScript is embedded once (``include_plotlyjs=True`` for the first chart,
  ``False`` after), so the file opens offline with interactive charts.
- PPTX (python-pptx): one slide per finding with a NATIVE chart (``CategoryChartData``), so the
  numbers stay editable in PowerPoint; the 95% intervals are drawn as custom error bars (written
  into the chart XML, which python-pptx has no API for) and repeated in the text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from analytics import store
from analytics.charts import pipeline_color
from analytics.domain import PRIVACY_THRESHOLD, AivshiError, Filters
from analytics.i18n import fmt_num, t
from analytics.report import benchmarks, export
from analytics.report.slides import Deck, Slide, build_deck

FORMATS = ("html", "pptx")
# Series that are not a pipeline (a survey's total, touchpoints, money) get Okabe-Ito colours
# that no pipeline uses, so a colour always means the same pipeline.
NEUTRAL_COLORS = ("#999999", "#CC79A7", "#56B4E9", "#009E73")
_COUNT_COLUMNS = ("n", "n Human-first", "n Automation-first")


# ---------------------------------------------------------------------------------------------
# Tables (CSV / Excel)
# ---------------------------------------------------------------------------------------------


def deck_tables(deck: Deck) -> dict[str, pd.DataFrame]:
    """Every slide's table plus an "about" table (title, data as of, filters, demo, sources).

    Tables come from the analytics' own table functions, which already blank groups below the
    privacy threshold; rows whose count column is below it are dropped as well."""
    lang = deck.lang
    about = [
        (t("report.title", lang), deck.subtitle()),
        ("filters", _filters_line(deck)),
    ]
    if deck.demo:
        about.append(("demo", t("finding.demo_note", lang)))
    for bm in benchmarks.BENCHMARKS.values():
        about.append((t("report.sources", lang), f"{bm.source} ({bm.year}), {bm.url}"))
    tables = {"about": pd.DataFrame(about, columns=["item", "value"])}
    for slide in deck.slides:
        if slide.table is None:
            continue
        counts = [c for c in slide.table.columns if str(c) == "n" or str(c).startswith("n ")]
        counts += [c for c in slide.table.columns if str(c) in _COUNT_COLUMNS]
        counts += [t("report.col.applicants", lang)]
        tables[slide.key] = export.suppress_small(slide.table, counts, PRIVACY_THRESHOLD)
    return tables


def _filters_line(deck: Deck) -> str:
    from analytics.report.slides import filters_text

    return filters_text(deck.filters, deck.lang)


def tables_excel(deck: Deck) -> bytes:
    return export.to_excel_workbook(deck_tables(deck))


def tables_csv_zip(deck: Deck) -> bytes:
    return export.to_csv_zip(deck_tables(deck))


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:1100px;
margin:2rem auto;padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.9rem;margin-bottom:.2rem} h2{font-size:1.35rem;margin-top:2.5rem}
.demo{background:#fff4d6;border:1px solid #e0b100;padding:.5rem .8rem;border-radius:6px}
.finding{font-size:1.1rem} .footnote{color:#555;font-size:.85rem}
table{border-collapse:collapse;font-size:.8rem;margin:.5rem 0} td,th{border:1px solid #ccc;
padding:2px 6px;text-align:left} details{margin:.5rem 0} section{page-break-inside:avoid}
"""


def to_html(deck: Deck) -> str:
    """The report as one self-contained HTML document (plotly.js embedded once, no network)."""
    lang = deck.lang
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{esc(deck.title())}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(deck.title())}</h1>",
        f"<p>{esc(t('report.subtitle', lang, as_of=_as_of(deck)))}</p>",
    ]
    if deck.demo:
        parts.append(f'<p class="demo">{esc(t("finding.demo_note", lang))}</p>')
    first = True
    for i, slide in enumerate(deck.slides, start=1):
        fig_html = slide.figure.to_html(
            full_html=False,
            include_plotlyjs=first,
            div_id=f"slide-{i}",
            config={"responsive": True},
        )
        first = False
        parts.append(f'<section id="{esc(slide.key)}">')
        parts.append(f"<h2>{i}. {esc(slide.title)}</h2>")
        parts.append(fig_html)
        if slide.finding:
            parts.append(f'<p class="finding">{esc(slide.finding)}</p>')
        parts.append(f'<p class="footnote">{esc(slide.footnote)}</p>')
        if slide.table is not None and not slide.table.empty:
            table = export.escape_frame(slide.table).to_html(index=False, na_rep="", escape=True)
            parts.append(f"<details><summary>{esc(t('report.table', lang))}</summary>{table}")
            parts.append("</details>")
        parts.append("</section>")
    parts.append(f"<h2>{esc(t('report.sources', lang))}</h2><ul>")
    for bm in benchmarks.BENCHMARKS.values():
        value = f" {bm.value:.0%}" if bm.value is not None else ""
        parts.append(
            f"<li>{esc(bm.source)} ({bm.year}){esc(value)}: <code>{esc(bm.url)}</code></li>"
        )
    parts.append(f"</ul><p>{esc(t('report.counter', lang))}</p>")
    if deck.skipped:
        parts.append(f'<p class="footnote">{esc(_skipped(deck))}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def _as_of(deck: Deck) -> str:
    from analytics.i18n import fmt_date

    return fmt_date(deck.as_of, deck.lang)


def _skipped(deck: Deck) -> str:
    kinds = ", ".join(t(f"report.kind.{k}", deck.lang) for k in deck.skipped)
    return t("report.skipped", deck.lang, kinds=kinds)


# ---------------------------------------------------------------------------------------------
# PowerPoint
# ---------------------------------------------------------------------------------------------


def _rgb(hex_color: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color.lstrip("#")[:6].upper())


def _text(slide: Any, left: float, top: float, width: float, height: float, text: str, size: int,
          *, bold: bool = False, color: str = "#1D1D1F") -> None:  # fmt: skip
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    run = para.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(color)


def _error_bars(series_xml: Any, plus: list[float], minus: list[float]) -> None:
    """Custom error bars (the 95% interval) on one bar series, as DrawingML ``c:errBars``.

    Schema order in ``c:ser`` of a bar chart: ... dLbls, trendline, errBars, cat, val ...
    (ECMA-376 Part 1, CT_BarSer), so the element goes right before ``c:cat``."""
    from lxml import etree
    from pptx.oxml.ns import qn

    def lit(tag: str, values: list[float]) -> Any:
        el = etree.SubElement(err, qn(tag))
        num = etree.SubElement(el, qn("c:numLit"))
        etree.SubElement(num, qn("c:formatCode")).text = "General"
        etree.SubElement(num, qn("c:ptCount")).set("val", str(len(values)))
        for i, v in enumerate(values):
            pt = etree.SubElement(num, qn("c:pt"))
            pt.set("idx", str(i))
            etree.SubElement(pt, qn("c:v")).text = repr(float(v))
        return el

    err = etree.Element(qn("c:errBars"))
    etree.SubElement(err, qn("c:errBarType")).set("val", "both")
    etree.SubElement(err, qn("c:errValType")).set("val", "cust")
    etree.SubElement(err, qn("c:noEndCap")).set("val", "0")
    lit("c:plus", plus)
    lit("c:minus", minus)
    cat = series_xml.find(qn("c:cat"))
    if cat is not None:
        cat.addprevious(err)
    else:
        series_xml.append(err)


def _interval_lines(slide: Slide, lang: str) -> str:
    """The chart's values with their 95% intervals, as text (they are in the chart as error
    bars too, but text survives any editing of the chart)."""
    chart = slide.chart
    if chart is None:
        return ""
    unit = "%" if chart.unit == "%" else ""
    lines = []
    for s in chart.series:
        cells = []
        for cat, v, lo, hi in zip(
            chart.categories,
            s.values,
            s.low or (None,) * len(s.values),
            s.high or (None,) * len(s.values),
            strict=True,
        ):
            if v is None:
                continue
            cell = f"{cat} {fmt_num(v, lang, 1)}{unit}"
            if lo is not None and hi is not None:
                cell += f" ({fmt_num(lo, lang, 1)}–{fmt_num(hi, lang, 1)})"
            cells.append(cell)
        if cells:
            lines.append(f"{s.name}: " + "; ".join(cells))
    return "\n".join(lines)


def to_pptx(deck: Deck) -> bytes:
    """A 16:9 deck: a title slide, one slide per finding (native chart, finding, footnote)."""
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    lang = deck.lang
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]

    cover = prs.slides.add_slide(blank)
    _text(cover, 0.8, 2.3, 11.7, 1.5, deck.title(), 36, bold=True)
    _text(cover, 0.8, 3.9, 11.7, 1.0, deck.subtitle(), 18)
    _text(cover, 0.8, 5.0, 11.7, 1.5, t("report.counter", lang), 12, color="#555555")

    for i, slide in enumerate(deck.slides, start=1):
        s = prs.slides.add_slide(blank)
        _text(s, 0.5, 0.3, 12.3, 1.2, slide.title, 22, bold=True)
        chart = slide.chart
        if chart is not None and chart.series:
            data = CategoryChartData(number_format="0.0")
            data.categories = list(chart.categories)
            for series in chart.series:
                data.add_series(series.name, list(series.values))
            kind = (
                XL_CHART_TYPE.BAR_CLUSTERED if chart.horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
            )
            frame = s.shapes.add_chart(
                kind, Inches(0.5), Inches(1.5), Inches(7.6), Inches(4.6), data
            )
            c = frame.chart
            c.has_legend = True
            c.legend.position = XL_LEGEND_POSITION.BOTTOM
            c.legend.include_in_layout = False
            c.legend.font.size = Pt(12)
            c.value_axis.has_title = True
            c.value_axis.axis_title.text_frame.text = chart.axis_title
            c.value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(11)
            if chart.unit in ("%", "score"):
                c.value_axis.minimum_scale = 0
                c.value_axis.maximum_scale = 100
            c.value_axis.tick_labels.font.size = Pt(11)
            c.category_axis.tick_labels.font.size = Pt(11)
            if chart.horizontal:
                c.category_axis.reverse_order = True
            plot = c.plots[0]
            plot.has_data_labels = True
            plot.data_labels.number_format = "#,##0" if chart.unit == "eur" else "0.0"
            plot.data_labels.number_format_is_linked = False
            plot.data_labels.font.size = Pt(10)
            for j, (ps, series) in enumerate(zip(plot.series, chart.series, strict=True)):
                fill = ps.format.fill
                fill.solid()
                color = (
                    pipeline_color(series.pipeline, j)
                    if series.pipeline
                    else NEUTRAL_COLORS[j % len(NEUTRAL_COLORS)]
                )
                fill.fore_color.rgb = _rgb(color)
                if series.low and series.high:
                    plus = [
                        (h - v) if v is not None and h is not None else 0.0
                        for v, h in zip(series.values, series.high, strict=True)
                    ]
                    minus = [
                        (v - lo) if v is not None and lo is not None else 0.0
                        for v, lo in zip(series.values, series.low, strict=True)
                    ]
                    _error_bars(ps._element, plus, minus)
        body = slide.finding
        intervals = _interval_lines(slide, lang)
        if intervals:
            body = f"{body}\n\n{t('report.interval_label', lang)}\n{intervals}".strip()
        if chart is not None and chart.reference is not None:
            ref_label, _ = chart.reference
            body += "\n\n" + ref_label
        _text(s, 8.4, 1.5, 4.5, 4.6, body, 13)
        note = slide.footnote
        if deck.demo:
            note = t("finding.demo_note", lang) + " " + note
        _text(s, 0.5, 6.25, 12.3, 1.1, note, 9, color="#555555")
        _text(s, 12.3, 7.05, 0.9, 0.35, f"{i + 1}", 9, color="#888888")
        s.notes_slide.notes_text_frame.text = (
            f"{slide.title}\n\n{slide.finding}\n\n{slide.footnote}"
        )

    sources = prs.slides.add_slide(blank)
    _text(sources, 0.5, 0.3, 12.3, 0.8, t("report.sources", lang), 22, bold=True)
    lines = [f"{bm.source} ({bm.year}): {bm.url}" for bm in benchmarks.BENCHMARKS.values()]
    lines.append("")
    lines.append(t("report.counter", lang))
    if deck.skipped:
        lines.append(_skipped(deck))
    _text(sources, 0.5, 1.3, 12.3, 5.5, "\n".join(lines), 13)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def render(deck: Deck, fmt: str) -> bytes:
    if fmt == "html":
        return to_html(deck).encode("utf-8")
    if fmt == "pptx":
        return to_pptx(deck)
    raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def add_parser(sub: Any) -> None:
    p = sub.add_parser("report", help="write the findings as an HTML report or a PowerPoint deck")
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument("--out", required=True, help="the file to write")
    p.add_argument("--lang", choices=("en", "nl"), default="en")
    p.add_argument("--db", help="database file (default: $AIVSHI_DB or data/aivshi.duckdb)")
    p.add_argument("--from", dest="date_from", help="first application date (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="last application date (YYYY-MM-DD)")
    p.add_argument(
        "--adjust-by",
        choices=("role_family", "seniority", "region", "source"),
        help="adjust the headline rates for this dimension (Mantel-Haenszel)",
    )
    for dim in ("role-family", "seniority", "region", "source"):
        p.add_argument(f"--{dim}", action="append", default=[], help="repeat for several values")


class ReportError(AivshiError):
    """A problem the user can fix; the message says what, where and what to do."""


def _date(value: str | None, option: str, lang: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ReportError(t("report.error.date", lang, option=option, value=value)) from None


def filters_from_args(args: argparse.Namespace) -> Filters:
    lang = args.lang
    return Filters(
        date_from=_date(args.date_from, "--from", lang),
        date_to=_date(args.date_to, "--to", lang),
        role_family=tuple(args.role_family),
        seniority=tuple(args.seniority),
        region=tuple(args.region),
        source=tuple(args.source),
    )


def cli(args: argparse.Namespace) -> int:
    """``python -m analytics report``. Exit codes: 0 written, 1 nothing to report (no data in
    the filters), 2 bad input (date, database), 3 the output file could not be written."""
    lang = args.lang
    try:
        filters = filters_from_args(args)
    except ReportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    path = Path(args.db) if args.db else store.db_path_from_env()
    if not path.exists():
        detail = "the file does not exist"
        print(f"error: {t('report.error.db', lang, path=path, detail=detail)}", file=sys.stderr)
        return 2
    try:
        con = store.connect(path, read_only=True)
    except store.StoreError as e:
        detail = str(e.__cause__ or e)[:200]
        print(f"error: {t('report.error.db', lang, path=path, detail=detail)}", file=sys.stderr)
        return 2
    try:
        cur = con.cursor()
        deck = build_deck(cur, filters, lang, adjust_by=args.adjust_by)
        cur.close()
    finally:
        con.close()
    if not deck.slides:
        print(f"error: {t('report.error.empty', lang)}", file=sys.stderr)
        return 1
    payload = render(deck, args.format)
    out = Path(args.out)
    try:
        out.write_bytes(payload)
    except OSError as e:
        detail = e.strerror or str(e)
        print(f"error: {t('report.error.out', lang, path=out, detail=detail)}", file=sys.stderr)
        return 3
    print(t("report.written", lang, path=out, n=len(deck.slides), format=args.format))
    return 0
