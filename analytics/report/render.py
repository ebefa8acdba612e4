"""One entry point for every deck format, so callers (the app's download buttons, the
``report`` command) name a format instead of knowing a renderer."""

from __future__ import annotations

from analytics.report.html_doc import to_html
from analytics.report.model import Deck
from analytics.report.pptx_deck import to_pptx

FORMATS = ("html", "pptx")


def render(deck: Deck, fmt: str) -> bytes:
    if fmt == "html":
        return to_html(deck).encode("utf-8")
    if fmt == "pptx":
        return to_pptx(deck)
    raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
