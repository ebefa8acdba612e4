"""The browser benchmark's floor: a bare Streamlit page with no analytics.

``streamlit run analytics/bench/floor_app.py`` and open ``/?charts=4&metrics=3&tables=2&tabs=6``:
it draws a title, that many metrics, plotly charts and tables (spread over that many tabs, as the
measured page had them) from constant data. Whatever the measured page takes beyond this is the
app's own cost (queries, statistics, figure building, extra elements), not Streamlit's or the
browser's, so the benchmark reports each page as a ratio to this floor measured in the same run.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

MAX_ELEMENTS = 50  # a bound on the query parameters: the floor is a benchmark tool, not a toy


def _count(name: str) -> int:
    try:
        return max(0, min(MAX_ELEMENTS, int(st.query_params.get(name, "0"))))
    except ValueError:
        return 0


def _figure(i: int) -> go.Figure:
    # Two traces of six bars: the shape of a typical app chart (one trace per pipeline).
    stages = ["applied", "screen", "interview", "final", "offer", "hired"]
    fig = go.Figure()
    for p, name in enumerate(("human_first", "automation_first")):
        fig.add_bar(x=stages, y=[100 - 15 * k - 3 * p - i for k in range(6)], name=name)
    fig.update_layout(title=f"Chart {i + 1}", height=380, barmode="group")
    return fig


TABLE = pd.DataFrame(
    {
        "stage": ["applied", "screen", "interview", "final", "offer", "hired"],
        "human_first": [1000, 700, 420, 250, 120, 100],
        "automation_first": [1000, 640, 400, 260, 130, 105],
        "difference": ["0.0", "-6.0", "-2.0", "1.0", "1.0", "0.5"],
    }
)

st.set_page_config(page_title="bench floor", layout="wide")
st.title("Benchmark floor")
charts, metrics, tables, tabs = (_count(n) for n in ("charts", "metrics", "tables", "tabs"))

if metrics:
    for i, col in enumerate(st.columns(min(metrics, 4))):
        with col:
            for j in range(i, metrics, min(metrics, 4)):
                st.metric(f"Metric {j + 1}", f"{50 + j}%", delta=f"{j - 1} pp")

containers = st.tabs([f"Tab {i + 1}" for i in range(tabs)]) if tabs else [st.container()]
for i in range(charts):
    with containers[i % len(containers)]:
        st.plotly_chart(_figure(i), theme="streamlit", key=f"floor_chart_{i}")
for i in range(tables):
    with containers[i % len(containers)]:
        st.dataframe(TABLE, hide_index=True, key=f"floor_table_{i}")
