"""Language switches reach every widget at once.

Streamlit's select widgets (selectbox, multiselect, segmented control, pills, radio) send the
*displayed label* of the chosen option back from the browser, and with a user ``key`` the widget
keeps its identity when its labels change (streamlit 1.67 ``key_as_main_identity``). After a
language switch the browser therefore keeps showing the old language's chips ("Engineering",
"Role family") until a reload, and the next click sends an English label that no Dutch option
matches, so the choice is silently lost. Writing each value back through the Session State API
in the switch's ``on_change`` callback marks it as set by the app: Streamlit then sends the value
formatted with the new language to the browser (``set_value`` in the widget proto).
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException


def _is_choice(value: object) -> bool:
    # Choices in this app are raw option strings (or lists of them); buttons, uploads and
    # editors hold other types and cannot be written back, so they are left alone.
    if isinstance(value, str):
        return True
    if not isinstance(value, list | tuple) or not value:
        return False
    return all(isinstance(v, str) for v in value)


def relabel_widgets(skip: str | None = None) -> None:
    """Write every choice widget's value back so the browser shows it in the new language.

    Runs as an ``on_change`` callback: there the values are still read with the labels the
    browser sent (the previous language), so they map back to the right raw options.
    """
    for key in list(st.session_state.keys()):
        if key == skip:
            continue
        try:
            value = st.session_state[key]
            if _is_choice(value):
                st.session_state[key] = list(value) if isinstance(value, tuple) else value
        except (StreamlitAPIException, KeyError):
            # A widget whose value Streamlit does not allow to be set (or that vanished) keeps
            # its state; it has no language-dependent labels to refresh.
            continue
