"""Before and after a process change, with a difference-in-differences against the other role
families.

The change is read from the ``meta`` key ``process_change`` as ``"<role family>:<YYYY-MM-DD>"``
(e.g. ``"engineering:2025-11-01"``): from that application date the role family changed its
process. Applications are split by application date (before / on or after the date) and by group
(the changed role family = treated; every other role family = control), whatever their pipeline.
The shared filters apply, except the role-family filter (the comparison needs both groups).

Metrics: candidate withdrawal (withdrawn / decided applications), offer acceptance (accepted /
decided offers) and 12-month retention of hires (Kaplan-Meier, censored at the as-of date; hires
of the "after" period may not have been followed for 12 months yet: then "too few to say").

Difference-in-differences on proportions: DiD = (p_after_T - p_before_T) - (p_after_C -
p_before_C), SE = sqrt of the sum of the four variances, normal 95% interval and two-sided p-value
(``stats.difference_in_differences``). A rate's variance is Price & Bonett's (2004) adjusted
p~(1 - p~) / (n + 1), p~ = (k + 1/2) / (n + 1) (a linear contrast of four proportions adds 2/4
successes and 4/4 trials per cell; Computational Statistics & Data Analysis 45:449-456), so a
cell at 0% or 100% does not count as known without error; the interval is centred on the observed
DiD, so it contains the estimate shown and agrees with the p-value beside it. Kaplan-Meier cells
use Greenwood's variance, or the Agresti-Coull variance where the curve is at 100% or 0%
(``stats.grouped.km_at``). It estimates the effect of
the change only if the groups would have moved in parallel without it (the usual DiD assumption).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics import stats
from analytics.domain import PRIVACY_THRESHOLD, Filters
from analytics.metrics import common
from analytics.stats import Interval
from analytics.stats import grouped as grouped_stats

METRICS = ("withdrawal", "offer_acceptance", "retention_12m")
GROUPS = ("treated", "control")
PERIODS = ("before", "after")


def parse_setting(value: str | None) -> tuple[str, dt.date] | None:
    """``"engineering:2025-11-01"`` -> ("engineering", date); None when missing or malformed."""
    if not value or ":" not in value:
        return None
    role, _, day = value.rpartition(":")
    try:
        return role.strip(), dt.date.fromisoformat(day.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class ChangeResult:
    """``cells``: metric, group, period, k, n, value, var, low, high (value NaN when n < 5).
    ``did``: metric, change_treated, change_control, did, low, high, p_value."""

    role_family: str
    date: dt.date
    cells: pd.DataFrame
    did: pd.DataFrame


_GROUP_PERIOD = """CASE WHEN a.role_family = $role THEN 'treated' ELSE 'control' END AS grp,
               CASE WHEN a.applied_on < $date THEN 'before' ELSE 'after' END AS period"""


def _counts(cur: duckdb.DuckDBPyConnection, filters: Filters, role: str, date: dt.date):
    """Per group and period: withdrawn, decided (applications), accepted, offers_decided."""
    where, params = filters.where("a")
    params = {**params, "role": role, "date": date}
    if common.outcomes_fresh(cur):
        # Offers from the load-time summary ``app_outcomes`` (a few per cent of the rows) instead
        # of a join of every application to the offers (issue 21: 140 -> 53 ms CPU at 1M).
        return cur.execute(
            f"""
            WITH apps AS (
                SELECT {_GROUP_PERIOD},
                       count(*) FILTER (WHERE a.status = 'withdrawn') AS withdrawn,
                       count(*) FILTER (WHERE a.status <> 'open') AS decided
                FROM applications AS a
                WHERE {where}
                GROUP BY ALL
            ), offs AS (
                SELECT {_GROUP_PERIOD},
                       count(*) FILTER (WHERE a.accepted) AS accepted,
                       count(a.accepted) AS offers_decided
                FROM app_outcomes AS a
                WHERE a.has_offer AND {where}
                GROUP BY ALL
            )
            SELECT apps.grp, apps.period, apps.withdrawn, apps.decided,
                   coalesce(offs.accepted, 0) AS accepted,
                   coalesce(offs.offers_decided, 0) AS offers_decided
            FROM apps LEFT JOIN offs USING (grp, period)
            """,
            params,
        ).df()
    return cur.execute(
        f"""
        SELECT {_GROUP_PERIOD},
               count(*) FILTER (WHERE a.status = 'withdrawn') AS withdrawn,
               count(*) FILTER (WHERE a.status <> 'open') AS decided,
               count(*) FILTER (WHERE o.accepted) AS accepted,
               count(o.accepted) AS offers_decided
        FROM applications AS a
        LEFT JOIN offers AS o ON o.application_id = a.application_id
        WHERE {where}
        GROUP BY ALL
        """,
        params,
    ).df()


def _retention_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, role: str, date: dt.date, as_of: dt.date
) -> pd.DataFrame:
    where, params = filters.where("a")
    params = {**params, "role": role, "date": date, "as_of": as_of}
    # Hires with their applications' columns: the load-time ``app_outcomes`` when current.
    source = (
        "(SELECT * FROM app_outcomes WHERE has_hire) AS a"
        if common.outcomes_fresh(cur)
        else """(
            SELECT a.*, h.start_on, h.left_on
            FROM applications AS a JOIN hires AS h ON h.application_id = a.application_id
        ) AS a"""
    )
    return cur.execute(
        f"""
        SELECT {_GROUP_PERIOD},
               date_diff('day', a.start_on, least(coalesce(a.left_on, $as_of), $as_of)) AS days,
               count(*) FILTER (WHERE a.left_on IS NOT NULL AND a.left_on <= $as_of) AS events,
               count(*) FILTER (WHERE a.left_on IS NULL OR a.left_on > $as_of) AS censored
        FROM {source}
        WHERE {where} AND a.start_on <= $as_of
        GROUP BY ALL
        """,
        params,
    ).df()


def _rate_cell(k: int, n: int) -> dict:
    if n < PRIVACY_THRESHOLD:
        return {
            "k": k,
            "n": n,
            "value": math.nan,
            "var": math.nan,
            "low": math.nan,
            "high": math.nan,
        }
    ci = stats.proportion_ci(k, n)
    # Price & Bonett (2004) adjusted variance for a contrast of m = 4 proportions (module doc).
    p_adj = (k + 0.5) / (n + 1.0)
    value, var = k / n, p_adj * (1.0 - p_adj) / (n + 1.0)
    return {"k": k, "n": n, "value": value, "var": var, "low": ci.low, "high": ci.high}


def did(cells: pd.DataFrame, conf: float = 0.95) -> tuple[float, float, float, Interval, float]:
    """(change treated, change control, DiD, interval, p-value) from the four cells of one metric
    (columns group, period, value, var), by ``stats.difference_in_differences``."""
    c = cells.set_index(["group", "period"])
    values = {key: float(c.at[key, "value"]) for key in c.index}
    variances = {key: float(c.at[key, "var"]) for key in c.index}
    est = stats.difference_in_differences(values, variances, conf=conf)
    return est.change_treated, est.change_control, est.did, est.ci, est.p_value


def process_change(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date, setting: str | None
) -> ChangeResult | None:
    """Before/after and DiD for the change in ``setting`` (the meta value); None without one."""
    parsed = parse_setting(setting)
    if parsed is None:
        return None
    role, date = parsed
    filters = dataclasses.replace(filters, role_family=())
    counts = _counts(cur, filters, role, date).set_index(["grp", "period"])
    ret = _retention_counts(cur, filters, role, date, as_of)
    rows = []
    for g in GROUPS:
        for p in PERIODS:
            have = (g, p) in counts.index
            r = counts.loc[(g, p)] if have else None
            for metric, num, den in (
                ("withdrawal", "withdrawn", "decided"),
                ("offer_acceptance", "accepted", "offers_decided"),
            ):
                k = int(r[num]) if r is not None else 0
                n = int(r[den]) if r is not None else 0
                rows.append({"metric": metric, "group": g, "period": p, **_rate_cell(k, n)})
            part = ret[(ret.grp == g) & (ret.period == p)]
            n = int(part.events.sum() + part.censored.sum())
            cell = {"k": None, "n": n, "value": math.nan, "var": math.nan}
            cell.update(low=math.nan, high=math.nan)
            if n >= PRIVACY_THRESHOLD:
                curve = grouped_stats.km_curve(
                    part.days.to_numpy(float),
                    part.events.to_numpy(float),
                    part.censored.to_numpy(float),
                )
                point = grouped_stats.km_at(curve, 365)
                if point is not None:
                    cell.update(
                        value=point.survival,
                        var=point.se**2,
                        low=point.ci.low,
                        high=point.ci.high,
                    )
            rows.append({"metric": "retention_12m", "group": g, "period": p, **cell})
    cells = pd.DataFrame(rows)
    out = []
    for metric in METRICS:
        ch_t, ch_c, d, ci, pv = did(cells[cells.metric == metric])
        out.append(
            {
                "metric": metric,
                "change_treated": ch_t,
                "change_control": ch_c,
                "did": d,
                "low": ci.low,
                "high": ci.high,
                "p_value": pv,
            }
        )
    return ChangeResult(role_family=role, date=date, cells=cells, did=pd.DataFrame(out))
