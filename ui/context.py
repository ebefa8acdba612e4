"""What every page receives from the router: language, filters and the loaded data's facts.

``app.py`` builds one ``PageContext`` per script run (after drawing the shared sidebar) and the
page reads it with ``page_context()``; pages never read widgets of the sidebar themselves.

The filters a page reads pass the differencing rule (``analytics.metrics.disclosure``): a page that
reads ``ctx.filters`` for a withheld selection gets a plain message instead and stops. The rule is
applied here, where every page gets its view, so editing the URL cannot bypass it; a page that
reads no filters (the Data page) is never withheld.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from analytics.domain import PRIVACY_THRESHOLD, DatasetInfo, Filters
from analytics.i18n import t
from analytics.metrics import disclosure
from ui import cache

_KEY = "_page_context"

_view_check = cache.cached(disclosure.view_check)


@dataclass(frozen=True, init=False)
class PageContext:
    lang: str
    requested_filters: Filters
    info: DatasetInfo
    _checked: list = field(default_factory=list, compare=False, repr=False)
    _notes: set = field(default_factory=set, compare=False, repr=False)

    def __init__(self, lang: str, filters: Filters, info: DatasetInfo) -> None:
        object.__setattr__(self, "lang", lang)
        object.__setattr__(self, "requested_filters", filters)
        object.__setattr__(self, "info", info)
        object.__setattr__(self, "_checked", [])
        object.__setattr__(self, "_notes", set())

    @property
    def version(self) -> int:
        return self.info.data_version

    @property
    def filters(self) -> Filters:
        """The selected filters, once the differencing rule allows the view; otherwise says why
        and stops the page."""
        if not self._checked and not self.requested_filters.is_default():
            check = _view_check(self.version, self.requested_filters)
            if not check.shown:
                withhold(check, self.lang)
            self._checked.append(True)
        return self.requested_filters

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def first_note(self, text: str) -> bool:
        """True the first time this run shows the footnote ``text`` (line breaks and spacing
        aside), also when an earlier note held it whole: a page's charts share one cohort
        footnote, which a reader sees once (issue 20)."""
        plain = " ".join(text.replace("<br>", " ").split())
        if any(plain in seen for seen in self._notes):
            return False
        self._notes.add(plain)
        return True


def withheld_message(check: disclosure.ViewCheck, lang: str) -> str:
    """Why a view is withheld, in plain words (no count of anyone in it)."""

    def names(axes: tuple[str, ...]) -> str:
        return ", ".join(
            t("privacy.axis.month" if a == disclosure.MONTH else f"dim.{a}", lang).lower()
            for a in axes
        )

    text = t(
        f"privacy.withheld.{check.reason}",
        lang,
        k=PRIVACY_THRESHOLD,
        axes=names(check.axes),
    )
    if check.reason == "combination":
        free = names(check.combinable) if check.combinable else t("privacy.axis.none", lang)
        text += " " + t("privacy.withheld.combinable", lang, axes=free)
    return text


def withhold(check: disclosure.ViewCheck, lang: str) -> None:
    st.warning(withheld_message(check, lang), icon=":material/visibility_off:")
    st.stop()


def set_page_context(ctx: PageContext) -> None:
    st.session_state[_KEY] = ctx


def page_context() -> PageContext:
    ctx = st.session_state.get(_KEY)
    if ctx is None:
        # A page opened without the router (only in tests of a single page): stop politely.
        st.error("Open the app through app.py.")
        st.stop()
    return ctx
