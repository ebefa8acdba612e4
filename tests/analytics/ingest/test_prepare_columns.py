"""The column helpers ``prepare`` uses at a million rows (issue 21) give what the plain code gave:
the keyed hash per value (RFC 2104 HMAC-SHA-256 from the standard library, not the batch code)
and the values at a few positions."""

from __future__ import annotations

import hashlib
import hmac
import sys

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import analytics.ingest.prepare  # noqa: F401 - the module (``ingest.prepare`` is the function)
from analytics import store
from analytics.store.idkey import HASH_CHARS

prepare_module = sys.modules["analytics.ingest.prepare"]
KEY = store.IdKey(b"a test key of thirty-two bytes!!", "test")


def _plain(value: str | None, *, lower: bool) -> str | None:
    if value is None or pd.isna(value):
        return None
    text = value.strip().lower() if lower else value.strip()
    return hmac.new(KEY.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()[:HASH_CHARS]


_VALUES = st.lists(
    st.one_of(st.none(), st.sampled_from(["C1", " C1 ", "c1", "x@Y.nl", "Zoë", ""]), st.text()),
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(values=_VALUES, lower=st.booleans())
def test_hashed_is_the_hmac_of_every_value(values: list[str | None], lower: bool) -> None:
    series = pd.Series(values, dtype="str")  # how read text arrives: Arrow-backed, NaN missing
    got = prepare_module._hashed(series, KEY, lower=lower)
    frame = pd.DataFrame({"n": range(len(values))})
    frame["candidate_id"] = got  # as prepare stores it
    expected = [_plain(v, lower=lower) for v in series.tolist()]
    assert [None if pd.isna(v) else v for v in frame["candidate_id"].tolist()] == expected
    old = pd.DataFrame({"n": range(len(values))})
    old["candidate_id"] = np.array(expected, dtype=object)  # the column before issue 21
    pd.testing.assert_frame_equal(frame, old)


def test_hashed_all_missing_stays_an_object_column_of_none() -> None:
    got = prepare_module._hashed(pd.Series([None, None], dtype="str"), KEY, lower=False)
    assert got.dtype == object and list(got) == [None, None]


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.text(max_size=3)), min_size=1, max_size=20),
    data=st.data(),
)
def test_at_is_to_numpy_at_the_positions(values: list[str | None], data: st.DataObject) -> None:
    series = pd.Series(values, dtype="str")
    idx = np.array(data.draw(st.lists(st.integers(0, len(values) - 1), max_size=5)), dtype=np.int64)
    got = prepare_module._at(series, idx)
    want = series.to_numpy()[idx]
    assert [None if pd.isna(v) else v for v in got] == [None if pd.isna(v) else v for v in want]
