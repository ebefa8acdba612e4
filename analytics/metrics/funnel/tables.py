"""The funnel as tables for display and CSV export (small groups already suppressed)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from analytics.metrics.funnel.stages import FunnelResult


def _pct(x: float) -> float | None:
    return round(100 * x, 2) if x is not None and math.isfinite(x) else None


def _ci_text(low: float, high: float) -> str | None:
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return None
    return f"{100 * low:.1f} – {100 * high:.1f}"


def stages_table(result: FunnelResult, lang: str = "en") -> pd.DataFrame:
    """The funnel per pipeline and stage, rates in per cent; counts of groups below the privacy
    threshold are not shown."""
    from analytics.i18n import label, t  # local: i18n is presentation, kept out of the math

    col = "label_nl" if lang == "nl" else "label_en"
    rows = []
    for r in result.stages.to_dict("records"):
        small = bool(r["suppressed"])
        ci = t("funnel.col.ci", lang)
        rows.append(
            {
                t("funnel.col.stage", lang): r[col] if isinstance(r[col], str) else r["stage"],
                t("funnel.col.pipeline", lang): label("pipeline", r["pipeline"], lang),
                t("funnel.col.reached", lang): None if small else int(r["reached"]),
                t("funnel.col.pass", lang) + " %": _pct(r["pass"]),
                f"{t('funnel.col.pass', lang)} {ci}": _ci_text(r["pass_low"], r["pass_high"]),
                t("funnel.col.cum", lang) + " %": _pct(r["cum"]),
                f"{t('funnel.col.cum', lang)} {ci}": _ci_text(r["cum_low"], r["cum_high"]),
                t("funnel.col.withdrawal", lang) + " %": _pct(r["withdrawal"]),
                f"{t('funnel.col.withdrawal', lang)} {ci}": _ci_text(
                    r["withdrawal_low"], r["withdrawal_high"]
                ),
                t("funnel.col.rejection", lang) + " %": _pct(r["rejection"]),
                f"{t('funnel.col.rejection', lang)} {ci}": _ci_text(
                    r["rejection_low"], r["rejection_high"]
                ),
            }
        )
    frame = pd.DataFrame(rows)
    reached = t("funnel.col.reached", lang)
    if reached in frame:
        frame[reached] = frame[reached].astype("Int64")
    return frame


def family_labels(result: FunnelResult, lang: str = "en") -> tuple[str, str]:
    """The names of the two family-wide columns: (corrected p, clear after correction), with the
    method and the family size, e.g. "Clear after Holm across the 4 stages"."""
    from analytics.i18n import t

    method = "bh" if result.p_adjust == "bh" else "holm"
    adj = ".adj" if result.adjust_by is not None else ""
    m = result.family_size
    return (
        t(f"funnel.col.p_family.{method}{adj}", lang, m=m),
        t(f"funnel.col.clear_family.{method}", lang, m=m),
    )


def comparison_table(result: FunnelResult, lang: str = "en") -> pd.DataFrame:
    """Per stage, each verdict beside the numbers it comes from: the pass-through difference
    (first minus second pipeline), its interval, its p-value and "clear at this stage" (one score
    test, not corrected for the number of stages); with an adjustment the same four for the
    Mantel-Haenszel difference, the homogeneity p and whether it points the other way; then the
    family-wide p (Holm over the stages, of the answer: adjusted where estimable) and "clear after
    Holm across the N stages"."""
    from analytics.i18n import t

    labels = result.stages.drop_duplicates("stage").set_index("stage")
    col = "label_nl" if lang == "nl" else "label_en"
    p_family, clear_family = family_labels(result, lang)
    ci = t("funnel.col.ci", lang)
    rows = []
    for r in result.comparison.to_dict("records"):
        shown = math.isfinite(r["p_value"])
        row: dict[str, Any] = {
            t("funnel.col.stage", lang): labels.at[r["stage"], col],
            t("funnel.col.diff", lang): _pct(r["diff"]),
            ci: _ci_text(r["low"], r["high"]),
            t("funnel.col.p", lang): r["p_value"] if shown else None,
            t("funnel.col.clear_stage", lang): bool(r["clear_stage"]) if shown else None,
        }
        if result.adjust_by is not None and "adj_diff" in r:
            ok = math.isfinite(r["adj_p"])
            adj = t("funnel.col.adj_diff", lang)
            row[adj] = _pct(r["adj_diff"]) if ok else None
            row[f"{adj} {ci}"] = _ci_text(r["adj_low"], r["adj_high"]) if ok else None
            row[t("funnel.col.adj_p", lang)] = r["adj_p"] if ok else None
            row[t("funnel.col.adj_clear", lang)] = bool(r["adj_clear"]) if ok else None
            row[t("overview.col.homogeneity_p", lang)] = (
                r["homogeneity_p"] if math.isfinite(r["homogeneity_p"]) else None
            )
            row[t("funnel.col.reversal", lang)] = bool(r["reversal"]) if ok else None
        family = math.isfinite(r["p_adjusted"])
        row[p_family] = r["p_adjusted"] if family else None
        row[clear_family] = bool(r["clear"]) if family else None
        rows.append(row)
    return pd.DataFrame(rows)
