"""Charts with nothing to draw: recognise them, and say so in words instead of drawing axes.

Why: a figure whose traces hold no number (every rate suppressed or not identified, a view
without hires) renders as plotly's bare default axes (-1..4 on x, -1..4 on y): a reader sees an
empty chart and no reason. The pages, slides and exports ask ``has_points`` and show a sentence
instead (issue 19).
"""

from __future__ import annotations

import base64
import math
from numbers import Number

import numpy as np
import plotly.graph_objects as go

# Trace attributes that hold values (categories are text, so a bar chart of only missing values
# has categories but no numbers).
_VALUE_ATTRS = ("x", "y", "z", "values", "r", "lat", "value")


def _is_number(v: object) -> bool:
    return isinstance(v, Number) and not isinstance(v, bool) and math.isfinite(float(v))  # type: ignore[arg-type]


def _typed_array(values: object) -> object:
    """Numbers stored as plotly's typed-array spec (``{"dtype": "f8", "bdata": <base64>}``) as a
    numpy array. A figure that went through pickle (``st.cache_data`` pickles every cached
    result, the presenter's deck included) or JSON holds its numpy arrays in this form, and its
    keys are text: read as a list they looked like categories, and a full chart was taken for
    an empty one ("nothing to draw" on every presenter slide)."""
    if isinstance(values, dict) and "bdata" in values and "dtype" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
    return values


def has_points(fig: go.Figure) -> bool:
    """True when at least one trace holds at least one finite number to draw."""
    for trace in fig.data:
        for attr in _VALUE_ATTRS:
            values = _typed_array(getattr(trace, attr, None) if attr in trace else None)
            if values is None:
                continue
            if _is_number(values):
                return True
            try:
                items = list(values)
            except TypeError:
                continue
            if any(_is_number(v) for v in items):
                return True
    return False


def mark_empty(fig: go.Figure, message: str) -> go.Figure:
    """A copy of ``fig`` without traces or axes, with ``message`` in the middle of the plot area
    (title and footnote annotations are kept)."""
    out = go.Figure(fig)
    out.data = ()
    out.update_xaxes(visible=False)
    out.update_yaxes(visible=False)
    out.update_layout(showlegend=False)
    out.add_annotation(
        text=message,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 15},
    )
    return out
