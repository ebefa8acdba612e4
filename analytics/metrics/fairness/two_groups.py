"""Any two groups on a yes/no outcome, crude and Mantel-Haenszel-adjusted, from the app's own
tables or an uploaded one (registered in a separate in-memory connection)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics import stats
from analytics.domain import PRIVACY_THRESHOLD, Filters
from analytics.metrics.fairness.groups import (
    FairnessError,
    _fin,
)
from analytics.stats import Interval

# Tables of the app's database offered to the two-group tool (fixed SQL: no identifiers from
# users). Columns that identify people are not offered.
APP_TABLES = {
    "applications": """
        SELECT a.pipeline, a.role_family, a.seniority, a.region, a.source, a.gender, a.age_band,
               CAST(a.career_switcher AS VARCHAR) AS career_switcher,
               CAST(a.first_human_step AS VARCHAR) AS first_human_step,
               a.status, a.furthest_stage
        FROM applications AS a""",
    "offers": """
        SELECT a.pipeline, a.role_family, a.seniority, a.region, a.source, a.gender, a.age_band,
               CAST(a.career_switcher AS VARCHAR) AS career_switcher,
               CAST(o.accepted AS VARCHAR) AS accepted,
               CAST(o.competing_offers AS VARCHAR) AS competing_offers,
               o.decline_reason
        FROM offers AS o
        JOIN applications AS a ON a.application_id = o.application_id""",
}
MAX_LEVELS = 60


def app_source(table: str, filters: Filters) -> tuple[str, dict]:
    """The SQL of one of ``APP_TABLES`` restricted to the filtered applications, and its
    parameters (bound, never formatted in)."""
    if table not in APP_TABLES:
        raise FairnessError(f"Unknown table {table!r}; choose one of {tuple(APP_TABLES)}.")
    where, params = filters.where("a")
    return f"{APP_TABLES[table]} WHERE {where}", params


def quote_identifier(name: str) -> str:
    """A column name as a quoted SQL identifier (double quotes doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def table_columns(
    cur: duckdb.DuckDBPyConnection, source_sql: str, params: dict | None = None
) -> list[str]:
    rel = cur.execute(f"SELECT * FROM ({source_sql}) LIMIT 0", params or {})
    cols = [d[0] for d in rel.description]
    rel.fetchall()
    return cols


def _check_column(
    cur: duckdb.DuckDBPyConnection, source_sql: str, column: str, params: dict | None
) -> str:
    if column not in table_columns(cur, source_sql, params):
        raise FairnessError(f"The table has no column {column!r}.")
    return quote_identifier(column)


def column_levels(
    cur: duckdb.DuckDBPyConnection, source_sql: str, column: str, params: dict | None = None
) -> pd.DataFrame:
    """Distinct values of ``column`` (as text) with their counts, most frequent first (at most
    ``MAX_LEVELS + 1`` rows, so callers can tell "too many")."""
    col = _check_column(cur, source_sql, column, params)
    return cur.execute(
        f"""
        SELECT CAST({col} AS VARCHAR) AS value, count(*) AS n
        FROM ({source_sql})
        WHERE {col} IS NOT NULL
        GROUP BY 1
        ORDER BY n DESC, value
        LIMIT {MAX_LEVELS + 1}
        """,
        params or {},
    ).df()


def two_group_counts(
    cur: duckdb.DuckDBPyConnection,
    source_sql: str,
    *,
    group: str,
    outcome: str,
    stratum: str | None = None,
    params: dict | None = None,
) -> pd.DataFrame:
    """Counts by group, outcome value and (optional) stratum, all as text: group, outcome,
    stratum, n. Missing values stay missing (None)."""
    g = _check_column(cur, source_sql, group, params)
    o = _check_column(cur, source_sql, outcome, params)
    s = _check_column(cur, source_sql, stratum, params) if stratum else "NULL"
    frame = cur.execute(
        f"""
        SELECT CAST({g} AS VARCHAR) AS "group",
               CAST({o} AS VARCHAR) AS outcome,
               CAST({s} AS VARCHAR) AS stratum,
               count(*) AS n
        FROM ({source_sql})
        GROUP BY ALL
        """,
        params or {},
    ).df()
    for col in ("group", "outcome", "stratum"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame["n"] = frame["n"].astype(int)
    return frame


@dataclass(frozen=True)
class StratumRow:
    """One stratum's counts of both groups, and each group's Wilson interval there (None when
    the group has no rows in the stratum), so the chart draws intervals without computing them."""

    stratum: str
    n_a: int
    k_a: int
    n_b: int
    k_b: int
    ci_a: Interval | None = None
    ci_b: Interval | None = None


@dataclass(frozen=True)
class TwoGroupResult:
    """Group A vs group B on a yes/no outcome.

    ``comparison``: difference A - B (Newcombe), risk ratio A/B (Katz), odds ratio, test
    (chi-square or Fisher per DESIGN.md). ``impact_ratio`` = lower rate / higher rate (the
    four-fifths rule's view). ``mh`` (with a stratum column): the crude vs Mantel-Haenszel odds
    ratios; ``strata`` the per-stratum counts. ``missing`` = rows of groups A/B without an
    outcome or (when stratified) without a stratum, left out.
    """

    group_a: str
    group_b: str
    ci_a: Interval
    ci_b: Interval
    comparison: stats.ProportionComparison
    impact_ratio: float
    lower_group: str | None
    mh: stats.MantelHaenszelResult | None
    strata: tuple[StratumRow, ...]
    missing: int
    small: bool

    @property
    def finding(self) -> str:
        if self.small:
            return "too_few"
        return "clear_difference" if self.comparison.clear else "no_clear_difference"

    @property
    def adjusted_finding(self) -> str | None:
        if self.mh is None:
            return None
        if not _fin(self.mh.ci.low):
            return "too_few"
        return "clear_difference" if self.mh.clear else "no_clear_difference"


def _wilson(k: int, n: int) -> Interval | None:
    return stats.proportion_ci(k, n) if n > 0 else None


def compare_two_groups(
    counts: pd.DataFrame,
    *,
    group_a: str,
    group_b: str,
    yes_values: Sequence[str],
    min_group: int = PRIVACY_THRESHOLD,
) -> TwoGroupResult:
    """Compare two groups of :func:`two_group_counts` on outcome in ``yes_values`` (every other
    non-missing outcome value counts as "no").

    ``min_group``: groups smaller than this are "too few to say" (the privacy threshold for the
    app's own data). Raises FairnessError for unusable choices.
    """
    if group_a == group_b:
        raise FairnessError("Choose two different groups to compare.")
    yes = {str(v) for v in yes_values}
    if not yes:
        raise FairnessError("Choose which outcome values count as 'yes'.")
    sub = counts[counts["group"].isin([group_a, group_b])]
    stratified = sub["stratum"].notna().any()
    usable = sub["outcome"].notna() & (sub["stratum"].notna() if stratified else True)
    missing = int(sub.loc[~usable, "n"].sum())
    sub = sub[usable].assign(yes=lambda f: f["outcome"].isin(yes))
    if sub.empty:
        raise FairnessError("Neither group has rows with an outcome value.")

    def kn(frame: pd.DataFrame, grp: str) -> tuple[int, int]:
        part = frame[frame["group"] == grp]
        return int(part.loc[part.yes, "n"].sum()), int(part["n"].sum())

    k_a, n_a = kn(sub, group_a)
    k_b, n_b = kn(sub, group_b)
    if n_a == 0 or n_b == 0:
        raise FairnessError("Each of the two groups needs at least one row with an outcome.")
    cmp_ = stats.compare_proportions(k_a, n_a, k_b, n_b)
    small = min(n_a, n_b) < min_group
    p_a, p_b = k_a / n_a, k_b / n_b
    hi = max(p_a, p_b)
    impact = min(p_a, p_b) / hi if hi > 0 else math.nan
    lower = None if p_a == p_b else (group_a if p_a < p_b else group_b)
    strata: list[StratumRow] = []
    mh = None
    if stratified:
        for name, part in sub.groupby("stratum", sort=True):
            ka, na = kn(part, group_a)
            kb, nb = kn(part, group_b)
            strata.append(StratumRow(str(name), na, ka, nb, kb, _wilson(ka, na), _wilson(kb, nb)))
        tables = [[[r.k_a, r.n_a - r.k_a], [r.k_b, r.n_b - r.k_b]] for r in strata]
        informative = [t_ for t_ in tables if sum(map(sum, t_)) >= 2]
        if informative:
            mh = stats.mantel_haenszel(informative, correction=True)
    return TwoGroupResult(
        group_a=group_a,
        group_b=group_b,
        ci_a=stats.proportion_ci(k_a, n_a),
        ci_b=stats.proportion_ci(k_b, n_b),
        comparison=cmp_,
        impact_ratio=impact,
        lower_group=lower,
        mh=mh,
        strata=tuple(strata),
        missing=missing,
        small=small,
    )


def strata_table(result: TwoGroupResult, *, min_group: int = PRIVACY_THRESHOLD) -> pd.DataFrame:
    """Per stratum: n and rate of each group (NaN below ``min_group``), and the odds ratio."""
    rows = []
    for r in result.strata:
        row = {"stratum": r.stratum}
        for side, k, n in (("a", r.k_a, r.n_a), ("b", r.k_b, r.n_b)):
            ok = n >= max(min_group, 1)
            row[f"n_{side}"] = n if ok else math.nan
            row[f"rate_{side}"] = k / n if ok else math.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=["stratum", "n_a", "rate_a", "n_b", "rate_b"])


def load_upload_table(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, name: str = "upload"
) -> str:
    """Register an uploaded table (text columns) in an in-memory DuckDB connection and return
    the SQL that selects it. The app's database is never touched."""
    if frame.empty or frame.shape[1] < 2:
        raise FairnessError("The table needs at least two columns and one row.")
    con.register(name, frame)
    return f"SELECT * FROM {quote_identifier(name)}"
