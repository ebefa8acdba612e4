"""The answer first: one short line per question a TA leader asks, for the top of the Overview.

Four questions (offer acceptance, candidate withdrawal, quality of hire, time to hire), each
answered with its verdict and its number in plain words. The number is ``MetricResult.answer``:
the adjusted difference when the reader adjusted (the adjusted answer is the answer), else the
crude one, with the interval and verdict from the same procedure as the card below. Quality of
hire is answered by 12-month retention, the quality component with an interval on the Overview
(the weighted composite has no interval, so it cannot carry a verdict); the line says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from analytics.domain import PIPELINES
from analytics.findings import MIN_N_FOR_FINDING, format_diff, verdict_key
from analytics.i18n import fmt_num, t
from analytics.metrics.causal import CausalEffects
from analytics.metrics.common import MetricResult

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("acceptance", "offer_acceptance"),
    ("withdrawal", "withdrawal"),
    ("quality", "retention_12m"),
    ("time", "time_to_hire"),
)
"""(question, metric key on the Overview) in the order the strip shows them."""


@dataclass(frozen=True)
class AnswerLine:
    question: str
    metric: str
    verdict: str  # "clear" | "unclear" | "few"
    direction: str | None  # "up" | "down" when there is a difference to name
    label: str  # the question in words ("Offer acceptance")
    answer: str  # the verdict and number, plain text ("higher with human-first, +9.9 points ...")

    @property
    def text(self) -> str:
        """Markdown for the screen: the question in bold, then the answer."""
        return f"**{self.label}**: {self.answer}"

    @property
    def plain(self) -> str:
        """One line for a slide, a notes page or a screen reader: "Question: answer"."""
        return f"{self.label}: {self.answer}"


def bound_text(metric: MetricResult, value: float, lang: str) -> str:
    """An interval bound without its unit (the difference beside it carries the unit), signed:
    "+5.9 points (95% CI -10.3 to +21.2)" reads in one breath."""
    scaled, digits = (value, 0) if metric.kind == "median" else (100 * value, 1)
    if digits == 0 and 0 < abs(scaled) < 0.5:
        digits = 1  # "0 to +10" beside "clear" would read as touching zero (it is 0.2)
    text = fmt_num(scaled, lang, digits)
    return "+" + text if scaled > 0 and text.strip("0,.") else text


def _few(metric: MetricResult) -> bool:
    groups = [metric.groups.get(p) for p in PIPELINES]
    if any(g is None or g.suppressed or g.n < MIN_N_FOR_FINDING for g in groups):
        return True
    return metric.answer is None


def _line(
    question: str,
    metric: MetricResult,
    diff: float,
    low: float,
    high: float,
    clear: bool,
    tail: str,
    lang: str,
) -> AnswerLine:
    """The line of one answer: the verdict, the difference and its interval, then ``tail``."""
    name = t(f"answer.q.{question}", lang)
    numbers = {
        "diff": format_diff(metric, diff, lang, signed=True),
        "low": bound_text(metric, low, lang),
        "high": bound_text(metric, high, lang),
    }
    if not clear:
        text = t("answer.unclear", lang, **numbers) + tail
        return AnswerLine(question, metric.key, "unclear", None, name, text)
    direction = "up" if diff > 0 else "down"
    verdict = t(f"answer.{question}.{direction}", lang)
    text = t("answer.clear", lang, verdict=verdict, **numbers) + tail
    return AnswerLine(question, metric.key, "clear", direction, name, text)


def answer_line(question: str, metric: MetricResult, lang: str) -> AnswerLine:
    name = t(f"answer.q.{question}", lang)
    if _few(metric):
        return AnswerLine(question, metric.key, "few", None, name, t("answer.few", lang))
    answer = metric.answer
    assert answer is not None  # _few() said so
    diff, ci, clear = answer
    adj = metric.adjustment
    adjusted = adj is not None and adj.estimable
    tail = t("answer.adjusted", lang, by=t(f"dim.{adj.by}", lang).lower()) if adjusted else ""
    return _line(question, metric, diff, ci.low, ci.high, clear, tail, lang)


def answer_lines(metrics: dict[str, MetricResult], lang: str) -> tuple[AnswerLine, ...]:
    """One line per question whose metric the Overview computed, in the strip's order."""
    return tuple(
        answer_line(question, metrics[key], lang) for question, key in QUESTIONS if key in metrics
    )


CAUSAL_OUTCOME = {
    "acceptance": "offer_acceptance",
    "withdrawal": "withdrawal",
    "quality": "retention_12m",
}
"""The everything-measured estimate (``metrics.causal``) that answers each question; time to hire
has none (the causal models cover rates and scores, not durations)."""


def everything_lines(
    metrics: dict[str, MetricResult], effects: CausalEffects, lang: str
) -> tuple[AnswerLine, ...]:
    """The strip when the reader adjusted for everything measured: the adjusted difference is the
    answer (its verdict from its own interval, as the causal panel's sentence); a question
    without an adjusted estimate keeps its crude line and says it is not adjusted, so no crude
    number passes for an adjusted one."""
    out = []
    for line in answer_lines(metrics, lang):
        outcome = CAUSAL_OUTCOME.get(line.question)
        effect = effects.effects.get(outcome) if outcome else None
        est = effect.headline if effect is not None else None
        if est is None or line.verdict == "few":
            tail = "" if line.verdict == "few" else t("answer.unadjusted", lang)
            out.append(replace(line, answer=line.answer + tail))
            continue
        low, high = est.diff_ci.low, est.diff_ci.high
        clear = verdict_key(low, high) == "clear"
        metric = metrics[line.metric]
        tail = t("answer.adjusted_all", lang)
        out.append(_line(line.question, metric, est.diff, low, high, clear, tail, lang))
    return tuple(out)
