"""Tables on screen and in the HTML report: one number format per language, no None/NaN."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.i18n import MISSING
from analytics.report.tables import display_table, interval_cell, value_cell


def test_counts_rates_p_values_and_missing_in_both_languages():
    frame = pd.DataFrame(
        {
            "Metric": ["Applications", "Hire rate", None],
            "Human-first": [8102.0, 3.66, np.nan],
            "n": pd.array([8102, 1750, None], dtype="Int64"),
            "95% CI": [None, "-2.2 – 0.3", "-11.6 – -7.6"],
            "p-value": [np.nan, 1.1972594834460934e-87, 0.0432],
            "Impact ratio": [0.834, 1.0, 0.912],
        }
    )
    en = display_table(frame, "en")
    nl = display_table(frame, "nl")
    assert en["Human-first"].tolist() == ["8,102", "3.7", MISSING]
    assert nl["Human-first"].tolist() == ["8.102", "3,7", MISSING]
    assert nl["n"].tolist() == ["8.102", "1.750", MISSING]
    assert en["p-value"].tolist() == [MISSING, "< 0.001", "0.043"]
    assert nl["p-value"].tolist() == [MISSING, "< 0,001", "0,043"]
    assert nl["95% CI"].tolist() == [MISSING, "-2,2 – 0,3", "-11,6 – -7,6"]
    assert en["95% CI"].tolist() == [MISSING, "-2.2 – 0.3", "-11.6 – -7.6"]
    assert nl["Impact ratio"].tolist() == ["0,83", "1", "0,91"]
    assert nl["Metric"].tolist() == ["Applications", "Hire rate", MISSING]


@settings(deadline=None)  # the machine is shared: no timing in tests
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-(10**9), 10**9),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["en", "nl"]),
)
def test_no_none_nan_or_spreadsheet_apostrophe_ever_shows(values, lang):
    out = display_table(pd.DataFrame({"x": pd.Series(values, dtype=object)}), lang)
    for cell in out["x"]:
        assert isinstance(cell, str) and cell
        assert cell not in ("None", "nan", "NaN", "inf", "<NA>") and not cell.startswith("'")
    for value, cell in zip(values, out["x"], strict=True):
        missing = value is None or (isinstance(value, float) and not math.isfinite(value))
        assert (cell == MISSING) == missing


def test_flags_read_as_words_and_user_text_stays_as_written():
    frame = pd.DataFrame(
        {
            "Clear": [True, np.bool_(False)],
            "Answer": ["None", "1.5"],  # real survey answers (PITFALLS.md), not missing values
            "Share": [0.5, 1.25],
        }
    )
    nl = display_table(frame, "nl", text_columns=("Answer",))
    assert list(nl["Clear"]) == ["ja", "nee"]
    assert list(nl["Answer"]) == ["None", "1.5"]
    assert list(nl["Share"]) == ["0,50", "1,25"]
    assert list(display_table(frame, "en")["Clear"]) == ["yes", "no"]


def test_empty_parts_make_one_dash():
    assert interval_cell(MISSING, MISSING) == MISSING
    assert interval_cell("-2,2", "0,3") == "-2,2 – 0,3"
    assert value_cell(MISSING, "n = —") == MISSING
    assert value_cell("37,5", "n = 8") == "37,5 (n = 8)"
    assert value_cell("0,513", MISSING) == "0,513"
