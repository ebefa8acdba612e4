"""Labels and small helpers the funnel figures and takeaways share: stage, format and step
names in the reader's language, error bars in per cent, hover text of a rate."""

from __future__ import annotations

import math
import numbers

import pandas as pd

from analytics.domain import PRIVACY_THRESHOLD
from analytics.i18n import fmt_num, fmt_pct, label, t
from analytics.metrics.funnel import FunnelResult


def _finite(x: object) -> bool:
    return isinstance(x, numbers.Real) and math.isfinite(float(x))


def _err(values: pd.Series, low: pd.Series, high: pd.Series) -> dict:
    """Asymmetric error bars in per cent (NaN where the interval is missing)."""
    return {
        "type": "data",
        "symmetric": False,
        "array": (100 * (high - values)).to_numpy(float),
        "arrayminus": (100 * (values - low)).to_numpy(float),
    }


def stage_labels(result: FunnelResult, lang: str) -> dict[str, str]:
    """Stage key -> label in ``lang`` (from the stages catalogue)."""
    col = "label_nl" if lang == "nl" else "label_en"
    frame = result.stages.drop_duplicates("stage")
    return {
        str(s): (str(v) if isinstance(v, str) and v else str(s))
        for s, v in zip(frame.stage, frame[col], strict=True)
    }


def format_label(fmt: str, lang: str) -> str:
    return label("funnel.format", fmt, lang)


def step_label(step: object, lang: str) -> str:
    if step is None or step is pd.NA or (isinstance(step, float) and math.isnan(step)):
        return t("funnel.step.never", lang)
    return t("funnel.step", lang, k=int(step))


def _hover_rate(name: str, value: float, low: float, high: float, n: object, lang: str) -> str:
    if not _finite(value):
        return f"{name}: {t('overview.suppressed', lang, k=PRIVACY_THRESHOLD)}"
    return (
        f"{name}: {fmt_pct(value, lang)} ({fmt_pct(low, lang)}–{fmt_pct(high, lang)}), "
        f"n = {fmt_num(n if _finite(n) else None, lang)}"
    )
