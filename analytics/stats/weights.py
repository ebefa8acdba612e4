"""Survey weights: raking to target margins, trimming, and the checks that keep them honest.

Why: candidate surveys over-represent some groups (hired candidates answer more often than rejected
ones; some regions answer more than others). Raking (iterative proportional fitting on the margins,
Deming & Stephan 1940, Ann Math Stat 11:427) gives each respondent a weight so that the weighted
sample reproduces known population shares for several variables at once, without needing the full
joint distribution. Extreme weights cost precision (Kish's design effect), so weights can be
trimmed to bounds relative to the mean weight and re-raked ("trimmed raking", Battaglia, Izrael,
Hoaglin & Frankel 2009, "Practical considerations in raking survey data", Survey Practice 2(5)).

Failures are loud: a target level nobody answered, a respondent level missing from the targets or
bounds that cannot be met all raise :class:`RakingError` naming the column and level, because a
silently wrong weight would change every weighted number in the app.

Intervals and tests on weighted data use the Kish effective n (``analytics.stats``).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize

from analytics.domain import AivshiError

__all__ = ["RakingError", "margin_shares", "rake", "trim_weights"]


class RakingError(AivshiError, ValueError):
    """Raking cannot produce valid weights for this frame and these targets."""


def _check_bounds(bounds: tuple[float, float]) -> tuple[float, float]:
    try:
        low, high = (float(b) for b in bounds)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bounds must be a pair (low, high), got {bounds!r}") from exc
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"bounds must be finite numbers, got {bounds!r}")
    if not 0.0 <= low <= 1.0 <= high or low == high:
        raise ValueError(
            "bounds are relative to the mean weight and must satisfy 0 <= low <= 1 <= high "
            f"with low < high (e.g. (0.3, 3.0)), got {bounds!r}"
        )
    return low, high


def _trim_array(w: np.ndarray, low: float, high: float) -> np.ndarray:
    """Trim positive weights to [low, high] x mean while keeping their total.

    The fixed point of "clip, then rescale to the old total, repeat" is clip(c w, low m, high m)
    for the c that restores the total (the mean m does not change because the total does not);
    c is found directly by root-finding, which is exact and cannot stall.
    """
    mean = float(w.mean())
    lo_abs, hi_abs = low * mean, high * mean
    target = float(w.sum())
    if w.min() >= lo_abs and w.max() <= hi_abs:
        return w.copy()

    def gap(c: float) -> float:
        return float(np.clip(c * w, lo_abs, hi_abs).sum()) - target

    c_high = hi_abs / float(w.min())
    if gap(0.0) >= 0:
        # low == 1 (up to rounding): every weight is raised to the mean.
        c = 0.0
    elif gap(c_high) <= 0:
        c = c_high
    else:
        # Tolerance relative to the bracket; disp=False returns the best estimate if the (tiny)
        # tolerance is not met within maxiter, and the final rescale restores the total exactly.
        c = float(optimize.brentq(gap, 0.0, c_high, xtol=1e-14 * c_high, maxiter=1000, disp=False))
    trimmed = np.clip(c * w, lo_abs, hi_abs)
    return trimmed * (target / float(trimmed.sum()))


def trim_weights(
    weights: pd.Series | ArrayLike, bounds: tuple[float, float]
) -> pd.Series | np.ndarray:
    """Trim weights to ``bounds = (low, high)`` times the mean weight, keeping the total.

    Weights above ``high * mean`` are cut to it and weights below ``low * mean`` raised to it; the
    other weights are scaled so that the total (and so the mean) is unchanged (Potter 1990,
    "A study of procedures to identify and trim extreme sampling weights", ASA SRMS). Weights
    must be positive. A Series keeps its index; anything else comes back as a numpy array.
    """
    low, high = _check_bounds(bounds)
    w = np.asarray(weights, dtype=float).ravel()
    if w.size == 0:
        raise ValueError("no weights given")
    if not np.isfinite(w).all() or (w <= 0).any():
        raise ValueError("weights must be positive finite numbers to be trimmed")
    trimmed = _trim_array(w, low, high)
    if isinstance(weights, pd.Series):
        return pd.Series(trimmed, index=weights.index, name=weights.name)
    return trimmed


def margin_shares(frame: pd.DataFrame, weights: ArrayLike, column: Hashable) -> pd.Series:
    """Weighted share of every level of ``column`` (levels as index, shares summing to 1)."""
    w = np.asarray(weights, dtype=float).ravel()
    if w.size != len(frame):
        raise ValueError(f"weights ({w.size}) and frame ({len(frame)} rows) differ in length")
    totals = pd.Series(w, index=frame.index).groupby(frame[column], sort=False).sum()
    return totals / float(totals.sum())


def _normalised_targets(targets: Mapping[Hashable, Any]) -> dict[Hashable, dict[Hashable, float]]:
    if not targets:
        raise RakingError("no targets given: pass {column: {level: share}}")
    out: dict[Hashable, dict[Hashable, float]] = {}
    for column, shares in targets.items():
        if not hasattr(shares, "items"):
            raise RakingError(f"targets for column {column!r} must map level -> share")
        levels: dict[Hashable, float] = {}
        for level, share in shares.items():
            try:
                value = float(share)
            except (TypeError, ValueError) as exc:
                raise RakingError(
                    f"target share for column {column!r}, level {level!r} is not a number: "
                    f"{share!r}"
                ) from exc
            if not math.isfinite(value) or value < 0:
                raise RakingError(
                    f"target share for column {column!r}, level {level!r} must be a "
                    f"non-negative number, got {share!r}"
                )
            levels[level] = value
        total = sum(levels.values())
        if total <= 0:
            raise RakingError(f"target shares for column {column!r} sum to zero")
        out[column] = {level: share / total for level, share in levels.items()}
    return out


def _codes(
    frame: pd.DataFrame, column: Hashable, shares: dict[Hashable, float], base: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Level index of every row and the target share of every level, with loud checks."""
    if column not in frame.columns:
        raise RakingError(f"target column {column!r} is not in the data")
    values = frame[column]
    missing = int(values.isna().sum())
    if missing:
        raise RakingError(
            f"column {column!r} has {missing} missing value(s): give them a level "
            "(e.g. 'unknown') with its own target share, or drop those rows"
        )
    levels = list(shares)
    index = {level: i for i, level in enumerate(levels)}
    codes = np.empty(len(values), dtype=np.int64)
    for row, value in enumerate(values.to_numpy()):
        code = index.get(value)
        if code is None:
            raise RakingError(
                f"column {column!r} has level {value!r} that is not in the targets "
                f"(targets cover {', '.join(repr(x) for x in levels)})"
            )
        codes[row] = code
    present = np.bincount(codes, weights=base, minlength=len(levels))
    target = np.array([shares[level] for level in levels])
    for i, level in enumerate(levels):
        if target[i] > 0 and present[i] <= 0:
            raise RakingError(
                f"target level {level!r} of column {column!r} has no respondents: "
                "merge it with a neighbouring level or drop it from the targets"
            )
        if target[i] == 0 and present[i] > 0:
            raise RakingError(
                f"target level {level!r} of column {column!r} has share 0 but has respondents: "
                "drop those rows instead of weighting them to zero"
            )
    return codes, target


