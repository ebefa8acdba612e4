"""Cached access to the funnel analytics, keyed by the data version, the filters and the options.

Each accessor opens its own cursor on the process's root connection (``ui.data.cursor()``) and
closes it, so concurrent script runs never share a DuckDB connection. Results are small frames.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics.domain import Filters
from analytics.metrics import funnel
from ui.data import cursor


@st.cache_data(show_spinner=False, max_entries=128)
def funnel_result(
    version: int, filters: Filters, include_open: bool, adjust_by: str | None
) -> funnel.FunnelResult:
    del version  # the cache key
    cur = cursor()
    try:
        return funnel.funnel(cur, filters, include_open=include_open, adjust_by=adjust_by)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def withdrawal_reasons(version: int, filters: Filters, include_open: bool) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return funnel.withdrawal_reasons(cur, filters, include_open=include_open)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def first_human_contact(version: int, filters: Filters, include_open: bool) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return funnel.first_human_contact(cur, filters, include_open=include_open)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def touchpoint_formats(version: int, filters: Filters, include_open: bool) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return funnel.touchpoint_formats(cur, filters, include_open=include_open)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def stage_times(version: int, filters: Filters, include_open: bool) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return funnel.stage_times(cur, filters, include_open=include_open)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def time_to_offer(version: int, filters: Filters, as_of: dt.date) -> funnel.TimeToOffer:
    del version
    cur = cursor()
    try:
        return funnel.time_to_offer(cur, filters, as_of)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def breakdown(
    version: int, filters: Filters, dim: str, target: str, include_open: bool
) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return funnel.breakdown(cur, filters, dim, target=target, include_open=include_open)
    finally:
        cur.close()
