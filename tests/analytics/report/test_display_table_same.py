"""``display_table`` built column by column into lists (issue 21) gives the same frame as the
cell-by-cell version it replaced, kept below as the reference: on hypothesis-drawn frames of every
column kind the app's tables hold (every table the pages show is compared in
tests/analytics/charts/test_screen_figure.py)."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.report import tables
from analytics.report.tables import display_table


def _reference(
    frame: pd.DataFrame, lang: str, *, text_columns: Collection[str] = ()
) -> pd.DataFrame:
    # display_table as it was before issue 21 (commit b658baf), verbatim
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        numeric = pd.to_numeric(values, errors="coerce")
        finite = numeric[numeric.notna()].abs()
        digits = 2 if len(finite) and float(finite.max()) < 10 else 1
        p_column = bool(tables._P_COLUMN.search(str(column)))
        text = column in text_columns
        out[column] = [
            tables._cell(v, lang, p_column=p_column, digits=digits, text=text) for v in values
        ]
    return out


def _same(frame: pd.DataFrame, lang: str, text_columns: Collection[str] = ()) -> None:
    new = display_table(frame, lang, text_columns=text_columns)
    old = _reference(frame, lang, text_columns=text_columns)
    pd.testing.assert_frame_equal(new, old, check_column_type=False)
    assert list(new.columns) == list(old.columns)
    assert all(str(new[c].dtype) == str(old[c].dtype) for c in old.columns)


_floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
_words = st.sampled_from(["", "None", "nan", "1.5", "-2.2 – 0.3", "Hire rate", "<NA>", "=1+1"])


@st.composite
def _frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 6))
    cols = {
        "Rate": pd.Series(draw(st.lists(_floats, min_size=n, max_size=n)), dtype="float64"),
        "p-value": pd.Series(draw(st.lists(_floats, min_size=n, max_size=n)), dtype="float64"),
        "n": pd.array(
            draw(st.lists(st.one_of(st.none(), st.integers(0, 10**7)), min_size=n, max_size=n)),
            dtype="Int64",
        ),
        "Label": pd.Series(
            draw(st.lists(st.one_of(st.none(), _words), min_size=n, max_size=n)), dtype="str"
        ),
        "Mixed": pd.Series(
            draw(
                st.lists(
                    st.one_of(st.none(), _floats, st.integers(-100, 100), st.booleans(), _words),
                    min_size=n,
                    max_size=n,
                )
            ),
            dtype=object,
        ),
        "Flag": pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool),
        "Count": pd.Series(
            draw(st.lists(st.integers(0, 10**6), min_size=n, max_size=n)), dtype="int64"
        ),
    }
    keep = draw(st.lists(st.sampled_from(sorted(cols)), unique=True, min_size=1))
    return pd.DataFrame({k: cols[k] for k in keep})


@settings(deadline=None, max_examples=200)  # the machine is shared: no timing in tests
@given(_frames(), st.sampled_from(["en", "nl"]), st.booleans())
def test_same_as_the_cell_by_cell_version(frame, lang, as_text):
    _same(frame, lang, text_columns=("Label", "Mixed") if as_text else ())


def test_same_on_an_index_that_is_not_a_range():
    frame = pd.DataFrame({"Rate": [0.5, np.nan], "x": ["a", None]}, index=[7, 3])
    _same(frame, "nl")
