"""The cheap parts of a sync: the no-op fingerprint and the URL rules (no server needed)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.ingest import sync
from analytics.ingest.sync.run import _fingerprint


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_fingerprint_ignores_row_order(rnd) -> None:
    frame = pd.DataFrame({"a": ["x", "y", None, "z"], "b": [1.0, None, 3.0, 4.0]})
    shuffled = frame.sample(frac=1, random_state=rnd.randrange(1000)).reset_index(drop=True)
    assert _fingerprint("s", {"t": frame}) == _fingerprint("s", {"t": shuffled})
    changed = frame.copy()
    changed.loc[0, "a"] = "w"
    assert _fingerprint("s", {"t": changed}) != _fingerprint("s", {"t": frame})


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://analyst:s3cret@warehouse:5432/ats",
        "postgresql://analyst@warehouse/ats?password=s3cret",
        "host=warehouse dbname=ats password=s3cret",
    ],
)
def test_a_password_in_the_url_is_refused(url: str) -> None:
    with pytest.raises(sync.SyncError) as e:
        sync.check_url(url)
    assert e.value.code == "password_in_url"
    assert "s3cret" not in e.value.text("en") and "s3cret" not in e.value.text("nl")


def test_the_label_names_no_user_or_password() -> None:
    label = sync.safe_label("postgresql://analyst:s3cret@warehouse:6543/ats")
    assert label == "postgresql://warehouse:6543/ats"
    sync.check_url("postgresql://analyst@warehouse/ats")  # no password: accepted
