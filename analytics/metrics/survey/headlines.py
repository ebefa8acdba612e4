"""All questions at a glance: one headline number per question and column, with the
p-values Holm-adjusted over the questions (reading many questions at once is many comparisons)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from analytics import stats
from analytics.metrics.survey.banner import Banner
from analytics.metrics.survey.catalogue import (
    QuestionInfo,
)

HEADLINE_KINDS = ("likert", "binary", "nps", "numeric")


def smallest_p(pvalues: Iterable[float]) -> float:
    """The smallest finite p-value, NaN when there is none.

    Why not ``min``: Python's ``min`` over a list holding NaN depends on where the NaN sits
    (``min([nan, 0.01])`` is nan, ``min([0.01, nan])`` is 0.01), so the same data gave "too few
    to say" or "clear" depending on the order of the groups (issue 17). Pairs without any
    variance now get Newcombe's score test (``stats.ranks``), so a NaN here means no test at all,
    and it is skipped explicitly."""
    finite = [float(p) for p in pvalues if p is not None and math.isfinite(float(p))]
    return min(finite) if finite else math.nan


@dataclass(frozen=True)
class HeadlineRow:
    """One question's headline number per shown column and its overall test."""

    question: QuestionInfo
    metric: str  # "top_box" | "nps" | "mean"
    values: dict[str, float]  # column -> value (NaN when suppressed)
    test: str  # "brunner-munzel" | "chi-square" | "none"
    p_value: float
    p_holm: float
    verdict: str  # "clear" | "none" | "too_few"


def headline_rows(banners: list[Banner]) -> list[HeadlineRow]:
    """The headline of every scale, yes/no, NPS and numeric question (top-2-box, NPS or mean per
    column) with the smallest Holm-adjusted Brunner-Munzel p over group pairs (scales, NPS,
    numbers) or the chi-square p (yes/no); the p-values are Holm-adjusted once more over the
    questions, because reading many questions at once is many comparisons (DESIGN.md)."""
    raw = []
    for b in banners:
        q = b.question
        if q.kind not in HEADLINE_KINDS:
            continue
        metric = {"likert": "top_box", "binary": "top_box", "nps": "nps"}.get(q.kind, "mean")
        values: dict[str, float] = {}
        for c in b.columns:
            s = b.summaries[c]
            if s.suppressed:
                values[c] = math.nan
            elif metric == "top_box":
                values[c] = s.top_box
            elif metric == "nps":
                values[c] = s.nps.nps if s.nps is not None else math.nan
            else:
                values[c] = s.mean
        if len(b.shown_groups) < 2:
            test, p = "none", math.nan
        elif q.kind == "binary" and b.test is not None:
            test, p = "chi-square", b.test.p_value
        elif b.rank_pairs:
            test, p = "brunner-munzel", smallest_p(r.brunner_munzel_p_holm for r in b.rank_pairs)
        else:
            test, p = "none", math.nan
        raw.append((q, metric, values, test, p))
    holm = stats.adjust_pvalues([r[4] for r in raw], "holm") if raw else []
    rows = []
    for (q, metric, values, test, p), ph in zip(raw, holm, strict=True):
        if not math.isfinite(ph):
            verdict = "too_few"
        else:
            verdict = "clear" if ph < 0.05 else "none"
        rows.append(HeadlineRow(q, metric, values, test, p, float(ph), verdict))
    return rows
