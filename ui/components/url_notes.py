"""What a shared link asked for that could not be used, said on the page (issue 19).

``ui.urlstate`` notes every URL parameter it could not use while seeding the sidebar and page
widgets (dates outside the data, values the data do not have, unknown options); the router shows
the notes once, above the page. An unknown page path gets a not-found message with a link home
instead of the Overview in silence.
"""

from __future__ import annotations

import datetime as dt
import re

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from analytics.domain import DIMENSIONS
from analytics.i18n import fmt_date, t
from ui import urlstate


def _name(key: str, lang: str) -> str:
    if key in DIMENSIONS:
        return t(f"dim.{key}", lang).lower()
    if key == "dates":
        return t("filters.dates", lang).lower()
    return key


def _plain(text: str, limit: int = 40) -> str:
    """The link's own text, reduced to characters that mean nothing in Markdown (it is user
    input: no formatting, links or icons can come through), and shortened."""
    kept = re.sub(r"[^0-9A-Za-z\u00c0-\u024f ,.\-]", "", text)
    return kept[:limit] + ("…" if len(kept) > limit else "") or "…"


def _dates(text: str, lang: str) -> str:
    start, _, end = text.partition("..")
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        return _plain(text)
    return f"{fmt_date(first, lang)} – {fmt_date(last, lang)}"


def show(lang: str, where: DeltaGenerator | None = None) -> None:
    """One info box (in ``where``, default the page) listing what the link asked for and what
    is shown instead."""
    notes = urlstate.take_notes()
    if not notes:
        return
    lines = []
    for key, (given, used) in notes.items():
        if key == "dates":
            lines.append(t("url.note.dates", lang, given=_plain(given), used=_dates(used, lang)))
        elif key in DIMENSIONS:
            lines.append(t("url.note.values", lang, name=_name(key, lang), given=_plain(given)))
        else:
            name, shown = _plain(key), _plain(used) if used else "—"
            lines.append(t("url.note.choice", lang, name=name, given=_plain(given), used=shown))
    (where or st).info("\n".join(f"- {line}" for line in lines), icon=":material/link:")


def page_not_found(pages: dict[str, list[st.Page]]) -> bool:
    """True when the URL's path names no page of the app."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return False
    manager = ctx.pages_manager
    known = {p.url_path for section in pages.values() for p in section}
    return urlstate.unknown_page(
        manager.intended_page_name, manager.intended_page_script_hash, known
    )
