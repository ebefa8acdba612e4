"""Plain-language sentences for the adjusted (causal) comparison, both languages.

Kept beside ``findings.py`` (whose verdict words it uses) rather than inside it, so the pages,
slides and exports can share them without growing the shared module. Every number in a
sentence is one the panel shows beside it: the headline estimate, its interval, the crude
difference, the E-value and the counts behind the estimate (never below the privacy threshold).
"""

from __future__ import annotations

from analytics.domain import PRIVACY_THRESHOLD
from analytics.findings import verdict_key
from analytics.i18n import fmt_num, fmt_pct, fmt_points, t
from analytics.metrics.causal import AdjustedEffect, CausalEffects, CompositeEffect
from analytics.stats import causal as sc

RATE_NAMES = ("offer_acceptance", "withdrawal", "hire_rate", "retention_12m")


def outcome_name(outcome: str, lang: str = "en") -> str:
    if outcome in RATE_NAMES:
        return t(f"metric.{outcome}", lang)
    return t(f"causal.outcome.{outcome}", lang)


def _points(x: float, kind: str, lang: str) -> str:
    """A difference in points, signed: rates are 0-1, scores already 0-100."""
    return fmt_points(x if kind == "rate" else x / 100.0, lang, signed=True)


def _value(x: float, kind: str, lang: str) -> str:
    return fmt_pct(x, lang) if kind == "rate" else fmt_num(x, lang, 1)


def count_text(n: int, lang: str) -> str:
    """A count of applications, or "fewer than 5" below the privacy threshold."""
    if 0 < n < PRIVACY_THRESHOLD:
        return t("causal.fewer_than", lang, n=PRIVACY_THRESHOLD)
    return fmt_num(n, lang)


def effect_sentence(effect: AdjustedEffect, lang: str = "en") -> str:
    """The adjusted answer in one sentence, the crude one beside it."""
    name = outcome_name(effect.outcome, lang)
    if effect.reason == "too_sparse" and effect.sparse is not None:
        available, parameters, needed = effect.sparse
        kind = "rate" if effect.kind == "rate" else "score"
        return t(
            f"causal.sentence.too_sparse_{kind}",
            lang,
            outcome=name,
            available=count_text(available, lang),  # never a count under the threshold
            parameters=fmt_num(parameters, lang),
            needed=fmt_num(needed, lang),
        )
    if effect.reason == "too_few" or effect.analysis is None:
        key = "causal.sentence.too_few" if effect.reason == "too_few" else "causal.sentence.none"
        return t(key, lang, outcome=name)
    est = effect.analysis.headline
    text = t(
        "causal.sentence.effect",
        lang,
        outcome=name,
        diff=_points(est.diff, effect.kind, lang),
        low=_points(est.diff_ci.low, effect.kind, lang),
        high=_points(est.diff_ci.high, effect.kind, lang),
        verdict=t(f"finding.verdict.{verdict_key(est.diff_ci.low, est.diff_ci.high)}", lang),
        treated=_value(est.mean_treated, effect.kind, lang),
        control=_value(est.mean_control, effect.kind, lang),
        n=fmt_num(effect.analysis.n, lang),
    )
    if effect.crude is not None:
        crude = effect.crude
        opposite = crude.diff * est.diff < 0
        text += " " + t(
            "causal.sentence.crude_opposite" if opposite else "causal.sentence.crude",
            lang,
            diff=_points(crude.diff, effect.kind, lang),
            low=_points(crude.ci.low, effect.kind, lang),
            high=_points(crude.ci.high, effect.kind, lang),
        )
    return text


def e_value_sentence(effect: AdjustedEffect, lang: str = "en") -> str | None:
    """VanderWeele & Ding (2017) in words: how strong an unmeasured factor would have to be."""
    ev = effect.e_value
    if ev is None or effect.analysis is None:
        return None
    return _e_value_words(ev, effect.analysis.headline.clear, effect.outcome, lang)


def composite_e_value_sentence(comp: CompositeEffect, lang: str = "en") -> str | None:
    """The composite's E-value in words (the same sentences as an outcome's), from its
    standardised difference (``metrics.causal.composite``); None without an answer."""
    ev = comp.e_value
    if ev is None or comp.diff is None:
        return None
    return _e_value_words(ev, comp.clear, "quality_composite", lang)


def _e_value_words(ev: sc.EValue, clear: bool, outcome: str, lang: str) -> str:
    """The E-value sentence of a clear difference (with its interval limit's) or of an unclear
    one (the estimate's only)."""
    name = outcome_name(outcome, lang).lower()
    if not clear:
        return t("causal.evalue.not_clear", lang, e=fmt_num(ev.point, lang, 2), outcome=name)
    return t(
        "causal.evalue.clear",
        lang,
        e=fmt_num(ev.point, lang, 2),
        e_ci=fmt_num(ev.ci_limit, lang, 2),
        outcome=name,
    )


def method_note(effect: AdjustedEffect, lang: str = "en") -> str | None:
    """Which estimator is shown and why; a warning when overlap is limited."""
    a = effect.analysis
    if a is None:
        return None
    other = a.gcomp if a.headline_method == "aipw" else a.aipw
    key = "causal.method.aipw" if a.headline_method == "aipw" else "causal.method.gcomp_warning"
    return t(
        key,
        lang,
        other=_points(other.diff, effect.kind, lang),
        share=fmt_pct(a.overlap.share_outside, lang),
    )


def composite_sentence(comp: CompositeEffect, lang: str = "en") -> str:
    if comp.diff is None or comp.ci is None:
        return t("causal.sentence.composite_none", lang)
    return t(
        "causal.sentence.composite",
        lang,
        diff=_points(comp.diff, "score", lang),
        low=_points(comp.ci.low, "score", lang),
        high=_points(comp.ci.high, "score", lang),
        verdict=t(f"finding.verdict.{verdict_key(comp.ci.low, comp.ci.high)}", lang),
    )


def methods_footnote(effects: CausalEffects, lang: str = "en", outcome: str | None = None) -> str:
    """What was adjusted for, how, and the limits (shown under the panel and in exports)."""
    text = t("causal.footnote.methods", lang)
    eff = effects.effects.get(outcome) if outcome else None
    if eff is not None and eff.analysis is not None:
        a = eff.analysis
        text += " " + t(
            "causal.footnote.counts",
            lang,
            n=fmt_num(a.n, lang),
            cells=fmt_num(a.overlap.cells, lang),
            single=count_text(a.overlap.single_arm_n, lang),
            single_cells=fmt_num(a.overlap.single_arm_cells, lang),
        )
        if a.excluded_n:
            text += " " + t("causal.footnote.excluded", lang, n=count_text(a.excluded_n, lang))
    if outcome == "retention_12m" or outcome is None:
        text += " " + t("causal.footnote.retention", lang)
    # The composite's notes where it is shown: its own panel, or a summary (slide) that has it.
    if outcome == "quality_composite" or (outcome is None and effects.composite.diff is not None):
        text += " " + t("causal.footnote.composite", lang)
        sd = effects.composite.sd
        if sd is not None and effects.composite.e_value is not None:
            text += " " + t("causal.footnote.composite_sd", lang, sd=fmt_num(sd, lang, 1))
    return text
