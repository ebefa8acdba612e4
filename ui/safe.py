"""The one name pages and components use to put user text into anything Streamlit renders as
Markdown (``st.markdown``, ``st.caption``, ``st.info``/``warning``/``error``/``success``, widget,
expander and tab labels, radio options, ``st.title``): ``md(text)``.

Apply it to the user-derived parts (a value passed to ``ctx.t``, a question text, a file or
column name, an error message that quotes a value) or to a whole sentence that carries no
Markdown of its own; the reader sees exactly the characters. Not for plain-text places
(selectbox options, dataframe cells and headers, ``st.text``), where the backslashes would show.
The rules and their reasons are in ``analytics.text_safety``.
"""

from __future__ import annotations

from analytics.text_safety import markdown as md

__all__ = ["md"]
