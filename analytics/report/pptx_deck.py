"""The findings as a 16:9 PowerPoint deck (python-pptx), for the meeting where they are shown.

Every slide has a title placeholder (PowerPoint's outline, "Reuse slides" and screen readers
read it): the finding in about a dozen words, with the numbers and intervals in a subtitle
(``titles.split_title``) and the full sentence in the speaker notes. Chart text is at least
14 pt so it reads on a projector.

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
from analytics.report.titles import split_title

# Default template layouts: 0 "Title Slide" (title + subtitle), 5 "Title Only".
_COVER_LAYOUT = 0
_TITLE_ONLY_LAYOUT = 5
# Chart text on a projector: 14 pt is the smallest size that reads from the back of a room.
_CHART_PT = 14

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


def _answer_box(slide: Any, deck: Deck, top: float) -> None:
    """The Overview's answer strip on the cover, the first slide the room sees: the strip's title,
    then one line per question with the question in bold (the same lines as the page)."""
    from pptx.util import Inches, Pt

    lines = deck.answers()
    box = slide.shapes.add_textbox(Inches(0.8), Inches(top), Inches(11.7), Inches(2.6))
    frame = box.text_frame
    frame.word_wrap = True
    head = frame.paragraphs[0].add_run()
    head.text = t("answer.title", deck.lang)
    head.font.size, head.font.bold = Pt(18), True
    head.font.color.rgb = _rgb("#1D1D1F")
    for line in lines:
        para = frame.add_paragraph()
        para.space_before = Pt(6)
        for text, bold in ((f"{line.label}: ", True), (line.answer, False)):
            run = para.add_run()
            run.text = text
            run.font.size, run.font.bold = Pt(16), bold
            run.font.color.rgb = _rgb("#1D1D1F")


def _title(slide: Any, text: str, top: float, *, size: int = 28) -> None:
    """The slide's title placeholder, left-aligned across the slide, holding ``text``."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    title = slide.shapes.title
    title.left, title.top, title.width, title.height = (
        Inches(0.5),
        Inches(top),
        Inches(12.3),
        Inches(0.8 if size <= 28 else 1.4),
    )
    frame = title.text_frame
    frame.word_wrap = True
    frame.text = text
    para = frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    for run in para.runs:
        run.font.size = Pt(size)
        run.font.bold = True
        run.font.color.rgb = _rgb("#1D1D1F")


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
    c.legend.font.size = Pt(_CHART_PT)
    c.value_axis.has_title = True
    c.value_axis.axis_title.text_frame.text = chart.axis_title
    c.value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(_CHART_PT)
    if chart.unit in ("%", "score"):
        c.value_axis.minimum_scale = 0
        c.value_axis.maximum_scale = 100
    c.value_axis.tick_labels.font.size = Pt(_CHART_PT)
    c.category_axis.tick_labels.font.size = Pt(_CHART_PT)
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
    plot.data_labels.font.size = Pt(_CHART_PT)
    for j, (ps, series) in enumerate(zip(plot.series, chart.series, strict=True)):
        _paint_series(ps, series, j)


def _finding_slide(prs: Any, slide: Slide, number: int, deck: Deck) -> None:
    """Title, native chart, finding with the intervals in words, footnote, page number, notes."""
    lang = deck.lang
    s = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
    short, numbers = split_title(slide.title)
    if slide.key == "survey" and slide.finding:
        # the survey slide names its question (the finding says which one)
        numbers = f"{slide.finding} {numbers}".strip()
    _title(s, short, 0.3)
    if numbers:
        _text(s, 0.5, 1.05, 12.3, 0.5, numbers, 16, color="#444444")
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
    _text(s, 8.4, 1.6, 4.5, 4.5, body, 14)
    note = slide.footnote
    if deck.demo:
        note = t("finding.demo_note", lang) + " " + note
    _text(s, 0.5, 6.25, 12.3, 1.1, note, 10, color="#555555")
    _text(s, 12.3, 7.05, 0.9, 0.35, f"{number}", 10, color="#888888")
    # the speaker notes carry the full sentence the title was cut from
    s.notes_slide.notes_text_frame.text = f"{slide.title}\n\n{slide.finding}\n\n{slide.footnote}"


def to_pptx(deck: Deck) -> bytes:
    """A 16:9 deck: a title slide, one slide per finding (native chart, finding, footnote)."""
    from pptx import Presentation
    from pptx.util import Inches

    lang = deck.lang
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)

    cover = prs.slides.add_slide(prs.slide_layouts[_COVER_LAYOUT])
    answers = deck.answers()
    # With an answer strip the cover is the answer first: title higher, the strip beneath it.
    _title(cover, deck.title(), 0.5 if answers else 2.0, size=36)
    subtitle = cover.placeholders[1]
    subtitle.left, subtitle.top = Inches(0.8), Inches(1.9 if answers else 3.6)
    subtitle.width, subtitle.height = Inches(11.7), Inches(0.9 if answers else 1.2)
    subtitle.text_frame.text = deck.subtitle()
    if answers:
        _answer_box(cover, deck, 3.0)
    _text(cover, 0.8, 6.2 if answers else 5.0, 11.7, 1.0, t("report.counter", lang), 14,
          color="#555555")  # fmt: skip
    strip = "\n".join(a.plain for a in answers)
    notes = [deck.subtitle(), strip, t("report.counter", lang)]
    cover.notes_slide.notes_text_frame.text = "\n\n".join(n for n in notes if n)

    # The cover is page 1, so the i-th finding is on page i + 1.
    for i, slide in enumerate(deck.slides, start=1):
        _finding_slide(prs, slide, i + 1, deck)

    sources = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
    _title(sources, t("report.sources", lang), 0.3)
    lines = [f"{bm.source} ({bm.year}): {bm.url}" for bm in benchmarks.BENCHMARKS.values()]
    lines.append("")
    lines.append(t("report.counter", lang))
    if deck.skipped:
        lines.append(deck.skipped_text())
    _text(sources, 0.5, 1.3, 12.3, 5.5, "\n".join(lines), 14)
    sources.notes_slide.notes_text_frame.text = "\n".join(lines)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
