"""Shared pieces of the statistics package: the ``Interval`` type, method names, input checks.

Sources are cited at each formula; tested against published values (tests/analytics/stats).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
from scipy import stats

ProportionMethod = Literal["wilson", "wilson_cc", "exact", "agresti_coull", "jeffreys", "wald"]
DiffMethod = Literal["newcombe", "newcombe_cc", "miettinen_nurminen", "wald"]
AdjustMethod = Literal["holm", "bh", "bonferroni"]
Alternative = Literal["two-sided", "less", "greater"]

PROPORTION_METHODS: tuple[str, ...] = (
    "wilson",
    "wilson_cc",
    "exact",
    "agresti_coull",
    "jeffreys",
    "wald",
)
DIFF_METHODS: tuple[str, ...] = ("newcombe", "newcombe_cc", "miettinen_nurminen", "wald")
ADJUST_METHODS: tuple[str, ...] = ("holm", "bh", "bonferroni")
ALTERNATIVES: tuple[str, ...] = ("two-sided", "less", "greater")

# Cochran's rule as used by DESIGN.md: switch to Fisher's exact test below this expected count.
MIN_EXPECTED_FOR_CHI_SQUARE = 5.0


def finite(x: object) -> bool:
    """True for a number (Python or numpy, or numeric text) that is not NaN or infinite."""
    try:
        return math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


class Interval(NamedTuple):
    """A confidence interval. ``low``/``high`` are NaN only where documented (undefined)."""

    low: float
    high: float

    def excludes(self, value: float) -> bool:
        """True when ``value`` lies strictly outside the interval (False if undefined)."""
        if math.isnan(self.low) or math.isnan(self.high):
            return False
        return value < self.low or value > self.high

    def contains(self, value: float) -> bool:
        """True when ``low <= value <= high`` (False if undefined)."""
        if math.isnan(self.low) or math.isnan(self.high):
            return False
        return self.low <= value <= self.high


_NAN_INTERVAL = Interval(math.nan, math.nan)


# ---------------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------------


def _check_conf(conf: float) -> float:
    if isinstance(conf, bool) or not isinstance(conf, numbers.Real):
        raise ValueError(f"conf must be a number strictly between 0 and 1, got {conf!r}")
    value = float(conf)
    if not 0.0 < value < 1.0:
        raise ValueError(f"conf must be strictly between 0 and 1 (e.g. 0.95), got {conf!r}")
    return value


def _check_alpha(alpha: float, name: str = "alpha") -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise ValueError(f"{name} must be a number strictly between 0 and 1, got {alpha!r}")
    value = float(alpha)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1 (e.g. 0.05), got {alpha!r}")
    return value


def _check_count(name: str, value: Any) -> int:
    """A count: a finite, non-negative whole number (``5`` and ``5.0`` pass, ``5.5`` does not)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a non-negative whole number (a count), got {value!r}")
    as_float = float(value)
    if not math.isfinite(as_float):
        raise ValueError(f"{name} must be a finite count, got {value!r}")
    if as_float < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    if as_float != math.floor(as_float):
        raise ValueError(f"{name} must be a whole number (a count), got {value!r}")
    return int(as_float)


def _check_k_n(k: Any, n: Any, k_name: str = "k", n_name: str = "n") -> tuple[int, int]:
    k_int = _check_count(k_name, k)
    n_int = _check_count(n_name, n)
    if k_int > n_int:
        raise ValueError(f"{k_name} ({k_int}) must not exceed {n_name} ({n_int})")
    return k_int, n_int


def _check_method(method: str, allowed: Sequence[str], what: str) -> str:
    if method not in allowed:
        raise ValueError(f"unknown {what} method {method!r}; choose one of {', '.join(allowed)}")
    return method


def _z(conf: float) -> float:
    """Two-sided standard normal critical value z_{1-(1-conf)/2}."""
    return float(stats.norm.ppf(0.5 + conf / 2.0))


def _column_label(index: int) -> str:
    """Spreadsheet-style column letters: 0 -> A, 25 -> Z, 26 -> AA."""
    label = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        label = chr(ord("A") + rem) + label
    return label
