"""The human-first effect adjusted for everything measured at once (role family, seniority,
region, source and application month), per headline outcome, with diagnostics.

Why this module exists: the one-variable adjustment (Mantel-Haenszel by one dimension) leaves
the other dimensions confounding. Here SQL counts applications per covariate pattern (role
family x seniority x region x source x application month x pipeline: at most a few tens of
thousands of rows however many applications there are) and ``analytics.stats.causal`` fits
g-computation and AIPW on those counts.

Outcomes and their target populations (the same definitions as the Overview and Quality pages,
except retention, see below); "decided" = not open at the as-of date:

- ``offer_acceptance``: accepted / decided offers (latest offer per application);
- ``withdrawal``: candidate withdrawal before an offer / decided applications;
- ``hire_rate``: hired / decided applications;
- ``retention_12m``: hires still employed 365 days after their start, among hires who started
  at least 365 days before the as-of date (a yes/no outcome with complete follow-up; the
  Overview's Kaplan-Meier curve also uses the recent hires, which a pattern model cannot);
- ``performance``: 12-month rating scaled to 0-100, hires with a rating (linear model, from
  the pattern sums and sums of squares);
- ``ramp``: ramp-up within the target, among hires followed that long;
- ``quality_composite``: the weighted mean of the adjusted components (performance, ramp,
  retention, optionally manager satisfaction), on 0-100 like the Quality page. Its components
  are measured on different sets of hires, so the interval adds the components' standard errors
  (``se <= sum w_c se_c`` by the triangle inequality): conservative, never too narrow.

Rates are proportions (0-1); scores 0-100. Missing covariate values are their own level.

Where the counts come from: the load-time table ``causal_patterns``
(``analytics.store.causal_patterns``) when it describes the current data version, the view's
dates cover whole months and (for the outcomes after the offer) the as-of date and ramp-up
target are the ones it was counted for; otherwise the same counts are computed by scanning the
applications (``application_patterns`` / ``outcome_patterns``). Both paths count with the same
SQL expressions (``store.causal_patterns.application_counts_sql`` / ``outcome_counts_sql``),
so they give the same rows and the same estimates (tested to the last digit).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics import stats, store
from analytics.domain import PIPELINES, PRIVACY_THRESHOLD, Filters
from analytics.metrics.common import DEFAULT_RAMP_TARGET, RETENTION_DAYS, outcomes_fresh
from analytics.stats import causal as sc
from analytics.stats.base import Interval
from analytics.store import causal_patterns as cp

COVARIATES = ("role_family", "seniority", "region", "source", "month")
RATE_OUTCOMES = ("offer_acceptance", "withdrawal", "hire_rate", "retention_12m")
QUALITY_COMPONENTS = ("performance", "ramp", "retention_12m", "manager")
OUTCOMES = (*RATE_OUTCOMES, "performance", "ramp", "manager", "quality_composite")
DEFAULT_WEIGHTS = {"performance": 0.4, "ramp": 0.2, "retention_12m": 0.4, "manager": 0.0}

# outcome -> (pattern frame, n column, sum column, sum-of-squares column, family)
_SPEC: dict[str, tuple[str, str, str, str, str]] = {
    "offer_acceptance": ("outcomes", "offers_decided", "offers_accepted", "offers_accepted", "b"),
    "withdrawal": ("applications", "decided", "withdrawn", "withdrawn", "b"),
    "hire_rate": ("applications", "decided", "hired", "hired", "b"),
    "retention_12m": ("outcomes", "ret_n", "ret_k", "ret_k", "b"),
    "ramp": ("outcomes", "ramp_n", "ramp_k", "ramp_k", "b"),
    "performance": ("outcomes", "perf_n", "perf_sum", "perf_sumsq", "g"),
    "manager": ("outcomes", "mgr_n", "mgr_sum", "mgr_sumsq", "g"),
}


@dataclass(frozen=True)
class Crude:
    """The unadjusted comparison beside the adjusted one (Newcombe for rates, Welch for
    scores): means of the first and second pipeline, difference and interval."""

    mean_treated: float
    mean_control: float
    diff: float
    ci: Interval


@dataclass(frozen=True)
class AdjustedEffect:
    """One outcome's adjusted effect of the first pipeline (human-first) vs the second.

    ``analysis`` holds both estimators and the diagnostics; ``headline`` is the one shown (the
    rule is in ``analytics.stats.causal``). ``reason`` says why there is no estimate:
    "too_few" (a pipeline under the privacy threshold), "too_sparse" (too few applications for
    the parameters adjusting for everything needs: ``sparse`` = (available, parameters,
    needed), ``stats.causal.MIN_PER_PARAMETER``), "not_identified" (with ``detail``)."""

    outcome: str
    kind: str  # "rate" (0-1) | "score" (0-100)
    n_treated: int
    n_control: int
    analysis: sc.CausalAnalysis | None = None
    crude: Crude | None = None
    e_value: sc.EValue | None = None
    reason: str | None = None
    detail: str | None = None
    sparse: tuple[int, int, int] | None = None
    sd: float | None = None
    """The outcome's pooled within-pipeline SD, on the outcome's scale (rates 0-1, scores
    0-100): what a score's E-value standardises by, and the composite's SD is built from."""

    @property
    def estimated(self) -> bool:
        return self.analysis is not None

    @property
    def headline(self) -> sc.CausalEstimate | None:
        return self.analysis.headline if self.analysis is not None else None


@dataclass(frozen=True)
class CompositeEffect:
    """The quality composite: weighted mean of the adjusted components (0-100)."""

    components: dict[str, AdjustedEffect]
    weights: dict[str, float]
    mean_treated: float | None
    mean_control: float | None
    diff: float | None
    ci: Interval | None
    reason: str | None = None
    se: float | None = None
    """The standard error behind ``ci`` (the weighted sum of the components', conservative)."""
    sd: float | None = None
    """The composite's SD used to standardise its difference (``composite_sd``), 0-100."""
    e_value: sc.EValue | None = None
    """VanderWeele & Ding (2017) for the standardised difference ``diff / sd``."""

    @property
    def clear(self) -> bool:
        return self.ci is not None and (self.ci.low > 0 or self.ci.high < 0)


@dataclass(frozen=True)
class CausalEffects:
    """Every adjusted outcome for one filtered view, plus the pattern counts' size."""

    effects: dict[str, AdjustedEffect]
    composite: CompositeEffect
    patterns: int
    applications: int
    as_of: dt.date
    covariates: tuple[str, ...] = COVARIATES
    clustered: bool = False
    """Standard errors clustered by requisition (``adjusted_effects(cluster=True)``)."""


def _frame(cur: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> pd.DataFrame:
    """A small result as a DataFrame through Arrow: ``.df()`` spent 0.1 s converting the
    17,000 pattern rows' text columns (measured at 1M applications), Arrow a fifth of that."""
    return cur.sql(sql, params=params).to_arrow_table().to_pandas()


def _keys(alias: str, cluster: bool = False) -> str:
    # date_trunc, not strftime: formatting every row cost 0.4 s more at 1M applications; the
    # month is written as text on the few thousand pattern rows instead (``_with_month_text``).
    dims = ", ".join(
        f"coalesce(CAST({alias}.{c} AS VARCHAR), '(missing)') AS {c}" for c in COVARIATES[:-1]
    )
    keys = f"{dims}, date_trunc('month', {alias}.applied_on) AS month, {alias}.pipeline"
    if cluster:
        # The requisition as the cluster; an application without one is a cluster of its own
        # (nothing says it shares anything with another).
        keys += (
            f", coalesce('r:' || CAST({alias}.requisition_id AS VARCHAR),"
            f" 'a:' || CAST({alias}.application_id AS VARCHAR)) AS {sc.CLUSTER}"
        )
    return keys


def _with_month_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The month as "YYYY-MM" ("(missing)" without an application date)."""
    month = pd.to_datetime(frame["month"])
    frame["month"] = month.dt.strftime("%Y-%m").where(month.notna(), "(missing)")
    return frame


def application_patterns(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, cluster: bool = False
) -> pd.DataFrame:
    """Per covariate pattern and pipeline (and requisition, with ``cluster``): decided, hired
    and withdrawn applications."""
    where, params = filters.where("a")
    frame = _frame(
        cur,
        f"""
        SELECT
            {_keys("a", cluster)},
            {cp.application_counts_sql("a")}
        FROM applications AS a
        WHERE {where}
            AND a.pipeline = ANY($pipelines)
        GROUP BY ALL
        """,
        {**params, "pipelines": list(PIPELINES)},
    )
    return _with_month_text(frame)


def outcome_patterns(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: dt.date,
    ramp_target: int,
    *,
    cluster: bool = False,
) -> pd.DataFrame:
    """Per covariate pattern and pipeline: decided and accepted offers; hires followed 12
    months and retained; rated hires with the sum and sum of squares of the 0-100 rating (and of
    manager satisfaction); hires followed for the ramp target and ramped up within it."""
    where, params = filters.where("a")
    # ``app_outcomes`` has no requisition: the clustered counts join the tables themselves.
    if outcomes_fresh(cur) and not cluster:
        source = "app_outcomes AS a"
    else:
        source = """(
            SELECT a.*, o.accepted, h.start_on, h.perf_12m, h.manager_satisfaction,
                   h.ramp_days, h.left_on, h.application_id IS NOT NULL AS has_hire
            FROM applications AS a
            LEFT JOIN offers AS o ON o.application_id = a.application_id
            LEFT JOIN hires AS h ON h.application_id = a.application_id
            WHERE o.application_id IS NOT NULL OR h.application_id IS NOT NULL
        ) AS a"""
    counts = cp.outcome_counts_sql(
        as_of="$as_of", ret_days="$ret_days", ramp_target="$target", alias="a"
    )
    frame = _frame(
        cur,
        f"""
        SELECT
            {_keys("a", cluster)},
            {counts}
        FROM {source}
        WHERE {where}
            AND a.pipeline = ANY($pipelines)
        GROUP BY ALL
        """,
        {
            **params,
            "pipelines": list(PIPELINES),
            "as_of": as_of,
            "ret_days": RETENTION_DAYS,
            "target": int(ramp_target),
        },
    )
    return _with_month_text(frame)


# --- the load-time pattern table -------------------------------------------------------------

_APP_COLUMNS = cp.APPLICATION_COUNTS
_OUTCOME_COLUMNS = cp.OUTCOME_COUNTS
_SUMS = cp.SUMS


def whole_months(filters: Filters) -> bool:
    """The date range starts on a month's first day and ends on a month's last day (or is
    open), so a filter on the application month selects exactly the same applications."""
    start_ok = filters.date_from is None or filters.date_from.day == 1
    end = filters.date_to
    end_ok = end is None or end.day == calendar.monthrange(end.year, end.month)[1]
    return start_ok and end_ok


@dataclass(frozen=True)
class PatternSource:
    """Which path each pattern frame takes: the load-time table (True) or the scan (False)."""

    applications: bool
    outcomes: bool


def pattern_source(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date, ramp_target: int
) -> PatternSource:
    """Whether ``causal_patterns`` can answer this view exactly (see the module docstring)."""
    try:
        if not (whole_months(filters) and store.derived_fresh(cur, cp.TABLE)):
            return PatternSource(False, False)
        counted = cur.execute(
            f"SELECT DISTINCT as_of, ret_days, ramp_target FROM {cp.TABLE} LIMIT 2"
        ).fetchall()
    except duckdb.Error:
        return PatternSource(False, False)
    outcomes = counted == [(as_of, RETENTION_DAYS, int(ramp_target))]
    return PatternSource(True, outcomes)


def _derived_patterns(
    cur: duckdb.DuckDBPyConnection, filters: Filters, columns: tuple[str, ...]
) -> pd.DataFrame:
    """The pattern frame from ``causal_patterns``: the same keys as the scan ("(missing)" for a
    missing value, the month as "YYYY-MM"), summed over rows that share them (a NULL and a
    literal "(missing)" fall into one pattern, as in the scan). ``month`` is exposed as
    ``applied_on`` so that ``Filters.where`` applies unchanged (exact for whole months)."""
    where, params = filters.where("a")
    dims = ", ".join(
        f"coalesce(CAST(a.{c} AS VARCHAR), '(missing)') AS {c}" for c in COVARIATES[:-1]
    )
    sums = ", ".join(
        f"sum(a.{c}) AS {c}" if c in _SUMS else f"CAST(sum(a.{c}) AS BIGINT) AS {c}"
        for c in columns
    )
    return _frame(
        cur,
        f"""
        SELECT {dims}, a.month_text AS month, a.pipeline, {sums}
        FROM (SELECT *, month AS applied_on FROM {cp.TABLE}) AS a
        WHERE {where}
            AND a.pipeline = ANY($pipelines)
        GROUP BY ALL
        """,
        {**params, "pipelines": list(PIPELINES)},
    )


def pattern_frames(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: dt.date,
    ramp_target: int = DEFAULT_RAMP_TARGET,
    *,
    use_derived: bool = True,
    cluster: bool = False,
) -> tuple[dict[str, pd.DataFrame], PatternSource]:
    """The "applications" and "outcomes" pattern frames for a view, from the load-time table
    when it answers exactly, else by scanning (``use_derived=False`` forces the scan).
    ``cluster``: split by requisition too (column ``stats.causal.CLUSTER``), always by the scan
    (the load-time table has no requisition)."""
    if cluster:
        apps = application_patterns(cur, filters, cluster=True)
        outs = outcome_patterns(cur, filters, as_of, ramp_target, cluster=True)
        return {"applications": apps, "outcomes": outs}, PatternSource(False, False)
    source = (
        pattern_source(cur, filters, as_of, ramp_target)
        if use_derived
        else PatternSource(False, False)
    )
    keys = [*COVARIATES, "pipeline"]
    if source.outcomes:
        # One query for both frames. The scan builds the outcome frame from applications with
        # an offer or a hire only: here the patterns with such applications; the others add
        # exact zeros to every outcome column, so the sums are the same.
        both = _derived_patterns(cur, filters, (*_APP_COLUMNS, "outcome_rows", *_OUTCOME_COLUMNS))
        apps = both[[*keys, *_APP_COLUMNS]]
        outs = both.loc[both.outcome_rows.to_numpy() > 0, [*keys, *_OUTCOME_COLUMNS]]
        return {"applications": apps, "outcomes": outs.reset_index(drop=True)}, source
    apps = (
        _derived_patterns(cur, filters, _APP_COLUMNS)
        if source.applications
        else application_patterns(cur, filters)
    )
    outs = outcome_patterns(cur, filters, as_of, ramp_target)
    return {"applications": apps, "outcomes": outs}, source


def _coded(frame: pd.DataFrame) -> pd.DataFrame:
    """The covariates as categoricals with sorted categories, once per pattern frame: the
    models' factorizing then reads the codes (``stats.causal._codes``) instead of sorting the
    same text for every outcome.

    Row order: neither path sorts (an ORDER BY over the text keys cost 13 ms at 17,000
    patterns). Nothing depends on it: the models sort the patterns by their codes, and the sums
    taken here over rows are ``math.fsum`` (exactly rounded, so the same in any order)."""
    out = {c: frame[c] for c in frame.columns}
    for c in COVARIATES:
        codes, levels = pd.factorize(frame[c], sort=True)
        out[c] = pd.Categorical.from_codes(codes, categories=pd.Index(levels, dtype=str))
    return pd.DataFrame(out)


def _patterns_for(frame: pd.DataFrame, outcome: str) -> pd.DataFrame:
    _, n, s1, s2, _ = _SPEC[outcome]
    keep = frame[n].to_numpy() > 0
    # The arrays themselves (categorical covariates from ``_coded`` stay codes) and one frame
    # at the end: selecting and assigning column by column on a frame cost 7 ms per outcome.
    out: dict[str, object] = {c: frame[c].array[keep] for c in COVARIATES}
    out[sc.TREATED] = (frame["pipeline"].to_numpy() == PIPELINES[0])[keep].astype(int)
    for col, name in ((sc.N, n), (sc.Y_SUM, s1), (sc.Y_SUMSQ, s2)):
        out[col] = frame[name].to_numpy(dtype=float)[keep]
    if sc.CLUSTER in frame.columns:  # clustered standard errors (by requisition)
        out[sc.CLUSTER] = frame[sc.CLUSTER].to_numpy()[keep]
    return pd.DataFrame(out)


def _arm_sums(p: pd.DataFrame) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """(n, sum, sum of squares) of the first pipeline and of the second."""
    t = p[sc.TREATED].to_numpy() == 1
    cols = [p[c].to_numpy(dtype=float) for c in (sc.N, sc.Y_SUM, sc.Y_SUMSQ)]
    # fsum: exactly rounded, so the result does not depend on the order of the rows.
    n1, k1, q1 = (math.fsum(v[t]) for v in cols)
    n0, k0, q0 = (math.fsum(v[~t]) for v in cols)
    return (n1, k1, q1), (n0, k0, q0)


def _crude(p: pd.DataFrame, family: str) -> Crude | None:
    (n1, k1, q1), (n0, k0, q0) = _arm_sums(p)
    if family == "b":
        cmp = stats.compare_proportions(int(k1), int(n1), int(k0), int(n0))
        return Crude(cmp.p1, cmp.p2, cmp.diff, cmp.ci)
    if n1 < 2 or n0 < 2:
        return None
    m1, m0 = k1 / n1, k0 / n0
    v1 = max(q1 - n1 * m1 * m1, 0.0) / (n1 - 1)
    v0 = max(q0 - n0 * m0 * m0, 0.0) / (n0 - 1)
    diff, ci, _ = stats.welch(int(n1), m1, v1, int(n0), m0, v0)
    return Crude(m1, m0, diff, ci)


def _pooled_sd(p: pd.DataFrame) -> float | None:
    """The outcome's pooled within-pipeline SD from the pattern sums (``stats.causal.pooled_sd``;
    for a yes/no outcome the sum of squares is the count, so this is the binary SD)."""
    (n1, k1, q1), (n0, k0, q0) = _arm_sums(p)
    sd = sc.pooled_sd(n1, k1, q1, n0, k0, q0)
    return sd if math.isfinite(sd) and sd > 0 else None


def _e_value(analysis: sc.CausalAnalysis, sd: float | None, family: str) -> sc.EValue | None:
    """The headline's E-value: from the risk ratio for a yes/no outcome; for a score from the
    standardised difference (difference and its SE over the pooled SD, ``e_value_smd``)."""
    est = analysis.headline
    try:
        if family == "b":
            if not (math.isfinite(est.ratio) and est.ratio > 0):
                return None
            return sc.e_value(est.ratio, est.ratio_ci)
        if sd is None:
            return None
        return sc.e_value_smd(est.diff / sd, est.diff_se / sd)
    except ValueError:
        return None


def effect_from_patterns(
    frame: pd.DataFrame, outcome: str, memo: dict[bytes, object] | None = None
) -> AdjustedEffect:
    """One outcome's adjusted effect from the pattern frame its ``_SPEC`` names (``memo``: one
    dict per run, see ``stats.causal.adjusted_effect``)."""
    family = _SPEC[outcome][4]
    kind = "rate" if family == "b" else "score"
    p = _patterns_for(frame, outcome)
    (n1f, _, _), (n0f, _, _) = _arm_sums(p)
    n1, n0 = int(n1f), int(n0f)
    if n1 < PRIVACY_THRESHOLD or n0 < PRIVACY_THRESHOLD:
        return AdjustedEffect(outcome, kind, n1, n0, reason="too_few")
    crude = _crude(p, family)
    try:
        analysis = sc.adjusted_effect(
            p, COVARIATES, family="binomial" if family == "b" else "gaussian", memo=memo
        )
    except sc.TooSparseError as e:
        return AdjustedEffect(
            outcome,
            kind,
            n1,
            n0,
            crude=crude,
            reason="too_sparse",
            detail=str(e),
            sparse=(e.available, e.parameters, e.needed),
        )
    except sc.NotIdentifiedError as e:
        return AdjustedEffect(
            outcome, kind, n1, n0, crude=crude, reason="not_identified", detail=str(e)
        )
    if analysis.n_treated < PRIVACY_THRESHOLD or analysis.n_control < PRIVACY_THRESHOLD:
        return AdjustedEffect(outcome, kind, n1, n0, reason="too_few")
    sd = _pooled_sd(p)
    return AdjustedEffect(
        outcome,
        kind,
        n1,
        n0,
        analysis=analysis,
        crude=crude,
        e_value=_e_value(analysis, sd, family),
        sd=sd,
    )


def composite_sd(components: Mapping[str, AdjustedEffect], weights: Mapping[str, float]) -> float:
    """The composite's SD for its E-value: the weighted sum of the components' pooled SDs (rates
    in points, scores as they are). The components are measured on different sets of hires, so
    the SD of one hire's composite cannot be computed from the pattern sums; this sum is its
    upper bound (``sd(sum w_c Y_c) <= sum w_c sd(Y_c)``, equal when the components move
    together), so the standardised difference and its E-value are never overstated. NaN when a
    component has no SD."""
    total = sum(weights.values())
    sd = 0.0
    for c, w in weights.items():
        comp_sd = components[c].sd
        if comp_sd is None:
            return math.nan
        sd += w * (100.0 if components[c].kind == "rate" else 1.0) * comp_sd / total
    return sd


def composite(
    components: Mapping[str, AdjustedEffect], weights: Mapping[str, float]
) -> CompositeEffect:
    """Weighted mean of the components' adjusted means (rates in per cent, scores as they are);
    the interval adds the weighted standard errors (conservative, see the module docstring);
    the E-value standardises the difference and that SE by ``composite_sd``."""
    used = {c: float(w) for c, w in weights.items() if w > 0}
    comps = {c: components[c] for c in used}
    total = sum(used.values())
    missing = [c for c, eff in comps.items() if eff.headline is None]
    if not used or total <= 0 or missing:
        return CompositeEffect(comps, used, None, None, None, None, reason="components_missing")
    mt = mc = se = 0.0
    for c, w in used.items():
        est = comps[c].headline
        assert est is not None
        scale = 100.0 if comps[c].kind == "rate" else 1.0
        mt += w * scale * est.mean_treated / total
        mc += w * scale * est.mean_control / total
        se += w * scale * est.diff_se / total
    z = 1.959963984540054
    diff = mt - mc
    sd = composite_sd(comps, used)
    ev = None
    if math.isfinite(sd) and sd > 0:
        try:
            ev = sc.e_value_smd(diff / sd, se / sd)
        except ValueError:
            ev = None
    return CompositeEffect(
        comps,
        used,
        mt,
        mc,
        diff,
        Interval(diff - z * se, diff + z * se),
        se=se,
        sd=sd if math.isfinite(sd) else None,
        e_value=ev,
    )


def adjusted_effects(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: dt.date,
    *,
    ramp_target: int = DEFAULT_RAMP_TARGET,
    weights: Mapping[str, float] | None = None,
    outcomes: tuple[str, ...] = OUTCOMES,
    use_derived: bool = True,
    cluster: bool = False,
) -> CausalEffects:
    """Every requested outcome's adjusted effect for the filtered view: the pattern counts from
    the load-time table (or the scan, ``pattern_frames``), then the models. ``use_derived=False``
    forces the scan (tests and the benchmark compare the two). ``cluster=True``: standard errors
    clustered by requisition (pipelines are usually chosen per requisition, so its applications
    are not independent); the same estimates, from a scan split by requisition. Not used by the
    pages yet (they say their intervals treat applications as independent)."""
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    frames, _ = pattern_frames(
        cur, filters, as_of, ramp_target, use_derived=use_derived, cluster=cluster
    )
    apps = frames["applications"]
    frames = {k: _coded(v) for k, v in frames.items()}
    wanted = [o for o in outcomes if o != "quality_composite"]
    if "quality_composite" in outcomes:
        wanted += [c for c, w in weights.items() if w > 0 and c not in wanted]
    memo: dict[bytes, object] = {}  # this run only: hire rate and withdrawal share a propensity
    effects = {o: effect_from_patterns(frames[_SPEC[o][0]], o, memo) for o in wanted}
    comp = composite(effects, weights) if "quality_composite" in outcomes else None
    return CausalEffects(
        effects=effects,
        composite=comp or CompositeEffect({}, {}, None, None, None, None, reason="not_requested"),
        patterns=len(apps),
        applications=int(apps.decided.sum()) if len(apps) else 0,
        as_of=as_of,
        clustered=cluster,
    )


def propensity_histogram(analysis: sc.CausalAnalysis, bins: int = 20) -> pd.DataFrame:
    """Applications per propensity bin and pipeline, as shares of each pipeline, for the overlap
    chart. Bins with fewer than ``PRIVACY_THRESHOLD`` applications are hidden (``share`` NaN),
    and when a pipeline has exactly one hidden bin its next smallest is hidden too, so no hidden
    count follows from the total."""
    prop = analysis.overlap.propensity
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(prop.e.to_numpy(), edges) - 1, 0, bins - 1)
    rows = []
    for pipe, col in zip(PIPELINES, ("n_treated", "n_control"), strict=True):
        counts = np.bincount(idx, weights=prop[col].to_numpy(float), minlength=bins)
        hidden = (counts > 0) & (counts < PRIVACY_THRESHOLD)
        if hidden.sum() == 1:
            shown = np.where(~hidden & (counts > 0), counts, np.inf)
            if np.isfinite(shown).any():
                hidden[int(np.argmin(shown))] = True
        total = counts.sum()
        for b in range(bins):
            rows.append(
                {
                    "pipeline": pipe,
                    "low": edges[b],
                    "high": edges[b + 1],
                    "share": math.nan if hidden[b] else counts[b] / total,
                }
            )
    return pd.DataFrame(rows)


def balance_table(analysis: sc.CausalAnalysis) -> pd.DataFrame:
    """The love plot's rows: levels where both pipelines reach the privacy threshold."""
    b = analysis.balance
    keep = (b.n_treated >= PRIVACY_THRESHOLD) & (b.n_control >= PRIVACY_THRESHOLD)
    return b.loc[keep, ["covariate", "level", "smd_before", "smd_after"]].reset_index(drop=True)
