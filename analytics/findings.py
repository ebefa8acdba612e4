"""Plain-language findings: results turned into one honest sentence each, in English or Dutch.

Rules (DESIGN.md, "Words"): claim a difference only when its 95% interval excludes zero (which,
for rates, is by construction the same as its own test's p < 0.05); otherwise
say "no clear difference"; when either group is below ``MIN_N_FOR_FINDING`` say "too few to say".
Never "proves".
"""

from __future__ import annotations

import math

from analytics import privacy
from analytics.domain import PIPELINES, PRIVACY_THRESHOLD, DatasetInfo, Filters
from analytics.i18n import fmt_date, fmt_days, fmt_num, fmt_p, fmt_pct, fmt_points, label, t
from analytics.metrics.common import Adjustment, MetricResult

MIN_N_FOR_FINDING = 30
"""Below this many observations in either pipeline a comparison is "too few to say"."""


def format_value(metric: MetricResult, value: float | None, lang: str) -> str:
    if metric.kind == "median":
        return fmt_days(value, lang)
    if metric.kind == "count":
        return fmt_num(value, lang)
    return fmt_pct(value, lang)


def format_diff(metric: MetricResult, value: float | None, lang: str, signed: bool = False) -> str:
    if metric.kind == "median":
        return fmt_days(value, lang, signed=signed)
    return fmt_points(value, lang, signed=signed)


def metric_sentence(metric: MetricResult, lang: str = "en", *, demo: bool = False) -> str:
    """One sentence about the human-first minus automation-first difference of ``metric``.

    When the reader adjusted and the adjusted difference is estimable, the adjusted difference in
    points is the sentence (its verdict from its own test), with the crude one beside it."""
    first, second = PIPELINES
    a, b = metric.groups.get(first), metric.groups.get(second)
    name = t(f"metric.{metric.key}", lang)
    suffix = " " + t("finding.demo_suffix", lang) if demo else ""
    if metric.kind == "count":
        n1, n2 = (a.n if a else 0), (b.n if b else 0)
        if privacy.is_small(n1) or privacy.is_small(n2):
            # Neither count: the total beside it would give the small one away.
            return t("privacy.applications_small", lang, k=PRIVACY_THRESHOLD) + suffix
        return t("finding.applications", lang, n1=fmt_num(n1, lang), n2=fmt_num(n2, lang)) + suffix
    if a is None or b is None:
        return t("finding.no_comparison", lang, metric=name) + suffix
    if a.suppressed or b.suppressed or min(a.n, b.n) < MIN_N_FOR_FINDING or not metric.comparable:
        if a.suppressed or b.suppressed or privacy.is_small(a.n) or privacy.is_small(b.n):
            # No counts: for acceptance, hires or retention a small n (with its total) tells
            # what happened to those few people.
            return t("privacy.too_few", lang, metric=name.lower(), k=PRIVACY_THRESHOLD) + suffix
        return (
            t(
                "finding.too_few",
                lang,
                metric=name.lower(),
                n1=fmt_num(a.n, lang),
                n2=fmt_num(b.n, lang),
            )
            + suffix
        )
    assert metric.diff is not None and metric.diff_ci is not None
    v1, v2 = format_value(metric, a.value, lang), format_value(metric, b.value, lang)
    adj = metric.adjustment
    if adj is not None and adj.estimable:
        return (
            t(
                "finding.adjusted.answer",
                lang,
                by=t(f"dim.{adj.by}", lang).lower(),
                metric=name.lower(),
                diff=fmt_points(adj.diff, lang, signed=True),
                # the bounds without the unit: the difference just before them names it
                low=_signed_points(adj.ci.low, lang),
                high=_signed_points(adj.ci.high, lang),
                verdict=t(f"finding.verdict.{'clear' if adj.clear else 'unclear'}", lang),
                crude=format_diff(metric, metric.diff, lang, signed=True),
                v1=v1,
                v2=v2,
            )
            + suffix
        )
    if not metric.clear:
        return (
            t(
                "finding.no_clear",
                lang,
                metric=name.lower(),
                v1=v1,
                v2=v2,
                diff=format_diff(metric, metric.diff, lang, signed=True),
                low=_signed_bare(metric, metric.diff_ci.low, lang),
                high=_signed_bare(metric, metric.diff_ci.high, lang),
            )
            + suffix
        )
    direction = "higher" if metric.diff > 0 else "lower"
    low, high = sorted((abs(metric.diff_ci.low), abs(metric.diff_ci.high)))
    number = _bare_days if metric.kind == "median" else _bare_points
    return (
        t(
            f"finding.{metric.key}.{direction}",
            lang,
            diff=format_diff(metric, abs(metric.diff), lang),
            low=number(low, lang),
            high=format_diff(metric, high, lang),
            v1=v1,
            v2=v2,
        )
        + suffix
    )


def _bare_points(x: float, lang: str) -> str:
    """The lower end of a "7–11 points" range: the number without its unit."""
    return fmt_num(100 * x, lang, digits=1)


def _bare_days(x: float, lang: str) -> str:
    # Whole days, except a bound under half a day: "0–10 days" beside "clear" would read as if
    # the interval touched zero (it is 0.2–9.8).
    return fmt_num(x, lang, digits=0 if x == 0 or abs(x) >= 0.5 else 1)


def _signed(text: str, x: float) -> str:
    return "+" + text if x > 0 and text.strip("0,.") else text


def _signed_points(x: float, lang: str) -> str:
    """An interval bound in points, signed, without its unit ("-2.2 to +0.3" after "+1.0
    points"): said once, the unit reads better aloud than after every number."""
    return _signed(_bare_points(x, lang), x)


