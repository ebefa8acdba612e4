"""Contingency tables: the 2x2 comparison (risk difference, ratio, odds ratio, test), r x c
crosstabs (chi-square, Cramer's V, adjusted residuals, column letters), Mantel-Haenszel.

Sources are cited at each formula; tested against published values (tests/analytics/stats).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize, stats

from analytics.stats.base import (
    _NAN_INTERVAL,
    MIN_EXPECTED_FOR_CHI_SQUARE,
    Interval,
    _check_alpha,
    _check_conf,
    _check_k_n,
    _column_label,
    _z,
)
from analytics.stats.proportions import mn_difference

# ---------------------------------------------------------------------------------------------
# Two-group comparison (2x2 table)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProportionComparison:
    """Group 1 vs group 2 on a yes/no outcome (e.g. human-first vs automation-first acceptance).

    ``ci``, ``p_value`` and the verdict (:attr:`clear`) come from one procedure: the
    Miettinen-Nurminen score interval for ``diff = p1 - p2`` and the score test it inverts
    (``test`` = "mn-score"; "none" with NaN p when a group is empty). So "clear" is never
    printed beside p >= 0.05 or beside an interval that contains 0.
    """

    p1: float
    p2: float
    diff: float
    ci: Interval
    p_value: float
    test: str
    risk_ratio: float
    risk_ratio_ci: Interval
    odds_ratio: float
    odds_ratio_ci: Interval
    cohens_h: float
    n1: int
    n2: int
    k1: int
    k2: int
    statistic: float = math.nan
    conf: float = 0.95

    @property
    def clear(self) -> bool:
        """A "clear difference": the score test's p < 1 - conf, which (by construction, see
        ``stats.proportions.mn_difference``) is exactly when the interval excludes 0."""
        return bool(self.p_value < 1.0 - self.conf)


def _two_by_two_test(table: np.ndarray) -> tuple[float, str]:
    """P-value for a 2x2 count table per DESIGN.md: Pearson chi-square (no Yates), or Fisher's
    exact test (two-sided, R's "sum of probabilities <= observed") when an expected count < 5.

    Returns (nan, "none") when a row or column total is zero (no test is possible).
    """
    rows = table.sum(axis=1)
    cols = table.sum(axis=0)
    if (rows <= 0).any() or (cols <= 0).any():
        return math.nan, "none"
    expected = np.outer(rows, cols) / table.sum()
    if expected.min() < MIN_EXPECTED_FOR_CHI_SQUARE:
        return float(stats.fisher_exact(table.astype(np.int64)).pvalue), "fisher"
    # scipy applies Yates' correction to 2x2 tables by default (PITFALLS.md): switch it off.
    result = stats.chi2_contingency(table, correction=False)
    return float(result.pvalue), "chi-square"


def _log_ratio_ci(log_est: float, se: float, z: float) -> Interval:
    return Interval(math.exp(log_est - z * se), math.exp(log_est + z * se))


def _odds_ratio_woolf(a: float, b: float, c: float, d: float, z: float) -> tuple[float, Interval]:
    """Odds ratio ad/bc with Woolf's (1955) logit interval, se = sqrt(1/a + 1/b + 1/c + 1/d).

    With a zero cell the Haldane (1956) / Anscombe correction adds 0.5 to every cell, for the
    estimate and the interval alike, so that both are finite and consistent.
    A zero row or column total makes the odds ratio undefined: (nan, (nan, nan)).
    """
    if a + b == 0 or c + d == 0 or a + c == 0 or b + d == 0:
        return math.nan, _NAN_INTERVAL
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    log_or = math.log(a * d / (b * c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return math.exp(log_or), _log_ratio_ci(log_or, se, z)


def _risk_ratio_katz(
    k1: float, n1: float, k2: float, n2: float, z: float
) -> tuple[float, Interval]:
    """Risk ratio p1/p2 with the Katz et al. (1978) Biometrics 34:469 log interval,
    se = sqrt(1/k1 - 1/n1 + 1/k2 - 1/n2).

    With a zero success count, 0.5 is added to every cell (k + 0.5 of n + 1), for the estimate
    and the interval alike. Undefined (nan) when a group is empty or nobody had the outcome.
    """
    if n1 == 0 or n2 == 0 or k1 + k2 == 0:
        return math.nan, _NAN_INTERVAL
    if k1 == 0 or k2 == 0:
        k1, n1, k2, n2 = k1 + 0.5, n1 + 1.0, k2 + 0.5, n2 + 1.0
    log_rr = math.log((k1 / n1) / (k2 / n2))
    se = math.sqrt(max(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2, 0.0))
    return math.exp(log_rr), _log_ratio_ci(log_rr, se, z)


def compare_proportions(
    k1: int, n1: int, k2: int, n2: int, conf: float = 0.95
) -> ProportionComparison:
    """Compare two proportions k1/n1 and k2/n2 with one decision rule (DESIGN.md).

    - ``diff`` = p1 - p2 with the Miettinen & Nurminen (1985, Stat Med 4:213) score interval and
      its score test ("N-1" chi-square at 0; ``stats.proportions.mn_difference``): the interval,
      ``p_value`` and :attr:`ProportionComparison.clear` are one procedure. ``test`` = "none" and
      ``p_value`` = nan only when a group is empty. Newcombe (1998b) Table II and an independent
      implementation check the interval (tests/analytics/stats/test_proportions.py);
    - ``risk_ratio`` with the Katz log interval, ``odds_ratio`` with Woolf's interval (Haldane's
      0.5 correction when a cell is zero); descriptive, not part of the verdict;
    - ``cohens_h`` = 2 asin(sqrt p1) - 2 asin(sqrt p2) (Cohen 1988, ch. 6).
    """
    k1_int, n1_int = _check_k_n(k1, n1, "k1", "n1")
    k2_int, n2_int = _check_k_n(k2, n2, "k2", "n2")
    conf = _check_conf(conf)
    z = _z(conf)

    p1 = k1_int / n1_int if n1_int else math.nan
    p2 = k2_int / n2_int if n2_int else math.nan
    diff = p1 - p2
    if n1_int and n2_int:
        ci, statistic, p_value = mn_difference(
            float(k1_int), float(n1_int), float(k2_int), float(n2_int), conf
        )
        test = "mn-score"
    else:
        ci, statistic, p_value, test = Interval(-1.0, 1.0), math.nan, math.nan, "none"

    table = np.array([[k1_int, n1_int - k1_int], [k2_int, n2_int - k2_int]], dtype=float)
    risk_ratio, rr_ci = _risk_ratio_katz(k1_int, n1_int, k2_int, n2_int, z)
    odds_ratio, or_ci = _odds_ratio_woolf(*table.ravel().tolist(), z)
    if n1_int and n2_int:
        cohens_h = 2.0 * math.asin(math.sqrt(p1)) - 2.0 * math.asin(math.sqrt(p2))
    else:
        cohens_h = math.nan

    return ProportionComparison(
        p1=p1,
        p2=p2,
        diff=diff,
        ci=ci,
        p_value=p_value,
        test=test,
        risk_ratio=risk_ratio,
        risk_ratio_ci=rr_ci,
        odds_ratio=odds_ratio,
        odds_ratio_ci=or_ci,
        cohens_h=cohens_h,
        n1=n1_int,
        n2=n2_int,
        k1=k1_int,
        k2=k2_int,
        statistic=statistic,
        conf=conf,
    )


# ---------------------------------------------------------------------------------------------
# r x c crosstabs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrosstabResult:
    """Pearson chi-square test of independence for an r x c table, with effect size and cells.

    ``expected`` and ``adjusted_residuals`` have the shape of the input table; rows or columns
    whose total is zero are left out of the test and get NaN there. ``test`` is "chi-square", or
    "none" (statistic and p-value NaN) when fewer than two non-empty rows or columns remain.
    ``share_expected_below_5`` lets the caller warn about Cochran's rule.
    """

    statistic: float
    dof: int
    p_value: float
    cramers_v: float
    expected: np.ndarray
    adjusted_residuals: np.ndarray
    test: str
    n: float
    share_expected_below_5: float


def _as_count_table(table: ArrayLike | pd.DataFrame, name: str = "table") -> np.ndarray:
    """A 2-D array of non-negative finite counts (weighted, non-integer counts are allowed)."""
    try:
        raw = table.to_numpy() if isinstance(table, pd.DataFrame) else np.asarray(table)
        values = raw.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must contain numeric counts: {exc}") from exc
    if values.ndim != 2:
        raise ValueError(
            f"{name} must be two-dimensional (rows x columns), got shape {values.shape}"
        )
    if not np.isfinite(values).all():
        raise ValueError(f"{name} contains missing or infinite counts")
    if (values < 0).any():
        raise ValueError(f"{name} contains negative counts (smallest: {values.min()!r})")
    return values


def crosstab_test(table: ArrayLike | pd.DataFrame) -> CrosstabResult:
    """Chi-square test of independence, Cramér's V and adjusted standardized residuals.

    - statistic: Pearson's X^2 without Yates' correction (``chi2_contingency(correction=False)``;
      scipy's default corrects 2x2 tables, PITFALLS.md), dof = (r-1)(c-1);
    - Cramér's V = sqrt(X^2 / (N (min(r, c) - 1))) (Cramér 1946, eq. 21.9.3);
    - adjusted residuals (o - e) / sqrt(e (1 - r_i/N) (1 - c_j/N)) (Agresti 2007, An Introduction
      to Categorical Data Analysis, 2nd ed., section 2.4.5; R's ``chisq.test(...)$stdres``).

    Counts may be non-integer (weighted tables rescaled to the Kish effective n).
    """
    values = _as_count_table(table)
    shape = values.shape
    expected_full = np.full(shape, np.nan)
    residuals_full = np.full(shape, np.nan)
    row_keep = values.sum(axis=1) > 0
    col_keep = values.sum(axis=0) > 0
    observed = values[np.ix_(row_keep, col_keep)]
    n_total = float(values.sum())
    if observed.shape[0] < 2 or observed.shape[1] < 2:
        return CrosstabResult(
            statistic=math.nan,
            dof=0,
            p_value=math.nan,
            cramers_v=math.nan,
            expected=expected_full,
            adjusted_residuals=residuals_full,
            test="none",
            n=n_total,
            share_expected_below_5=math.nan,
        )
    row_totals = observed.sum(axis=1, keepdims=True)
    col_totals = observed.sum(axis=0, keepdims=True)
    expected = row_totals @ col_totals / n_total
    result = stats.chi2_contingency(observed, correction=False)
    statistic = float(result.statistic)
    dof = int(result.dof)
    residuals = (observed - expected) / np.sqrt(
        expected * (1.0 - row_totals / n_total) * (1.0 - col_totals / n_total)
    )
    expected_full[np.ix_(row_keep, col_keep)] = expected
    residuals_full[np.ix_(row_keep, col_keep)] = residuals
    min_dim = min(observed.shape) - 1
    return CrosstabResult(
        statistic=statistic,
        dof=dof,
        p_value=float(result.pvalue),
        cramers_v=math.sqrt(statistic / (n_total * min_dim)),
        expected=expected_full,
        adjusted_residuals=residuals_full,
        test="chi-square",
        n=n_total,
        share_expected_below_5=float((expected < MIN_EXPECTED_FOR_CHI_SQUARE).mean()),
    )


def column_letters(table: ArrayLike | pd.DataFrame, alpha: float = 0.05) -> np.ndarray:
    """Column-proportion letters as in SPSS Custom Tables / Displayr ("compare column proportions").

    Columns are labelled A, B, C, ... For every row, each pair of columns is compared with the
    two-sample z-test of column proportions using the pooled proportion,
    z = (p_a - p_b) / sqrt(p (1 - p) (1/C_a + 1/C_b)) (IBM SPSS Statistics Algorithms, "CTABLES:
    comparing column proportions"), with a Bonferroni correction for the c'(c'-1)/2 pairs in the
    row (c' = non-empty columns). A cell gets the letter of every column whose proportion is
    significantly *smaller* than its own, so "AC" reads "higher than columns A and C".

    Returns an object array of strings with the table's shape ("" where nothing is significant).
    Pairs whose pooled proportion is 0 or 1 have no variance and are not tested.
    """
    values = _as_count_table(table)
    alpha = _check_alpha(alpha)
    n_rows, n_cols = values.shape
    letters = np.full(values.shape, "", dtype=object)
    col_totals = values.sum(axis=0)
    used = [j for j in range(n_cols) if col_totals[j] > 0]
    n_pairs = len(used) * (len(used) - 1) // 2
    if n_pairs == 0:
        return letters
    for i in range(n_rows):
        cell_letters: list[list[str]] = [[] for _ in range(n_cols)]
        for pos, a in enumerate(used):
            for b in used[pos + 1 :]:
                p_a = values[i, a] / col_totals[a]
                p_b = values[i, b] / col_totals[b]
                pooled = (values[i, a] + values[i, b]) / (col_totals[a] + col_totals[b])
                var = pooled * (1.0 - pooled) * (1.0 / col_totals[a] + 1.0 / col_totals[b])
                if var <= 0:
                    continue
                z_value = (p_a - p_b) / math.sqrt(var)
                p_adj = min(1.0, 2.0 * float(stats.norm.sf(abs(z_value))) * n_pairs)
                if p_adj < alpha:
                    winner, loser = (a, b) if p_a > p_b else (b, a)
                    cell_letters[winner].append(_column_label(loser))
        for j in range(n_cols):
            letters[i, j] = "".join(sorted(cell_letters[j]))
    return letters


# ---------------------------------------------------------------------------------------------
# Stratified 2x2 tables: Mantel-Haenszel
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MantelHaenszelResult:
    """Adjusted (Mantel-Haenszel) and crude odds ratios for a set of 2x2 tables.

    Each table is [[a, b], [c, d]]: rows = groups (group 1 first), columns = outcome yes / no.
    ``homogeneity_p`` is the Breslow-Day test with Tarone's (1985) correction
    (``homogeneity_test`` names it). ``reversal``: crude and adjusted point opposite ways.
    """

    odds_ratio: float
    ci: Interval
    statistic: float
    p_value: float
    homogeneity_p: float
    homogeneity_test: str
    crude_odds_ratio: float
    crude_ci: Interval
    crude_p_value: float
    reversal: bool
    n_strata: int
    correction: bool

    @property
    def clear(self) -> bool:
        """The adjusted odds ratio's interval excludes 1."""
        return self.ci.excludes(1.0)

    @property
    def crude_clear(self) -> bool:
        """The crude odds ratio's interval excludes 1."""
        return self.crude_ci.excludes(1.0)


def _as_strata(tables: Iterable[ArrayLike] | np.ndarray) -> np.ndarray:
    arrays = [np.asarray(t, dtype=float) for t in tables]
    if not arrays:
        raise ValueError("mantel_haenszel needs at least one 2x2 table")
    for index, arr in enumerate(arrays):
        if arr.shape != (2, 2):
            raise ValueError(f"stratum {index} must be a 2x2 table, got shape {arr.shape}")
        if not np.isfinite(arr).all() or (arr < 0).any():
            raise ValueError(f"stratum {index} contains negative or missing counts: {arr.tolist()}")
        if (arr != np.floor(arr)).any():
            raise ValueError(f"stratum {index} contains non-integer counts: {arr.tolist()}")
    return np.stack(arrays)


def _breslow_day_tarone(strata: np.ndarray, odds_ratio: float) -> float:
    """Breslow-Day (1980, IARC Sci Publ 32, section 4.5) homogeneity test with Tarone's (1985)
    Biometrika 72:91 correction, df = K - 1 over strata with all margins positive.

    For each stratum (row total r1, column total c1, size n) the expected a~ under the common OR
    solves a~ (n - r1 - c1 + a~) = OR (r1 - a~)(c1 - a~) in [max(0, r1 + c1 - n), min(r1, c1)], and
    Var(a~) = 1 / (1/a~ + 1/(r1 - a~) + 1/(c1 - a~) + 1/(n - r1 - c1 + a~)).
    """
    if not math.isfinite(odds_ratio) or odds_ratio <= 0:
        return math.nan
    total_stat = 0.0
    sum_a = sum_e = sum_v = 0.0
    informative = 0
    for table in strata:
        a = table[0, 0]
        r1 = table[0].sum()
        c1 = table[:, 0].sum()
        n = table.sum()
        if min(r1, n - r1, c1, n - c1) <= 0:
            continue
        lo, hi = max(0.0, r1 + c1 - n), min(r1, c1)
        if hi - lo <= 0:
            continue

        def score(x: float, r1: float = r1, c1: float = c1, n: float = n) -> float:
            return x * (n - r1 - c1 + x) - odds_ratio * (r1 - x) * (c1 - x)

        expected_a = float(optimize.brentq(score, lo, hi, xtol=1e-12))
        cells = np.array([expected_a, r1 - expected_a, c1 - expected_a, n - r1 - c1 + expected_a])
        if (cells <= 0).any():
            continue
        var = 1.0 / float((1.0 / cells).sum())
        total_stat += (a - expected_a) ** 2 / var
        sum_a += a
        sum_e += expected_a
        sum_v += var
        informative += 1
    if informative < 2:
        return math.nan
    total_stat -= (sum_a - sum_e) ** 2 / sum_v  # Tarone (1985)
    return float(stats.chi2.sf(total_stat, informative - 1))


def _mh_odds_ratio(strata: np.ndarray, z: float) -> tuple[float, Interval]:
    """OR_MH = sum(a d / n) / sum(b c / n) (Mantel & Haenszel 1959) with the Robins, Breslow &
    Greenland (1986) interval on the log scale; 0, infinite or NaN (no interval) when a sum is 0."""
    a, b, c, d = strata[:, 0, 0], strata[:, 0, 1], strata[:, 1, 0], strata[:, 1, 1]
    n = a + b + c + d
    r_ad = a * d / n
    s_bc = b * c / n
    r_sum = float(r_ad.sum())
    s_sum = float(s_bc.sum())
    if r_sum > 0 and s_sum > 0:
        odds_ratio = r_sum / s_sum
        p_ = (a + d) / n
        q_ = (b + c) / n
        var_log = (
            float((p_ * r_ad).sum()) / (2 * r_sum**2)
            + float((p_ * s_bc + q_ * r_ad).sum()) / (2 * r_sum * s_sum)
            + float((q_ * s_bc).sum()) / (2 * s_sum**2)
        )
        return odds_ratio, _log_ratio_ci(math.log(odds_ratio), math.sqrt(var_log), z)
    if r_sum > 0:
        return math.inf, _NAN_INTERVAL
    if s_sum > 0:
        return 0.0, _NAN_INTERVAL
    return math.nan, _NAN_INTERVAL


def _cmh_test(strata: np.ndarray, correction: bool) -> tuple[float, float]:
    """The Cochran-Mantel-Haenszel chi-square (df 1) with R's ``mantelhaen.test`` continuity
    rule (formula in :func:`mantel_haenszel`); (nan, nan) without variance."""
    a, b, c, d = strata[:, 0, 0], strata[:, 0, 1], strata[:, 1, 0], strata[:, 1, 1]
    n = a + b + c + d
    r1, r2, c1, c2 = a + b, c + d, a + c, b + d
    expected_a = r1 * c1 / n
    var_a = r1 * r2 * c1 * c2 / (n**2 * (n - 1))
    delta = float((a - expected_a).sum())
    var_sum = float(var_a.sum())
    if var_sum <= 0:
        return math.nan, math.nan
    yates = 0.5 if correction and abs(delta) >= 0.5 else 0.0
    statistic = (abs(delta) - yates) ** 2 / var_sum
    return statistic, float(stats.chi2.sf(statistic, 1))


def mantel_haenszel(
    tables: Iterable[ArrayLike] | np.ndarray, correction: bool = True, *, conf: float = 0.95
) -> MantelHaenszelResult:
    """Mantel-Haenszel common odds ratio and test over strata (e.g. role family x seniority).

    - OR_MH = sum(a d / n) / sum(b c / n) (Mantel & Haenszel 1959, JNCI 22:719);
    - its ``conf`` interval from the Robins, Breslow & Greenland (1986) Biometrics 42:311
      variance of log OR_MH: sum(P R)/(2 R+^2) + sum(P S + Q R)/(2 R+ S+) + sum(Q S)/(2 S+^2), with
      P = (a+d)/n, Q = (b+c)/n, R = ad/n, S = bc/n;
    - ``statistic``: the CMH chi-square (|sum a - sum E a| - 1/2)^2 / sum Var a, df 1, with
      E a = r1 c1 / n and Var a = r1 r2 c1 c2 / (n^2 (n - 1)); the 1/2 is applied only when
      ``correction`` and |sum a - sum E a| >= 1/2, exactly as R's ``mantelhaen.test``;
    - crude = the pooled table, with Woolf's interval and the :func:`compare_proportions` test.

    Strata with fewer than 2 observations carry no information and are skipped. ``reversal`` is
    True only when the crude and adjusted odds ratios point in opposite directions (one > 1, the
    other < 1); a change of significance alone is not a reversal. Undefined quantities (e.g. the MH
    odds ratio is 0 or infinite, so the RGB interval does not exist) are NaN.
    """
    conf = _check_conf(conf)
    strata = _as_strata(tables)
    totals = strata.sum(axis=(1, 2))
    strata = strata[totals >= 2]
    z = _z(conf)
    odds_ratio, ci = _mh_odds_ratio(strata, z)
    statistic, p_value = _cmh_test(strata, correction)

    homogeneity_p = _breslow_day_tarone(strata, odds_ratio)

    pooled = strata.sum(axis=0) if len(strata) else np.zeros((2, 2))
    crude_or, crude_ci = _odds_ratio_woolf(*pooled.ravel().tolist(), z)
    crude_p, _ = _two_by_two_test(pooled)

    reversal = _is_reversal(crude_or, crude_ci, odds_ratio, ci)
    return MantelHaenszelResult(
        odds_ratio=odds_ratio,
        ci=ci,
        statistic=statistic,
        p_value=p_value,
        homogeneity_p=homogeneity_p,
        homogeneity_test="breslow-day-tarone",
        crude_odds_ratio=crude_or,
        crude_ci=crude_ci,
        crude_p_value=crude_p,
        reversal=reversal,
        n_strata=len(strata),
        correction=correction,
    )


def _is_reversal(crude_or: float, crude_ci: Interval, adj_or: float, adj_ci: Interval) -> bool:
    """Simpson's paradox in the strict sense: the crude and adjusted odds ratios point in
    opposite directions (one above 1, the other below). A change of significance alone is not a
    reversal (see :func:`adjustment_change`). ``crude_ci``/``adj_ci`` are kept for the signature."""
    del crude_ci, adj_ci
    if math.isnan(crude_or) or math.isnan(adj_or):
        return False
    crude_dir = (crude_or > 1) - (crude_or < 1)
    adj_dir = (adj_or > 1) - (adj_or < 1)
    return crude_dir * adj_dir < 0
