"""The findings as a 16:9 PowerPoint deck (python-pptx), for the meeting where they are shown.

One slide per finding with a NATIVE chart (``CategoryChartData``), so the numbers stay editable
in PowerPoint; the 95% intervals are drawn as custom error bars (written into the chart XML, which
python-pptx has no API for) and repeated in the text. python-pptx is imported inside the
functions: only writing a deck needs it, not the app's pages.
"""

from __future__ import annotations

import io
from typing import Any

from analytics.charts import pipeline_color
from analytics.i18n import fmt_num, t
from analytics.report import benchmarks
from analytics.report.export import escape_formula
from analytics.report.model import ChartData, Deck, Series, Slide

# Series that are not a pipeline (a survey's total, touchpoints, money) get Okabe-Ito colours
# that no pipeline uses, so a colour always means the same pipeline.
NEUTRAL_COLORS = ("#999999", "#CC79A7", "#56B4E9", "#009E73")


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


def _style_axes(c: Any, chart: ChartData) -> None:
    """Legend below, titled value axis (0-100 for shares and scores), readable tick labels."""
    from pptx.enum.chart import XL_LEGEND_POSITION
    from pptx.util import Pt

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


def _paint_series(ps: Any, series: Series, j: int) -> None:
    """One series' colour (its pipeline's, else a neutral one) and its interval as error bars."""
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


def _native_chart(s: Any, chart: ChartData) -> None:
    """The slide's chart as an editable PowerPoint bar chart with the same numbers."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches, Pt

    # The chart's numbers live in an embedded workbook that python-pptx writes with xlsxwriter,
    # which stores a string starting with "=" as a formula: category and series names (group
    # values, question texts) are formula-escaped like every other download.
    data = CategoryChartData(number_format="0.0")
    data.categories = [escape_formula(str(c)) for c in chart.categories]
    for series in chart.series:
        data.add_series(escape_formula(str(series.name)), list(series.values))
    kind = XL_CHART_TYPE.BAR_CLUSTERED if chart.horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    frame = s.shapes.add_chart(kind, Inches(0.5), Inches(1.5), Inches(7.6), Inches(4.6), data)
    c = frame.chart
    _style_axes(c, chart)
    plot = c.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "#,##0" if chart.unit == "eur" else "0.0"
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(10)
    for j, (ps, series) in enumerate(zip(plot.series, chart.series, strict=True)):
        _paint_series(ps, series, j)


def _finding_slide(prs: Any, slide: Slide, number: int, deck: Deck) -> None:
    """Title, native chart, finding with the intervals in words, footnote, page number, notes."""
    lang = deck.lang
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _text(s, 0.5, 0.3, 12.3, 1.2, slide.title, 22, bold=True)
    chart = slide.chart
    if chart is not None and chart.series:
        _native_chart(s, chart)
    else:  # nothing to draw in this view: say so where the chart would be
        _text(s, 0.5, 3.2, 7.6, 1.2, t("chart.empty", lang), 16, color="#555555")
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
    _text(s, 12.3, 7.05, 0.9, 0.35, f"{number}", 9, color="#888888")
    s.notes_slide.notes_text_frame.text = f"{slide.title}\n\n{slide.finding}\n\n{slide.footnote}"


def to_pptx(deck: Deck) -> bytes:
    """A 16:9 deck: a title slide, one slide per finding (native chart, finding, footnote)."""
    from pptx import Presentation
    from pptx.util import Inches

    lang = deck.lang
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]

    cover = prs.slides.add_slide(blank)
    _text(cover, 0.8, 2.3, 11.7, 1.5, deck.title(), 36, bold=True)
    _text(cover, 0.8, 3.9, 11.7, 1.0, deck.subtitle(), 18)
    _text(cover, 0.8, 5.0, 11.7, 1.5, t("report.counter", lang), 12, color="#555555")

    # The cover is page 1, so the i-th finding is on page i + 1.
    for i, slide in enumerate(deck.slides, start=1):
        _finding_slide(prs, slide, i + 1, deck)

    sources = prs.slides.add_slide(blank)
    _text(sources, 0.5, 0.3, 12.3, 0.8, t("report.sources", lang), 22, bold=True)
    lines = [f"{bm.source} ({bm.year}): {bm.url}" for bm in benchmarks.BENCHMARKS.values()]
    lines.append("")
    lines.append(t("report.counter", lang))
    if deck.skipped:
        lines.append(deck.skipped_text())
    _text(sources, 0.5, 1.3, 12.3, 5.5, "\n".join(lines), 13)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
