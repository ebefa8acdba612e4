"""The business case: does a human-first process pay for the recruiter time it costs?

Everything is counted per 100 hires of each pipeline (human-first minus automation-first):

- **Interview hours per hire** (SQL): every stage event is one touchpoint in a format
  (``recruiter_call``, ``ai_cv_screen``, ...); touchpoints of *all* applications (rejected ones
  cost time too) x minutes per format / 60 / hires of the pipeline. Minutes per format and the
  hourly cost are assumptions. Extra cost = 100 x (hours_human - hours_automation) x hourly cost.
- **Acceptance** (declined offers avoided): a hire needs 1 / acceptance offers, so
  1 / acceptance - 1 declined offers per hire; each declined offer keeps the vacancy open for
  ``days_to_refill`` days at ``vacancy_cost_per_day``.
- **Withdrawal** (candidates lost before an offer): withdrawals per hire = (withdrawn - declined
  offers) / hired (both among decided applications; declined offers are the acceptance
  component); each withdrawal costs ``days_per_withdrawal`` vacancy days.
- **12-month retention** (failed hires avoided): 100 x (retained_human - retained_automation)
  x ``failed_hire_cost``.

The rates are the ones of the Overview (``analytics.metrics.overview.headline``, passed in by the
caller: offer acceptance, withdrawal, hire rate, Kaplan-Meier 12-month retention), so the pages
never disagree.

Uncertainty: a seeded **parametric bootstrap** over the measured rates. Each draw takes accepted
offers ~ Binomial(decided offers, acceptance), (withdrawn, hired, other) ~ Multinomial(decided
applications, shares), and 12-month retention ~ Normal(KM estimate, its standard error recovered
from the 95% interval), clipped to [0, 1]; the net of each draw is computed with the same
formulas and the 2.5% / 97.5% percentiles give the 95% interval (Efron & Tibshirani 1993, ch. 6
and 13). Interview hours are treated as known (thousands of touchpoints; their error is small
next to the rates').

The draws and the percentile interval are ``analytics.stats.bootstrap``'s; the standard error of
retention is read back from the Overview's interval (``stats.se_from_interval``).

The pilot planner uses ``stats.sample_size_two_proportions`` (R ``power.prop.test``) and, for a
given pilot size, the smallest detectable difference (``stats.detectable_proportion``, as R's
``power.prop.test(n, p1, power)``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from analytics import stats, store
from analytics.domain import PIPELINES, PRIVACY_THRESHOLD, Filters
from analytics.metrics.common import Overview, outcomes_fresh
from analytics.stats import Interval
from analytics.store.fairness_events import TABLE as EVENTS_TABLE

DEFAULT_MINUTES: dict[str, float] = {
    "recruiter_call": 20.0,
    "engineer_call": 45.0,
    "hiring_manager_call": 30.0,
    "onsite": 180.0,
    "panel": 120.0,
    "offer_call": 20.0,
    "contract": 15.0,
    "ai_cv_screen": 2.0,
    "chatbot": 2.0,
    "one_way_video": 10.0,
    "auto_coding_test": 5.0,
}
"""Minutes of people's time per touchpoint: conversations their length, automated steps the few
minutes a person spends reviewing the result."""
UNKNOWN_FORMAT_MINUTES = 15.0
"""A format not in ``DEFAULT_MINUTES`` (or missing) until the user says otherwise."""

BOOTSTRAP_DRAWS = 4000
BOOTSTRAP_SEED = 20260101
TORNADO_LOW = 0.5
TORNADO_HIGH = 1.5
PER_HIRES = 100
COMPONENTS = ("acceptance", "withdrawal", "retention", "recruiter_cost")
SCALAR_ASSUMPTIONS = (
    "hourly_cost",
    "vacancy_cost_per_day",
    "days_to_refill",
    "days_per_withdrawal",
    "failed_hire_cost",
)
TORNADO_ITEMS = ("minutes", *SCALAR_ASSUMPTIONS)


@dataclass(frozen=True)
class Assumptions:
    """The money side, all editable on the page. ``minutes`` holds (format, minutes) pairs (a
    tuple, so the object is hashable and can key a cache)."""

    minutes: tuple[tuple[str, float], ...] = tuple(DEFAULT_MINUTES.items())
    hourly_cost: float = 60.0
    vacancy_cost_per_day: float = 250.0
    days_to_refill: float = 30.0
    days_per_withdrawal: float = 1.0
    failed_hire_cost: float = 30000.0

    def minutes_for(self, fmt: object) -> float:
        return dict(self.minutes).get(str(fmt), UNKNOWN_FORMAT_MINUTES)

    def scaled(self, item: str, factor: float) -> Assumptions:
        """A copy with one assumption (or all minutes together, ``item="minutes"``) x factor."""
        if item == "minutes":
            return replace(self, minutes=tuple((f, m * factor) for f, m in self.minutes))
        if item not in SCALAR_ASSUMPTIONS:
            raise ValueError(f"unknown assumption {item!r}")
        return replace(self, **{item: getattr(self, item) * factor})


# ---------------------------------------------------------------------------------------------
# What the data say
# ---------------------------------------------------------------------------------------------


def touchpoint_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, use_derived: bool = True
) -> pd.DataFrame:
    """Touchpoints per pipeline and format (every stage event of the filtered applications):
    pipeline, format, touchpoints.

    Reads the events pre-joined at load (``store.fairness_events``, every event with its
    application's columns) when current, else joins; ``use_derived=False`` forces the join (for
    the test that compares both paths)."""
    where, params = filters.where("a")
    if use_derived and _events_fresh(cur):
        source, e = f"{EVENTS_TABLE} AS a", "a"
    else:
        source = "stage_events AS e JOIN applications AS a ON a.application_id = e.application_id"
        e = "e"
    return cur.execute(
        f"""
        SELECT a.pipeline,
               coalesce({e}.format, '(missing)') AS format,
               count(*) AS touchpoints
        FROM {source}
        WHERE {where}
        GROUP BY ALL
        ORDER BY ALL
        """,
        params,
    ).df()


def _events_fresh(cur: duckdb.DuckDBPyConnection) -> bool:
    try:
        return store.derived_fresh(cur, EVENTS_TABLE)
    except duckdb.Error:
        return False


def hires_per_pipeline(cur: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, int]:
    where, params = filters.where("a")
    rows = cur.execute(
        f"""
        SELECT a.pipeline, count(*) AS hires
        FROM applications AS a
        WHERE {where}
            AND a.status = 'hired'
        GROUP BY ALL
        """,
        params,
    ).fetchall()
    return {str(p): int(n) for p, n in rows}


def recruiter_hours(
    counts: pd.DataFrame, hires: dict[str, int], assumptions: Assumptions
) -> pd.DataFrame:
    """Hours per hire by pipeline and format: pipeline, format, touchpoints, minutes,
    per_hire (touchpoints per hire), hours_per_hire, suppressed (fewer hires than the privacy
    threshold: no per-hire numbers)."""
    frame = counts.copy()
    frame["minutes"] = [assumptions.minutes_for(f) for f in frame.format]
    frame["hires"] = [hires.get(p, 0) for p in frame.pipeline]
    frame["suppressed"] = frame.hires < PRIVACY_THRESHOLD
    safe = frame.hires.where(~frame.suppressed)
    frame["per_hire"] = frame.touchpoints / safe
    frame["hours_per_hire"] = frame.per_hire * frame.minutes / 60.0
    return frame


SMALL_FORMATS = "(small)"
"""Display name of the formats used fewer than PRIVACY_THRESHOLD times in a pipeline, pooled."""


def hours_for_display(hours: pd.DataFrame) -> pd.DataFrame:
    """The hours table fit to show and download: pipelines below the privacy threshold left out,
    and formats used fewer than ``PRIVACY_THRESHOLD`` times in a pipeline pooled into one
    ``SMALL_FORMATS`` row per pipeline without counts (so no small count can be read off)."""
    shown = hours[~hours.suppressed]
    small = shown.touchpoints < PRIVACY_THRESHOLD
    big = shown[~small].copy()
    pooled = (
        shown[small]
        .groupby("pipeline", as_index=False)
        .agg(hours_per_hire=("hours_per_hire", "sum"), hires=("hires", "first"))
        .assign(format=SMALL_FORMATS)
    )
    out = pd.concat([big, pooled], ignore_index=True) if not pooled.empty else big
    if not pooled.empty:
        out.loc[out.format == SMALL_FORMATS, ["touchpoints", "per_hire", "minutes"]] = math.nan
    out["suppressed"] = False
    return out.reset_index(drop=True)


def hours_per_hire(hours: pd.DataFrame) -> dict[str, float]:
    """Total interview hours per hire per pipeline (pipelines below the threshold left out)."""
    shown = hours[~hours.suppressed]
    return {str(p): float(v) for p, v in shown.groupby("pipeline").hours_per_hire.sum().items()}


@dataclass(frozen=True)
class Measured:
    """The measured inputs per standard pipeline (None when suppressed or not measurable):
    acceptance (accepted, decided offers), outcomes (withdrawn, hired, decided applications),
    retention (12-month KM estimate, its standard error), and the touchpoint counts and hires."""

    acceptance: dict[str, tuple[int, int] | None]
    outcomes: dict[str, tuple[int, int, int] | None]
    retention: dict[str, tuple[float, float] | None]
    touchpoints: pd.DataFrame
    hires: dict[str, int]
    headline: Overview | None = field(default=None, compare=False)


def measure(cur: duckdb.DuckDBPyConnection, filters: Filters, *, headline: Overview) -> Measured:
    """The Overview's rates (same definitions and privacy rule) plus the touchpoint counts.

    ``headline`` is the Overview result for the same ``filters`` (``overview.headline``, no
    adjustment), passed in by the caller so that this module does not import its sibling and the
    page reuses the Overview it may already hold."""
    head = headline
    acc: dict[str, tuple[int, int] | None] = {}
    out: dict[str, tuple[int, int, int] | None] = {}
    ret: dict[str, tuple[float, float] | None] = {}
    for pipe in PIPELINES:
        g = head.metrics["offer_acceptance"].groups.get(pipe)
        acc[pipe] = (g.k, g.n) if g and not g.suppressed and g.k is not None else None
        w = head.metrics["withdrawal"].groups.get(pipe)
        h = head.metrics["hire_rate"].groups.get(pipe)
        ok = w and h and not w.suppressed and not h.suppressed and w.k is not None
        # The Overview's withdrawal counts declined offers too (one definition on every page);
        # here they are already costed by the acceptance component, so they are taken out again
        # (declined = decided offers - accepted) and "withdrawals" are the candidates lost before
        # an offer. Without the offer counts the two cannot be told apart: no component.
        lost = w.k - (acc[pipe][1] - acc[pipe][0]) if ok and acc[pipe] else None  # type: ignore[union-attr, index]
        ok = ok and lost is not None and lost >= 0
        out[pipe] = (lost, h.k, w.n) if ok and h.k and h.k > 0 else None  # type: ignore[union-attr]
        r = head.metrics["retention_12m"].groups.get(pipe)
        ok = r is not None and not r.suppressed and r.value is not None
        ret[pipe] = (float(r.value), stats.se_from_interval(r.ci)) if ok else None  # type: ignore[union-attr, arg-type]
    return Measured(
        acceptance=acc,
        outcomes=out,
        retention=ret,
        touchpoints=touchpoint_counts(cur, filters),
        hires=hires_per_pipeline(cur, filters),
        headline=head,
    )


# ---------------------------------------------------------------------------------------------
# The money
# ---------------------------------------------------------------------------------------------


def components(
    *,
    acceptance: tuple[float, float] | None,
    withdrawals_per_hire: tuple[float, float] | None,
    retention: tuple[float, float] | None,
    hours: tuple[float, float] | None,
    assumptions: Assumptions,
) -> dict[str, float]:
    """Value per 100 hires of human-first over automation-first for each component (each argument
    is (human-first, automation-first); None = not measurable, left out). Works on arrays too."""
    a = assumptions
    out: dict[str, float] = {}
    if acceptance is not None:
        ah, aa = acceptance
        declined_avoided = (1.0 / aa - 1.0) - (1.0 / ah - 1.0)
        out["acceptance"] = PER_HIRES * declined_avoided * a.days_to_refill * a.vacancy_cost_per_day
    if withdrawals_per_hire is not None:
        wh, wa = withdrawals_per_hire
        out["withdrawal"] = PER_HIRES * (wa - wh) * a.days_per_withdrawal * a.vacancy_cost_per_day
    if retention is not None:
        rh, ra = retention
        out["retention"] = PER_HIRES * (rh - ra) * a.failed_hire_cost
    if hours is not None:
        hh, ha = hours
        out["recruiter_cost"] = -PER_HIRES * (hh - ha) * a.hourly_cost
    return out


@dataclass(frozen=True)
class BusinessCase:
    """Point values per 100 hires (``components``: positive = human-first saves money), the net
    with its bootstrap interval, the tornado (net at 50% and 150% of each assumption), the
    verdict (``pays`` | ``costs`` | ``unclear`` | ``too_few``) and what was left out."""

    components: dict[str, float]
    net: float
    net_ci: Interval
    tornado: pd.DataFrame
    verdict: str
    missing: tuple[str, ...]
    hours: dict[str, float]
    draws: int
    seed: int


def _point_inputs(measured: Measured, hours: dict[str, float]) -> dict:
    h, a = PIPELINES
    acc = None
    if measured.acceptance.get(h) and measured.acceptance.get(a):
        (kh, nh), (ka, na) = measured.acceptance[h], measured.acceptance[a]  # type: ignore[misc]
        if kh > 0 and ka > 0:
            acc = (kh / nh, ka / na)
    wph = None
    if measured.outcomes.get(h) and measured.outcomes.get(a):
        (wh, hh, _), (wa, ha, _) = measured.outcomes[h], measured.outcomes[a]  # type: ignore[misc]
        wph = (wh / hh, wa / ha)
    ret = None
    if measured.retention.get(h) and measured.retention.get(a):
        ret = (measured.retention[h][0], measured.retention[a][0])  # type: ignore[index]
    hrs = (hours[h], hours[a]) if h in hours and a in hours else None
    return {"acceptance": acc, "withdrawals_per_hire": wph, "retention": ret, "hours": hrs}


def _draw_inputs(measured: Measured, point: dict, draws: int, seed: int) -> dict:
    """Parametric bootstrap draws of the measured rates (see the module docstring)."""
    rng = np.random.default_rng(seed)
    h, a = PIPELINES
    # The draws are taken in this order (acceptance, withdrawals, retention; human-first first)
    # so that a seed gives the same interval as it always has.
    out: dict[str, object] = {"hours": point["hours"]}
    out["acceptance"] = None
    if point["acceptance"] is not None:
        out["acceptance"] = tuple(
            stats.binomial_rate_draws(*measured.acceptance[pipe], draws=draws, rng=rng)  # type: ignore[misc]
            for pipe in (h, a)
        )
    out["withdrawals_per_hire"] = None
    if point["withdrawals_per_hire"] is not None:
        out["withdrawals_per_hire"] = tuple(
            stats.multinomial_ratio_draws(*measured.outcomes[pipe], draws=draws, rng=rng)  # type: ignore[misc]
            for pipe in (h, a)
        )
    out["retention"] = None
    if point["retention"] is not None:
        out["retention"] = tuple(
            stats.normal_share_draws(*measured.retention[pipe], draws=draws, rng=rng)  # type: ignore[misc]
            for pipe in (h, a)
        )
    return out


def _net(parts: dict[str, float]) -> float:
    return float(sum(parts.values())) if parts else math.nan


def business_case(
    measured: Measured,
    assumptions: Assumptions,
    *,
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = BOOTSTRAP_SEED,
    conf: float = 0.95,
) -> BusinessCase:
    """The net value of human-first per 100 hires with its bootstrap interval and tornado."""
    hours = hours_per_hire(recruiter_hours(measured.touchpoints, measured.hires, assumptions))
    point = _point_inputs(measured, hours)
    parts = components(**point, assumptions=assumptions)
    missing = tuple(c for c in COMPONENTS if c not in parts)
    value_parts = [c for c in parts if c != "recruiter_cost"]
    if not value_parts or "recruiter_cost" not in parts:
        return BusinessCase(
            parts, _net(parts), Interval(math.nan, math.nan), _empty_tornado(), "too_few",
            missing, hours, draws, seed,
        )  # fmt: skip
    net = _net(parts)
    sampled = components(**_draw_inputs(measured, point, draws, seed), assumptions=assumptions)
    total = np.zeros(draws)
    for value in sampled.values():  # recruiter cost is a scalar, the rest arrays of draws
        total = total + np.asarray(value, dtype=float)
    ci = stats.percentile_interval(total, conf)
    verdict = "pays" if ci.low > 0 else ("costs" if ci.high < 0 else "unclear")
    rows = []
    for item in TORNADO_ITEMS:
        nets = []
        for factor in (TORNADO_LOW, TORNADO_HIGH):
            changed = assumptions.scaled(item, factor)
            ch = hours_per_hire(recruiter_hours(measured.touchpoints, measured.hires, changed))
            nets.append(_net(components(**_point_inputs(measured, ch), assumptions=changed)))
        rows.append({"assumption": item, "low": nets[0], "high": nets[1]})
    tornado = pd.DataFrame(rows)
    tornado["swing"] = (tornado.high - tornado.low).abs()
    tornado = tornado.sort_values("swing", ascending=False, ignore_index=True)
    return BusinessCase(parts, net, ci, tornado, verdict, missing, hours, draws, seed)


def _empty_tornado() -> pd.DataFrame:
    return pd.DataFrame(columns=["assumption", "low", "high", "swing"])


# ---------------------------------------------------------------------------------------------
# Pilot planner
# ---------------------------------------------------------------------------------------------

PILOT_UNITS = ("applications", "offers")
"""Withdrawal is a rate per application, acceptance a rate per offer."""


def monthly_volume(cur: duckdb.DuckDBPyConnection, filters: Filters, unit: str) -> float | None:
    """Applications (by application date) or offers (by offer date) per month in the filtered
    data, both pipelines together: count / (days from first to last + 1) x 30.4375. None when
    there are none."""
    if unit not in PILOT_UNITS:
        raise ValueError(f"unit must be one of {PILOT_UNITS}, not {unit!r}")
    where, params = filters.where("a")
    if unit == "applications":
        sql = f"""
            SELECT count(*), min(a.applied_on), max(a.applied_on)
            FROM applications AS a
            WHERE {where}
            """
    elif outcomes_fresh(cur):
        # One row per offer in the load-time ``app_outcomes`` (offers are keyed by application),
        # so no join with every application.
        sql = f"""
            SELECT count(*), min(a.offered_on), max(a.offered_on)
            FROM app_outcomes AS a
            WHERE {where}
                AND a.has_offer
            """
    else:
        sql = f"""
            SELECT count(*), min(o.offered_on), max(o.offered_on)
            FROM offers AS o
            JOIN applications AS a
                ON a.application_id = o.application_id
            WHERE {where}
            """
    n, first, last = cur.execute(sql, params).fetchall()[0]
    if not n:
        return None
    days = (last - first).days + 1
    return float(n) / days * 30.4375


@dataclass(frozen=True)
class PilotPlan:
    n_per_arm: int
    total: int
    monthly_volume: float | None
    months: float | None
    """Months until both arms are full when the monthly volume is split 50/50 over the arms."""


def plan_pilot(
    p1: float, p2: float, *, alpha: float, power: float, monthly: float | None
) -> PilotPlan:
    """Applications (or offers) per arm to detect p1 vs p2 (R ``power.prop.test``), and the
    months that takes at ``monthly`` (both arms together, split 50/50)."""
    n = stats.sample_size_two_proportions(p1, p2, alpha=alpha, power=power)
    months = n / (monthly / 2.0) if monthly and monthly > 0 else None
    return PilotPlan(n_per_arm=n, total=2 * n, monthly_volume=monthly, months=months)


def minimal_detectable(
    p1: float, n_per_arm: float, *, alpha: float, power: float, direction: str = "up"
) -> float | None:
    """The rate p2 (above p1 for ``direction="up"``, below for ``"down"``) that a pilot of
    ``n_per_arm`` per arm detects with the given power; None when no rate can be.

    Like R ``power.prop.test(n, p1, power)`` (which solves for p2 in (p1, 1) with uniroot and
    ``strict = FALSE``): R docs, power.prop.test(n = 50, p1 = .5, power = .90) -> p2 = 0.8026.
    """
    return stats.detectable_proportion(p1, n_per_arm, alpha=alpha, power=power, direction=direction)
