"""What every page receives from the router: language, filters and the loaded data's facts.

``app.py`` builds one ``PageContext`` per script run (after drawing the shared sidebar) and the
page reads it with ``page_context()``; pages never read widgets of the sidebar themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analytics.domain import DatasetInfo, Filters
from analytics.i18n import t

_KEY = "_page_context"


@dataclass(frozen=True)
class PageContext:
    lang: str
    filters: Filters
    info: DatasetInfo

    @property
    def version(self) -> int:
        return self.info.data_version

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)


def set_page_context(ctx: PageContext) -> None:
    st.session_state[_KEY] = ctx


def page_context() -> PageContext:
    ctx = st.session_state.get(_KEY)
    if ctx is None:
        # A page opened without the router (only in tests of a single page): stop politely.
        st.error("Open the app through app.py.")
        st.stop()
    return ctx
