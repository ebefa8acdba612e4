"""Tabs that compute and draw only the open tab (issue 21), with the open tab in the URL.

Why: a plain ``st.tabs`` runs every tab's body on every run and sends all of it to the browser,
which draws the charts of hidden tabs too; the browser benchmark's floor showed that a page pays
for all of its tabs (the funnel's 9 charts and 9 tables for one visible tab). Streamlit 1.67's
``st.tabs(..., key=..., on_change="rerun")`` tracks the open tab and reruns the script on a
click, so only the open tab's body runs; the rest of the page is cheap on such a rerun because
every analytics result is cached by data version and filters (``ui.cache``).

The URL holds the tab's raw id (``?funnel_tab=dropoff``), not its label, for the same reason as
``ui.urlstate``: ``bind="query-params"`` would put the translated label in the link, so a link
made in Dutch would not open the tab in English. The id also carries the open tab across a
language switch (the labels change, the widget's stored label no longer matches any of them).

A widget inside a tab that is not drawn in a run loses its value (Streamlit drops the state of
widgets that do not appear). ``keep`` names the key prefixes of a hidden tab's widgets whose
values must survive a visit to another tab; widgets whose values the URL holds are seeded from
the URL and need no keeping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from ui import urlstate

# Widget value kinds that Session State may write (buttons, download buttons, file uploaders and
# chat inputs may not: writing their key raises when the widget next appears).
_WRITABLE = frozenset(
    {
        "bool_value",
        "double_value",
        "double_array_value",
        "int_value",
        "int_array_value",
        "string_value",
        "string_array_value",
    }
)


@dataclass(frozen=True)
class LazyTabs:
    """The tab bar drawn, and which tab (by id) is open."""

    key: str
    open: str
    containers: Mapping[str, object]

    def draw(self, bodies: Mapping[str, Callable[[], None]], *, always: Sequence[str] = ()) -> None:
        """Run the open tab's body inside its container, and the bodies named in ``always``
        whether open or not (a tab holding an uploaded file: a file uploader's state cannot be
        kept through a run that does not draw it, so such a tab stays eager)."""
        for tab, body in bodies.items():
            if tab == self.open or tab in always:
                with self.containers[tab]:  # type: ignore[attr-defined]
                    body()


def _writable(key: str) -> bool:
    """True when ``key`` is a value widget whose value Session State may write back.

    Reads Streamlit's widget metadata (the kind of value the widget holds); anything not known
    to be writable is left alone, so the worst case is a hidden widget reset, never an error.
    """
    try:
        from streamlit.runtime.state.session_state_proxy import get_session_state

        state = get_session_state()._state  # SafeSessionState -> SessionState
        widget_id = state._get_widget_id(key)
        meta = state._get_widget_metadata(widget_id)
    except Exception:  # noqa: BLE001 - internals moved: keep nothing rather than fail
        return False
    if meta is None or meta.value_type not in _WRITABLE:
        return False
    # st.data_editor holds a string value but may not be written either; its deserializer is a
    # method of its DataEditorSerde.
    owner = getattr(meta.deserializer, "__qualname__", "")
    return "DataEditor" not in owner


def keep_widgets(prefixes: Sequence[str]) -> None:
    """Carry the values of widgets whose keys start with one of ``prefixes`` through a run in
    which they are not drawn (Streamlit's documented idiom: re-assign the key)."""
    if not prefixes:
        return
    for key in list(st.session_state.keys()):
        name = str(key)
        if name.startswith(tuple(prefixes)) and _writable(name):
            st.session_state[name] = st.session_state[name]


def lazy_tabs(key: str, labels: Mapping[str, str], *, keep: Sequence[str] = ()) -> LazyTabs:
    """Draw the tab bar (``labels``: tab id -> label, in order) and return which tab is open.

    The first tab is the default and leaves no trace in the URL; a link with ``?{key}=<id>``
    opens that tab, and an unknown id opens the first with a note (``urlstate``).
    """
    ids = list(labels)
    names = list(labels.values())
    id_key = f"_{key}_id"
    if st.session_state.get(key) not in names:  # first run, or the language changed the labels
        wanted = st.session_state.get(id_key)
        if wanted is None:
            raw = st.query_params.get(key)
            wanted = raw if raw in labels else ids[0]
            if raw is not None and raw not in labels:
                urlstate._note(key, raw, ids[0])
        st.session_state[key] = labels[wanted if wanted in labels else ids[0]]
    keep_widgets([p for p in keep if not key.startswith(p)])
    containers = st.tabs(names, key=key, on_change="rerun")
    opened = next((i for i, c in zip(ids, containers, strict=True) if c.open), ids[0])
    st.session_state[id_key] = opened
    urlstate.write(key, None if opened == ids[0] else opened)
    return LazyTabs(key=key, open=opened, containers=dict(zip(ids, containers, strict=True)))
