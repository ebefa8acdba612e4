"""Reaching every tab of a page whose tabs run lazily (``ui.components.lazy_tabs``, issue 21).

Only the open tab's content is in an AppTest run, as in the browser. AppTest 1.67 has no click
for a tab, so a test opens one the way the widget itself does: the tab bar's key in Session State
holds the open tab's label, set before a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from streamlit.testing.v1 import AppTest

from tests.pages.reading import texts


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open the tab with ``label`` in the tab bar ``key`` and run."""
    at.session_state[key] = label
    return at.run()


def tab_labels(at: AppTest) -> list[str]:
    """The labels of the tabs drawn in the main area's first tab bar (hidden tabs included)."""
    return [t.label for t in at.tabs]


@dataclass
class Seen:
    """What a reader sees over all tabs of a page: texts, download buttons, errors."""

    text: str = ""
    downloads: int = 0
    exceptions: list[str] = field(default_factory=list)


def every_tab(at: AppTest, key: str, labels: list[str]) -> Seen:
    """Open each tab in turn and gather what it shows; leaves the first tab open."""
    seen = Seen()
    parts = []
    for label in labels:
        open_tab(at, key, label)
        parts.append(texts(at))
        seen.downloads += len(at.get("download_button"))
        seen.exceptions += [str(e.value) for e in at.exception]
    open_tab(at, key, labels[0])
    seen.text = "\n".join(parts)
    return seen
