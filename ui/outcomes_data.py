"""Cached access to the Offers and Quality-of-hire analytics, keyed by the data version, the
filters and the options.

Each accessor opens its own cursor on the process's root connection (``ui.data.cursor()``) and
closes it, so concurrent script runs never share a DuckDB connection. Results are small frames.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics import store
from analytics.domain import Filters
from analytics.metrics import change, offers, quality
from analytics.metrics.common import Adjustment
from ui.data import cursor


@st.cache_data(show_spinner=False, max_entries=128)
def acceptance(version: int, filters: Filters) -> offers.Acceptance:
    del version  # the cache key
    cur = cursor()
    try:
        return offers.acceptance(cur, filters)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def acceptance_adjusted(version: int, filters: Filters, by: str) -> Adjustment | None:
    del version
    cur = cursor()
    try:
        return offers.acceptance_adjusted(cur, filters, by)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def decline_reasons(version: int, filters: Filters) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return offers.decline_reasons(cur, filters)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def decision_times(version: int, filters: Filters) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return offers.decision_times(cur, filters)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def acceptance_by_comp_ratio(version: int, filters: Filters) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return offers.acceptance_by_comp_ratio(cur, filters)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def acceptance_by_competing(version: int, filters: Filters) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return offers.acceptance_by_competing(cur, filters)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def human_premium(version: int, filters: Filters) -> offers.Premium | None:
    del version
    cur = cursor()
    try:
        return offers.human_premium(cur, filters)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def quality_result(
    version: int, filters: Filters, as_of: dt.date, ramp_target: int
) -> quality.QualityResult:
    del version
    cur = cursor()
    try:
        return quality.quality(cur, filters, as_of, ramp_target=ramp_target)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def rating_counts(version: int, filters: Filters, as_of: dt.date) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return quality.rating_counts(cur, filters, as_of)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def retention(version: int, filters: Filters, as_of: dt.date) -> quality.Retention:
    del version
    cur = cursor()
    try:
        return quality.retention(cur, filters, as_of)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=64)
def process_change(version: int, filters: Filters, as_of: dt.date) -> change.ChangeResult | None:
    del version
    cur = cursor()
    try:
        setting = store.get_meta(cur).get("process_change")
        return change.process_change(cur, filters, as_of, setting)
    finally:
        cur.close()
