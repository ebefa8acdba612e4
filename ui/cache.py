"""The one cache between the pages and the analytics: results keyed by the data version.

Why one helper instead of a hand-written wrapper per analytics function: every wrapper did the
same thing (open a cursor on the process's root connection, call the function, close the cursor),
and 36 copies of it drifted apart in small ways. ``cached(fn)`` builds that wrapper once; below it
is one line per analytics function the pages read. Any load bumps the data version, so every page
recomputes after new data arrive. A few results are derived from other cached results (no
cursor of their own) and are written out at the end.

Caveats (PITFALLS.md): ``st.cache_data`` pickles its results on every hit, so only small results
(tens of rows, a few thousand at most) are cached; arguments are hashed (``Filters`` and the other
option objects are frozen dataclasses); each wrapper gets its own qualified name, because
Streamlit tells cached functions apart by module, qualified name and source (all wrappers share
their source).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from analytics import store
from analytics.domain import Filters
from analytics.metrics import business_case as bc
from analytics.metrics import change, fairness, funnel, offers, overview, quality, survey
from analytics.report.slides import build_deck
from ui import data

DEFAULT_MAX_ENTRIES = 128


def cached(fn: Callable[..., Any], *, max_entries: int = DEFAULT_MAX_ENTRIES) -> Callable[..., Any]:
    """``fn(cur, *args, **kwargs)`` as a cached ``f(version, *args, **kwargs)``.

    ``version`` (the data version) is only the cache key; the wrapper opens its own cursor on
    the root connection (DuckDB refuses concurrent use of one connection) and always closes it.
    """

    def run(version: int, *args: Any, **kwargs: Any) -> Any:
        del version  # the cache key
        cur = data.cursor()
        try:
            return fn(cur, *args, **kwargs)
        finally:
            cur.close()

    # Streamlit keys a cache by module, qualified name and source; the source is the same for
    # every wrapper, so the qualified name must tell them apart.
    run.__name__ = fn.__name__
    run.__qualname__ = f"cached[{fn.__module__}.{fn.__qualname__}]"
    run.__doc__ = fn.__doc__
    return st.cache_data(show_spinner=False, max_entries=max_entries)(run)


# ---- adapters: a small composition of analytics calls on one cursor ---------------------------


def _process_change(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date
) -> change.ChangeResult | None:
    setting = store.get_meta(cur).get("process_change")
    return change.process_change(cur, filters, as_of, setting)


def _switcher_quality(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date
) -> pd.DataFrame:
    return fairness.switcher_quality(fairness.switcher_quality_counts(cur, filters, as_of))


def _app_table_columns(cur: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return fairness.table_columns(cur, fairness.APP_TABLES[table])


def _app_levels(
    cur: duckdb.DuckDBPyConnection, filters: Filters, table: str, column: str
) -> pd.DataFrame:
    sql, params = fairness.app_source(table, filters)
    return fairness.column_levels(cur, sql, column, params)


def _app_two_group_counts(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    table: str,
    *,
    group: str,
    outcome: str,
    stratum: str | None,
) -> pd.DataFrame:
    sql, params = fairness.app_source(table, filters)
    return fairness.two_group_counts(
        cur, sql, group=group, outcome=outcome, stratum=stratum, params=params
    )


def _measure(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date, *, _head: overview.Overview
) -> bc.Measured:
    # ``as_of`` keys the cache; ``_head`` (not hashed: leading underscore) is the cached Overview
    # of the same version, filters and as-of date, so its queries do not run twice.
    del as_of
    return bc.measure(cur, filters, headline=_head)


def _respondents(cur: duckdb.DuckDBPyConnection, survey_id: str, filters: Filters) -> pd.DataFrame:
    # The respondent frame carries every grouping and numeric question (a few thousand rows).
    qs = survey.questions(cur, survey_id)
    qids = tuple(q.question_id for q in qs if q.kind in survey.BANNER_KINDS)
    nids = tuple(q.question_id for q in qs if q.kind == "numeric")
    return survey.respondent_frame(cur, survey_id, filters, qids, nids)


# ---- one line per analytics function the pages read -------------------------------------------

# the dataset (router)
dataset_info = cached(store.dataset_info, max_entries=64)
options = cached(store.filter_options, max_entries=64)
# Overview
headline = cached(overview.headline, max_entries=256)
# Funnel
funnel_result = cached(funnel.funnel)
withdrawal_reasons = cached(funnel.withdrawal_reasons)
first_human_contact = cached(funnel.first_human_contact)
touchpoint_formats = cached(funnel.touchpoint_formats)
stage_times = cached(funnel.stage_times)
time_to_offer = cached(funnel.time_to_offer)
breakdown = cached(funnel.breakdown)
# Offers
acceptance = cached(offers.acceptance)
acceptance_adjusted = cached(offers.acceptance_adjusted)
decline_reasons = cached(offers.decline_reasons)
decision_times = cached(offers.decision_times)
acceptance_by_comp_ratio = cached(offers.acceptance_by_comp_ratio)
acceptance_by_competing = cached(offers.acceptance_by_competing)
human_premium = cached(offers.human_premium)
# Quality of hire
quality_result = cached(quality.quality)
rating_counts = cached(quality.rating_counts)
retention = cached(quality.retention)
process_change = cached(_process_change, max_entries=64)
# Business case
_measured = cached(_measure, max_entries=64)
monthly_volume = cached(bc.monthly_volume, max_entries=64)
# Fairness
fairness_columns = cached(fairness.available_columns, max_entries=32)
_step_counts = cached(fairness.step_counts)
_step_counts_by_column = cached(fairness.step_counts_by_column, max_entries=64)
switcher_quality = cached(_switcher_quality, max_entries=64)
app_table_columns = cached(_app_table_columns, max_entries=64)
app_levels = cached(_app_levels)
app_two_group_counts = cached(_app_two_group_counts)
# Surveys
surveys = cached(survey.list_surveys, max_entries=32)
questions = cached(survey.questions, max_entries=64)
respondents = cached(_respondents, max_entries=32)
application_shares = cached(survey.application_shares, max_entries=64)
# Presenter: the deck holds small frames and the figures; few entries (the exports are made on
# request and kept in the session, never here)
deck = cached(build_deck, max_entries=16)


# ---- derived from cached results (no cursor of their own) --------------------------------------


def step_counts(version: int, filters: Filters, cols: tuple[str, ...]) -> pd.DataFrame:
    """One group column's counts come from every column's, counted in one query (issue 21: the
    Fairness page's first screen reads them all); an intersection of two is counted alone."""
    columns = fairness_columns(version)
    if len(cols) == 1 and cols[0] in columns:
        return _step_counts_by_column(version, filters, tuple(columns))[cols[0]]
    return _step_counts(version, filters, cols)


def measured(version: int, filters: Filters, as_of: dt.date) -> bc.Measured:
    """The business case's measured rates, reusing the Overview's cached headline."""
    head = headline(version, filters, as_of=as_of, adjust_by=None)
    return _measured(version, filters, as_of, _head=head)


@st.cache_data(show_spinner=False, max_entries=64)
def business_case(
    version: int, filters: Filters, as_of: dt.date, assumptions: bc.Assumptions
) -> bc.BusinessCase:
    """The money (assumptions x measured rates, bootstrap): cheap, cached on its own key."""
    return bc.business_case(measured(version, filters, as_of), assumptions)


@dataclass(frozen=True)
class ImpactResult:
    """Everything the adverse-impact tab draws, computed once per data version, filters,
    columns and comparison (Fisher's exact tests on thousands of applicants take a moment)."""

    counts: pd.DataFrame
    table: pd.DataFrame
    missing: pd.DataFrame
    pooled: pd.DataFrame
    gaps: pd.DataFrame


@st.cache_data(show_spinner=False, max_entries=64)
def impact_table(
    version: int, filters: Filters, cols: tuple[str, ...], comparison: fairness.Comparison
) -> pd.DataFrame:
    """The impact ratios per step and group alone: what the Fairness page's first screen reads
    for every group column (issue 21: the pooled tables and gap tests of ``impact`` cost
    0.1-0.2 s per column at 1M applications and only the adverse-impact tab shows them)."""
    return fairness.adverse_impact(step_counts(version, filters, cols), comparison=comparison)


@st.cache_data(show_spinner=False, max_entries=64)
def impact(
    version: int, filters: Filters, cols: tuple[str, ...], comparison: fairness.Comparison
) -> ImpactResult:
    counts = step_counts(version, filters, cols)
    pooled_counts = fairness.pooled_by_touchpoint(counts)
    return ImpactResult(
        counts=counts,
        table=impact_table(version, filters, cols, comparison),
        missing=fairness.missing_by_step(counts),
        pooled=fairness.adverse_impact(pooled_counts, comparison=comparison),
        gaps=fairness.touchpoint_gap_tests(pooled_counts),
    )


@st.cache_data(show_spinner=False, max_entries=64)
def weights(
    version: int, survey_id: str, filters: Filters, spec: survey.WeightSpec
) -> survey.WeightResult | str:
    """The raking result, or the reason it failed (shown to the analyst)."""
    frame = respondents(version, survey_id, filters)
    try:
        return survey.compute_weights(frame, spec)
    except survey.SurveyAnalysisError as e:
        return str(e)
