"""The shared sidebar: language switch and filters, all bound to the URL.

Every widget has ``bind="query-params"``, so a copied link reproduces the language and the
filters, and because the sidebar is drawn by the router on every run the values persist across
pages. Values that are not (or no longer) options are dropped by Streamlit, so an old link
cannot break the page.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics.filters import DIMENSIONS, FilterOptions, Filters
from analytics.i18n import LANGUAGE_NAMES, LANGUAGES, label, t

LANG_KEY = "lang"
DATES_KEY = "dates"


def language_switch() -> str:
    """The language selector at the top of the sidebar; returns "en" or "nl"."""
    lang = st.sidebar.segmented_control(
        "Language / Taal",
        options=list(LANGUAGES),
        default="en",
        format_func=LANGUAGE_NAMES.__getitem__,
        key=LANG_KEY,
        bind="query-params",
        required=True,
        label_visibility="collapsed",
    )
    return lang if lang in LANGUAGES else "en"


def _reset(options: FilterOptions) -> None:
    st.session_state[DATES_KEY] = (options.first_date, options.last_date)
    for dim in DIMENSIONS:
        st.session_state[dim] = []


def sidebar_filters(options: FilterOptions, lang: str) -> Filters:
    """Draw the filters in the sidebar and return what they select."""
    sb = st.sidebar
    sb.subheader(t("filters.header", lang))
    date_from = date_to = None
    if options.first_date is not None and options.last_date is not None:
        picked = sb.date_input(
            t("filters.dates", lang),
            value=(options.first_date, options.last_date),
            min_value=options.first_date,
            max_value=options.last_date,
            key=DATES_KEY,
            bind="query-params",
            format="DD/MM/YYYY" if lang == "nl" else "YYYY/MM/DD",
        )
        if isinstance(picked, tuple | list) and len(picked) == 2:
            date_from, date_to = picked
        elif isinstance(picked, tuple | list) and len(picked) == 1:
            date_from = picked[0]
        elif isinstance(picked, dt.date):
            date_from = picked
        if date_from == options.first_date:
            date_from = None
        if date_to == options.last_date:
            date_to = None
    chosen: dict[str, tuple[str, ...]] = {}
    for dim in DIMENSIONS:
        values = options.values.get(dim, ())
        if not values:
            chosen[dim] = ()
            continue
        picked_values = sb.multiselect(
            t(f"dim.{dim}", lang),
            options=list(values),
            key=dim,
            bind="query-params",
            format_func=lambda v, d=dim: label(d, v, lang),
            placeholder=t("filters.all", lang),
        )
        chosen[dim] = tuple(v for v in picked_values if v in values)
    sb.button(
        t("filters.reset", lang),
        on_click=_reset,
        args=(options,),
        icon=":material/filter_alt_off:",
        type="tertiary",
    )
    return Filters(date_from=date_from, date_to=date_to, **chosen)
