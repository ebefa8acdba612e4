"""Cached access to the Business case analytics, keyed by the data version, filters and options.

Each accessor opens its own cursor on the process's root connection and closes it. The measured
inputs are cached; the money (assumptions x rates, bootstrap) is cheap and cached on its own key.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics.domain import Filters
from analytics.metrics import business_case as bc
from ui.data import cursor, headline


@st.cache_data(show_spinner=False, max_entries=64)
def measured(version: int, filters: Filters, as_of: dt.date) -> bc.Measured:
    # The Overview's own cached result (same key as the Overview page), so no query runs twice.
    head = headline(version, filters, as_of, None)
    cur = cursor()
    try:
        return bc.measure(cur, filters, headline=head)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=64)
def business_case(
    version: int, filters: Filters, as_of: dt.date, assumptions: bc.Assumptions
) -> bc.BusinessCase:
    return bc.business_case(measured(version, filters, as_of), assumptions)


@st.cache_data(show_spinner=False, max_entries=64)
def monthly_volume(version: int, filters: Filters, unit: str) -> float | None:
    del version
    cur = cursor()
    try:
        return bc.monthly_volume(cur, filters, unit)
    finally:
        cur.close()