_Margin = tuple[Hashable, np.ndarray, np.ndarray]
"""(column, level index of every row, target share of every level)."""


def _check_rake_args(frame: pd.DataFrame, *, max_iter: int, tol: float) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError("frame must be a pandas DataFrame")
    if len(frame) == 0:
        raise RakingError("the data have no rows to weight")
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive whole number, got {max_iter!r}")
    if not (isinstance(tol, int | float) and math.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")


def _start_weights(frame: pd.DataFrame, base_weights: pd.Series | ArrayLike | None) -> np.ndarray:
    """The design weights raking starts from (ones without any), checked and copied."""
    if base_weights is None:
        return np.ones(len(frame))
    if isinstance(base_weights, pd.Series):
        aligned = base_weights.reindex(frame.index)
        if aligned.isna().any():
            raise RakingError("base_weights do not cover every row of the frame (by index)")
        w = aligned.to_numpy(dtype=float)
    else:
        w = np.asarray(base_weights, dtype=float).ravel()
    if w.size != len(frame):
        raise RakingError(f"base_weights ({w.size}) and frame ({len(frame)} rows) differ")
    if not np.isfinite(w).all() or (w <= 0).any():
        raise RakingError("base_weights must be positive finite numbers")
    return w.copy()


def _rake_pass(w: np.ndarray, margins: list[_Margin]) -> np.ndarray:
    """One pass of iterative proportional fitting: each margin in turn scaled to its target."""
    for _column, codes, target in margins:
        total = float(w.sum())
        current = np.bincount(codes, weights=w, minlength=target.size)
        # Levels with target share 0 have no rows (checked), so the 0/0 never reaches w.
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(current > 0, target * total / current, 0.0)
        w = w * factor[codes]
    return w


def _worst_gap(
    weights: np.ndarray, margins: list[_Margin], levels: dict[Hashable, list[Hashable]]
) -> tuple[float, Hashable, Hashable]:
    """The largest |weighted share - target| over all margins, with its column and level."""
    total = float(weights.sum())
    worst: tuple[float, Hashable, Hashable] = (0.0, None, None)
    for column, codes, target in margins:
        current = np.bincount(codes, weights=weights, minlength=target.size) / total
        gaps = np.abs(current - target)
        i = int(gaps.argmax())
        if gaps[i] > worst[0]:
            worst = (float(gaps[i]), column, levels[column][i])
    return worst


def rake(
    frame: pd.DataFrame,
    targets: Mapping[Hashable, Any],
    *,
    max_iter: int = 100,
    tol: float = 1e-6,
    bounds: tuple[float, float] | None = None,
    base_weights: pd.Series | ArrayLike | None = None,
) -> pd.Series:
    """Weights (mean 1, aligned to ``frame.index``) whose weighted margins match ``targets``.

    ``targets`` is ``{column: {level: share}}``; each column's shares are normalised to sum to 1.
    Raking multiplies the weights of each level by target / current share, column after column,
    until every weighted margin is within ``tol`` of its target (Deming & Stephan 1940). With
    ``bounds = (low, high)`` the weights are trimmed to [low, high] x mean after every pass and
    raked again, until margins and bounds hold together (Battaglia et al. 2009). ``base_weights``
    (design weights, positive) are the starting point; a Series is aligned on the index.

    Raises RakingError when a target column is missing, a column has missing values or a level
    absent from the targets, a target level has no respondents, or the margins do not converge
    within ``max_iter`` passes (e.g. bounds too tight).
    """
    _check_rake_args(frame, max_iter=max_iter, tol=tol)
    trim = _check_bounds(bounds) if bounds is not None else None
    w = _start_weights(frame, base_weights)
    shares = _normalised_targets(targets)
    margins = [
        (column, *_codes(frame, column, level_shares, w)) for column, level_shares in shares.items()
    ]
    levels = {column: list(level_shares) for column, level_shares in shares.items()}

    for _ in range(max_iter):
        w = _rake_pass(w, margins)
        if trim is not None:
            w = _trim_array(w, *trim)
        if _worst_gap(w, margins, levels)[0] <= tol:
            break
    else:
        gap, column, level = _worst_gap(w, margins, levels)
        hint = f" with bounds {trim}" if trim is not None else ""
        raise RakingError(
            f"raking did not converge in {max_iter} passes{hint}: column {column!r}, level "
            f"{level!r} is still {gap:.2g} away from its target share (tolerance {tol:g}); "
            "loosen the bounds, merge sparse levels or drop a target variable"
        )

    return pd.Series(w / float(w.mean()), index=frame.index, name="weight")