def format_bound(metric: MetricResult, x: float, lang: str) -> str:
    """An interval bound after the difference that names the unit: signed, without the unit
    ("+5.4" after "+10.1 points"; whole days for a median)."""
    return _signed_bare(metric, x, lang)


def _signed_bare(metric: MetricResult, x: float, lang: str) -> str:
    """:func:`_signed_points`, or whole days for a median."""
    return _signed(_bare_days(x, lang), x) if metric.kind == "median" else _signed_points(x, lang)


def adjustment_sentence(metric: MetricResult, lang: str) -> str | None:
    """What adjusting changed, in words that match the numbers, else None.

    Both answers are differences in points with their own one-procedure verdict (crude:
    Miettinen-Nurminen; adjusted: Mantel-Haenszel with Sato's variance). "Points the other way"
    (Simpson's paradox) only when the two point estimates have opposite signs; "no longer
    clear" / "becomes clear" when only the verdict changed (``stats.adjustment_change``).
    """
    adj = metric.adjustment
    if adj is None or not metric.comparable:
        return None
    return change_sentence(adj, lang)


def change_sentence(adj: Adjustment, lang: str) -> str | None:
    """:func:`adjustment_sentence` for an adjusted answer on its own (e.g. the Offers page)."""
    by = t(f"dim.{adj.by}", lang).lower()
    if not adj.estimable:
        return t("finding.adjusted.not_estimable", lang, by=by)
    values = {
        "by": by,
        "adj": fmt_points(adj.diff, lang, signed=True),
        "low": fmt_points(adj.ci.low, lang, signed=True),
        "high": fmt_points(adj.ci.high, lang, signed=True),
        "crude": fmt_points(adj.crude_diff, lang, signed=True),
    }
    if adj.change in ("reversal", "vanishes", "appears"):
        return t(f"finding.adjusted.{adj.change}", lang, **values)
    return None


def heterogeneity_sentence(metric: MetricResult, lang: str) -> str | None:
    """A plain sentence when the strata's differences disagree (homogeneity p < 0.05)."""
    adj = metric.adjustment
    if adj is None or not adj.heterogeneous:
        return None
    return homogeneity_sentence(adj, lang)


def homogeneity_sentence(adj: Adjustment, lang: str) -> str | None:
    """:func:`heterogeneity_sentence` for an adjusted answer on its own."""
    if not adj.heterogeneous:
        return None
    return t(
        "finding.adjusted.heterogeneous",
        lang,
        by=t(f"dim.{adj.by}", lang).lower(),
        hp=fmt_p(adj.homogeneity_p, lang),
    )


def metric_finding(metric: MetricResult, lang: str = "en", *, demo: bool = False) -> str:
    """The metric's sentence (adjusted when asked), then what adjusting changed and whether the
    groups disagree."""
    text = metric_sentence(metric, lang, demo=False)
    for extra in (adjustment_sentence(metric, lang), heterogeneity_sentence(metric, lang)):
        if extra:
            text += " " + extra
    if demo:
        text += " " + t("finding.demo_suffix", lang)
    return text


def verdict_key(low: float | None, high: float | None) -> str:
    """ "clear" when the interval excludes zero, "unclear" when it does not, "few" without one."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return "few"
    return "clear" if low > 0 or high < 0 else "unclear"


def verdict_text(low: float | None, high: float | None, lang: str) -> str:
    """ "clear difference" / "no clear difference" / "too few to say" for an interval, in words."""
    return t(f"offers.verdict.{verdict_key(low, high)}", lang)


def difference_phrase(
    name: str, diff: float, low: float, high: float, lang: str, *, unit: str = "points"
) -> str:
    """ "performance: +4.1 (95% CI +1.2 to +7.0), a clear difference" — human-first minus
    automation-first. ``unit`` "points" (shares, 0..1) or "score" (already on a 0-100 scale)."""

    def fmt(x: float, *, named: bool = True) -> str:
        if unit == "points":
            return fmt_points(x, lang, signed=True, unit=named)
        text = fmt_num(x, lang, digits=1)
        return "+" + text if x > 0 else text

    key = verdict_key(low, high)
    return t(
        "finding.phrase",
        lang,
        name=name,
        diff=fmt(diff),  # the unit once, with the estimate; the bounds follow it bare
        low=fmt(low, named=False),
        high=fmt(high, named=False),
        verdict=t(f"finding.verdict.{key}", lang),
    )


def demo_note(lang: str) -> str:
    """Said on every slide and export made from demo data."""
    return t("finding.demo_note", lang)


def filters_text(filters: Filters, lang: str) -> str:
    """The active filters in words ("Role family: Engineering; ..."), or "no filters"."""
    parts = []
    for key, value in filters.describe().items():
        name = t("filters.dates", lang) if key == "dates" else t(f"dim.{key}", lang)
        if key != "dates":
            value = ", ".join(label(key, v, lang) for v in value.split(", "))
        parts.append(f"{name}: {value}")
    return "; ".join(parts) if parts else t("filters.none_active", lang)


def cohort_footnote(filters: Filters, info: DatasetInfo, lang: str) -> str:
    """The footnote under every chart, page and slide: cohort rule, filters, as-of date, the
    pipeline tagging rules when pipelines came from rules at import, and the demo label."""
    text = t(
        "footnote.cohort",
        lang,
        filters=filters_text(filters, lang),
        as_of=fmt_date(info.as_of, lang),
    )
    rules = getattr(info, "pipeline_rules", None)
    if rules:  # pipelines tagged by rules at import, not read from a column ("default:28")
        which, _, n = rules.partition(":")
        rules_name = t(f"ingest.rules.{which}", lang)
        text += " " + t("footnote.pipeline_rules", lang, rules=rules_name, n=n)
    if info.is_demo:
        text += " " + t("finding.demo_suffix", lang)
    return text
