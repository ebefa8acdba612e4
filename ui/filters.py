"""The shared sidebar: language switch and filters, all reproduced by the page's URL.

The sidebar is drawn by the router on every run, so values persist across pages; ``urlstate``
keeps them in the URL with raw values, so a copied link reproduces language and filters. Values
that are not (or no longer) options are dropped, so an old link cannot break the page.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics.domain import DIMENSIONS, FilterOptions, Filters
from analytics.i18n import LANGUAGE_NAMES, LANGUAGES, fmt_date, label, t
from analytics.metrics import disclosure
from ui import urlstate
from ui.relabel import relabel_widgets

LANG_KEY = "lang"
DATES_KEY = "dates"


def language_switch() -> str:
    """The language selector at the top of the sidebar; returns "en" or "nl"."""
    urlstate.seed_choice(LANG_KEY, LANGUAGES, "en")
    lang = st.sidebar.segmented_control(
        "Language / Taal",
        options=list(LANGUAGES),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=LANG_KEY,
        required=True,
        label_visibility="collapsed",
        on_change=relabel_widgets,
        args=(LANG_KEY,),
    )
    lang = lang if lang in LANGUAGES else "en"
    urlstate.write_choice(LANG_KEY, lang, "en")
    return lang


def _reset(options: FilterOptions) -> None:
    st.session_state[DATES_KEY] = (options.first_date, options.last_date)
    for dim in DIMENSIONS:
        st.session_state[dim] = []


def _whole_months(
    date_from: dt.date | None,
    date_to: dt.date | None,
    first: dt.date,
    last: dt.date,
    lang: str,
) -> tuple[dt.date | None, dt.date | None]:
    """The picked range widened to whole months; says so under the picker when it changed."""
    if date_from is None and date_to is None:
        return None, None
    start = None if date_from is None else disclosure.month_start(date_from)
    end = None if date_to is None else disclosure.month_end(date_to)
    # A bound that now covers the data's own first or last month is no restriction at all.
    if start is not None and start <= disclosure.month_start(first):
        start = None
    if end is not None and end >= disclosure.month_end(last):
        end = None
    if (start, end) != (date_from, date_to):
        st.sidebar.caption(
            t(
                "privacy.dates_snapped",
                lang,
                start=fmt_date(start or disclosure.month_start(first), lang),
                end=fmt_date(end or disclosure.month_end(last), lang),
            )
        )
    return start, end


def sidebar_filters(options: FilterOptions, lang: str) -> Filters:
    """Draw the filters in the sidebar and return what they select."""
    sb = st.sidebar
    sb.subheader(t("filters.header", lang))
    date_from = date_to = None
    first, last = options.first_date, options.last_date
    if first is not None and last is not None:
        urlstate.seed_dates(DATES_KEY, first, last)
        picked = sb.date_input(
            t("filters.dates", lang),
            min_value=first,
            max_value=last,
            key=DATES_KEY,
            format="DD/MM/YYYY" if lang == "nl" else "YYYY/MM/DD",
        )
        if isinstance(picked, tuple | list) and len(picked) == 2:
            date_from, date_to = picked
        elif isinstance(picked, tuple | list) and len(picked) == 1:
            date_from = picked[0]
        elif isinstance(picked, dt.date):
            date_from = picked
        if date_from == first:
            date_from = None
        if date_to == last:
            date_to = None
        urlstate.write_dates(DATES_KEY, date_from, date_to)
        # Dates count in whole months (the differencing rule, analytics/metrics/disclosure.py:
        # two day-level ranges could differ by one application).
        date_from, date_to = _whole_months(date_from, date_to, first, last, lang)
    chosen: dict[str, tuple[str, ...]] = {}
    for dim in DIMENSIONS:
        values = options.values.get(dim, ())
        if not values:
            chosen[dim] = ()
            continue
        urlstate.seed_multi(dim, values)
        picked_values = sb.multiselect(
            t(f"dim.{dim}", lang),
            options=list(values),
            key=dim,
            format_func=lambda v, d=dim: label(d, v, lang),
            placeholder=t("filters.all", lang),
        )
        chosen[dim] = tuple(v for v in picked_values if v in values)
        urlstate.write_multi(dim, chosen[dim])
    sb.button(
        t("filters.reset", lang),
        on_click=_reset,
        args=(options,),
        icon=":material/filter_alt_off:",
        type="tertiary",
        key="reset_filters",
    )
    return Filters(date_from=date_from, date_to=date_to, **chosen)
