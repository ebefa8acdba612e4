"""Every table a Dutch reader sees, on every page, is in the reader's number format (issue 20):
no decimal point, no raw float or scientific p-value, no ``None``/``nan``/``True`` and no bare
number that Streamlit would print in its own (English) format. Adjusted and not, and with
"everything measured" on the Overview. Editable tables (the survey weighting targets a person
types in) are inputs, not read: they are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.report import causal_slide as cs

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"

pytestmark = [pytest.mark.usefixtures("fresh_app"), pytest.mark.slow]

PAGES = ("overview", "funnel", "offers", "quality", "business_case", "fairness", "survey")

# "40.0", "0.22", "0.1234" (a dot then 1-2 or 4+ digits); "1.801" is a Dutch thousand
_DECIMAL_POINT = re.compile(r"\d\.(?:\d{1,2}|\d{4,})(?!\d)")
_SCIENTIFIC = re.compile(r"\d[eE][-+]?\d")
_EMPTY_PARTS = re.compile(r"— [(–]|\(n = —\)")  # "— (n = —)", "— – —": one dash says it
_NOT_WORDS = re.compile(r"(?<!\w)(?:None|nan|NaN|<NA>|NaT|True|False)(?!\w)")


def bad_cells(frame) -> list[tuple[str, object]]:
    """(column, cell) pairs a Dutch reader should never see."""
    found = []
    for column in frame.columns:
        for cell in frame[column]:
            if not isinstance(cell, str):
                found.append((str(column), cell))  # Streamlit would format it itself
            elif any(
                p.search(cell) for p in (_DECIMAL_POINT, _SCIENTIFIC, _NOT_WORDS, _EMPTY_PARTS)
            ):
                found.append((str(column), cell))
    return found


def test_the_check_catches_what_it_should():
    import pandas as pd

    ok = pd.DataFrame({"a": ["1.801", "3,7", "< 0,001", "—", "-2,2 – 0,3", "ja"]})
    assert bad_cells(ok) == []
    bad = ("40.0", "0.22", "1.1972594834460934e-87", "None", "nan", "True", "0.1234", "— (n = —)")
    for cell in bad + ("— – —",):
        assert bad_cells(pd.DataFrame({"a": [cell]})), cell
    assert bad_cells(pd.DataFrame({"a": [0.5]}))


def _run(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.query_params["lang"] = "nl"
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
    assert not at.exception
    return at


def _check(at: AppTest) -> None:
    shown = [d for d in at.dataframe if d.editing_mode == "read_only"]
    assert shown, "the page shows at least one table"
    problems = {i: bad for i, d in enumerate(shown) if (bad := bad_cells(d.value))}
    assert not problems, problems


@pytest.mark.parametrize("adjust", [None, "role_family"])
@pytest.mark.parametrize("page", PAGES)
def test_dutch_tables_are_in_dutch_number_format(page, adjust):
    _check(_run(page, {"adjust": adjust} if adjust else {}))


def test_dutch_everything_measured_table(fresh_app):  # noqa: ARG001 - the fixture sets the app up
    _check(_run("overview", {"adjust": cs.EVERYTHING}))
