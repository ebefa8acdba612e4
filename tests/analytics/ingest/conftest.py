"""Fixtures of the ingest tests: a database with the Greenhouse sample loaded (``con``, the empty
database, is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.analytics.ingest.helpers import import_sample


@pytest.fixture
def gh(con):
    """The Greenhouse applications sample loaded (real data, 50 applications)."""
    import_sample(con, "greenhouse_applications.csv", "applications")
    return con
