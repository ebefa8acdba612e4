"""What a reader of a page sees, for assertions on AppTest runs.

User text reaches Streamlit's Markdown escaped (``ui.safe.md``: backslashes and invisible word
joiners); AppTest hands back that Markdown source. ``texts`` and ``shown`` undo the escaping, so
tests compare what is read on screen, in one place instead of one copy per test module.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from analytics.text_safety import as_read

KINDS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "info",
    "warning",
    "success",
    "error",
)


def shown(element: object) -> str:
    """One element's text as read on screen."""
    return as_read(getattr(element, "value", element))


def texts(at: AppTest, kinds: tuple[str, ...] = KINDS) -> str:
    """Every text element of the run, as read on screen, one per line."""
    return "\n".join(shown(e) for kind in kinds for e in getattr(at, kind))
