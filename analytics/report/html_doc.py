"""The report as one self-contained HTML document, for a reader without the app.

plotly's JavaScript is embedded once (``include_plotlyjs=True`` for the first chart, ``False``
after), so the file opens offline with interactive charts. Every text is escaped: slide titles
and tables carry user data (survey question texts, group labels), HTML-escaped here and, inside
the charts, escaped for plotly's HTML subset (``charts.safe_figure``).
"""

from __future__ import annotations

import html

from analytics.charts import safe_figure
from analytics.i18n import fmt_date, t
from analytics.report import benchmarks
from analytics.report.model import Deck, Slide
from analytics.report.tables import display_table
from analytics.report.titles import split_title

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:1100px;
margin:2rem auto;padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.9rem;margin-bottom:.2rem} h2{font-size:1.35rem;margin-top:2.5rem}
.demo{background:#fff4d6;border:1px solid #e0b100;padding:.5rem .8rem;border-radius:6px}
.subtitle{color:#444;margin-top:-.4rem} .finding{font-size:1.1rem}
.footnote{color:#555;font-size:.85rem}
table{border-collapse:collapse;font-size:.8rem;margin:.5rem 0} td,th{border:1px solid #ccc;
padding:2px 6px;text-align:left} details{margin:.5rem 0} section{page-break-inside:avoid}
.answers{border:1px solid #ccc;border-radius:6px;padding:.4rem 1rem;font-size:1.1rem}
.answers ul{margin:.3rem 0;padding-left:1.2rem}
"""


def _answers(deck: Deck) -> list[str]:
    """The Overview's answer strip, first thing after the title (the same lines as the page)."""
    lines = deck.answers()
    if not lines:
        return []
    esc = html.escape
    items = "".join(f"<li><strong>{esc(a.label)}</strong>: {esc(a.answer)}</li>" for a in lines)
    title = esc(t("answer.title", deck.lang))
    return [f'<div class="answers"><p><strong>{title}</strong></p><ul>{items}</ul></div>']


def _section(slide: Slide, i: int, lang: str, *, include_plotlyjs: bool) -> list[str]:
    esc = html.escape
    fig_html = safe_figure(slide.figure).to_html(
        full_html=False,
        include_plotlyjs=include_plotlyjs,
        div_id=f"slide-{i}",
        config={"responsive": True},
    )
    # a short title (the finding), the numbers beneath it: the sentence is whole across the two
    short, numbers = split_title(slide.title)
    parts = [f'<section id="{esc(slide.key)}">', f"<h2>{i}. {esc(short)}</h2>"]
    if numbers:
        parts.append(f'<p class="subtitle">{esc(numbers)}</p>')
    parts.append(fig_html)
    if slide.finding:
        parts.append(f'<p class="finding">{esc(slide.finding)}</p>')
    parts.append(f'<p class="footnote">{esc(slide.footnote)}</p>')
    if slide.table is not None and not slide.table.empty:
        # HTML-escaped only: spreadsheet formula escaping belongs to CSV/Excel, here it would
        # show "'-1.4 – -0.3" for an interval. Numbers in the reader's language, counts whole.
        table = display_table(slide.table, lang).to_html(index=False, escape=True)
        parts.append(f"<details><summary>{esc(t('report.table', lang))}</summary>{table}")
        parts.append("</details>")
    parts.append("</section>")
    return parts


def to_html(deck: Deck) -> str:
    """The report as one self-contained HTML document (plotly.js embedded once, no network)."""
    lang = deck.lang
    esc = html.escape
    as_of = fmt_date(deck.as_of, lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{esc(deck.title())}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(deck.title())}</h1>",
        f"<p>{esc(t('report.subtitle', lang, as_of=as_of))}</p>",
    ]
    if deck.demo:
        parts.append(f'<p class="demo">{esc(t("finding.demo_note", lang))}</p>')
    parts += _answers(deck)
    for i, slide in enumerate(deck.slides, start=1):
        parts += _section(slide, i, lang, include_plotlyjs=i == 1)
    parts.append(f"<h2>{esc(t('report.sources', lang))}</h2><ul>")
    for bm in benchmarks.BENCHMARKS.values():
        value = f" {bm.value:.0%}" if bm.value is not None else ""
        parts.append(
            f"<li>{esc(bm.source)} ({bm.year}){esc(value)}: <code>{esc(bm.url)}</code></li>"
        )
    parts.append(f"</ul><p>{esc(t('report.counter', lang))}</p>")
    if deck.skipped:
        parts.append(f'<p class="footnote">{esc(deck.skipped_text())}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)
