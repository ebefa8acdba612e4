"""User text is data, never markup: one escaping rule per renderer, applied where text enters it.

Text that comes from an upload (group values, survey question texts, answer categories, column
and file names) reaches four renderers, each with its own markup:

- Streamlit's Markdown (``st.markdown``, ``st.caption``, ``st.info``, widget labels, expander and
  tab labels, radio options): CommonMark + GFM (links, images, autolinked URLs and e-mail
  addresses) plus Streamlit's own directives (``:red[...]``, ``:material/icon:``, ``$math$``).
  ``markdown`` backslash-escapes every ASCII punctuation character, which CommonMark allows for
  all of them (spec 0.31, section 2.4 "Backslash escapes"), so no link, image, emphasis,
  directive, autolink (``http\\://``, ``www\\.``, ``a\\@b``) or formula can start; line breaks
  become spaces (a blank line would start a new block: a heading, a list, a table).
- plotly's HTML subset (titles, labels, legend, hover, annotations: ``<a href>``, ``<b style>``,
  ``<span style>``, ``<br>``, ``<sup>``): ``plotly_text`` escapes ``&``, ``<`` and ``>``, which
  plotly.js decodes back to characters for display (``svg_text_utils.convertEntities``).
  ``safe_figure`` in ``analytics.charts`` applies it to every string of a figure at once.
- HTML (the report): ``html.escape`` (no formula escaping there: a cell shows what it holds).
- Spreadsheets (CSV, Excel, the deck's chart workbooks): ``analytics.report.export`` prefixes
  text cells that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import re
import string

# Every ASCII punctuation character may be backslash-escaped in CommonMark (spec section 2.4);
# escaping all of them is simpler to trust than a list of the ones that matter today.
_MD_SPECIAL = frozenset(string.punctuation)
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
# GFM's literal autolinks (``www.host``, ``a@b.nl``, ``http://host.nl``) are found in the text
# AFTER backslash escapes are resolved (mdast-util-gfm-autolink-literal runs a find-and-replace
# over text nodes, seen in the browser with Streamlit 1.67), so escaping cannot stop them. An
# invisible WORD JOINER (U+2060, not a word character) before every ".", "@" and ":" breaks the
# patterns without changing what a reader sees.
_WORD_JOINER = "\u2060"
_AUTOLINK_BREAK = frozenset(".@:")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def markdown(text: object) -> str:
    """``text`` made literal for any Streamlit call that renders Markdown.

    The result shows exactly the characters of ``text`` (line breaks as spaces, control
    characters removed), never a link, image, emphasis, heading, list, colour or icon."""
    if text is None:
        return ""
    s = _CONTROL.sub("", _LINE_BREAKS.sub(" ", str(text)))
    # Leading spaces (4 or more) would start an indented code block; they carry no meaning here.
    s = s.strip()
    out = []
    for ch in s:
        if ch in _AUTOLINK_BREAK:
            out.append(_WORD_JOINER)
        out.append("\\" + ch if ch in _MD_SPECIAL else ch)
    return "".join(out)


def plotly_text(text: str) -> str:
    """``text`` made literal in plotly's HTML subset (titles, labels, hover, annotations)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# The only markup our own figure code writes: line breaks (``charts.wrap``) and, in hover
# templates, ``<extra></extra>`` (which hides the trace name box). A ``<br>`` from the data stays
# a line break, which carries no link, image or style.
_ALLOWED_BACK = (("&lt;br&gt;", "<br>"),)
_TEMPLATE_BACK = (("&lt;extra&gt;", "<extra>"), ("&lt;/extra&gt;", "</extra>"))


def plotly_markup(text: str, *, template: bool = False) -> str:
    """Escape a figure string but keep the line breaks (and ``<extra>`` in hover templates)
    that the chart code itself writes."""
    out = plotly_text(text)
    for escaped, tag in _ALLOWED_BACK + (_TEMPLATE_BACK if template else ()):
        out = out.replace(escaped, tag)
    return out


_ESCAPED = re.compile(r"\\([" + re.escape(string.punctuation) + r"])")


def as_read(text: object) -> str:
    """What a reader sees of Markdown written by ``markdown``: the escapes and word joiners
    removed. For checks that compare rendered sentences with their source (tests, exports)."""
    return _ESCAPED.sub(r"\1", str(text)).replace(_WORD_JOINER, "")
