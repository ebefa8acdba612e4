from __future__ import annotations

import io

import pandas as pd

from analytics.export import escape_formula, to_csv_bytes


def test_formulas_are_escaped_numbers_are_not():
    frame = pd.DataFrame(
        {"name": ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "plain"], "diff": [-1.5, 2, 3, 4, 5]}
    )
    out = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig")
    assert out["name"].tolist() == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)", "plain"]
    assert out["diff"].tolist() == [-1.5, 2, 3, 4, 5]
    assert escape_formula(3) == 3
