"""Published reference values from outside the company: shown as marked reference lines, never
mixed into our statistics.

Only values verified against their source (the URL, read when this file was written) are here.
Each is a point value from a different population and definition than ours, so it appears as an
"external" mark on a chart and in the footnote, never in an interval, test or finding.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    key: str
    value: float | None
    """A share (0..1) when it can be drawn on one of our axes, else None (text only)."""
    source: str
    year: int
    url: str
    short: str = ""
    """A few words naming the source on a chart mark."""


BENCHMARKS: dict[str, Benchmark] = {
    # PwC Saratoga Workforce Index: "the national average Offer Acceptance Rate in 2022 was 84%"
    # (US, offers accepted / offers extended, non-contingent workers, interns excluded).
    "offer_acceptance": Benchmark(
        "offer_acceptance",
        0.84,
        "PwC Saratoga Workforce Index, US national average",
        2022,
        "https://workforce.pwc.com/hr-metrics/offer-acceptance-rate",
        "PwC Saratoga 2022",
    ),
    # APQC Open Standards Benchmarking, reported by HR Executive (2025): "At the median,
    # organizations retain about 83 out of every 100 new employees" 12 months after the offer.
    "retention_12m": Benchmark(
        "retention_12m",
        0.83,
        "APQC Open Standards Benchmarking, median new-hire retention at 12 months",
        2025,
        "https://hrexecutive.com/why-new-hire-retention-should-be-on-everyones-dashboard-in-2025/",
        "APQC median",
    ),
    # American Staffing Association survey (2016, 1,000 US job seekers), reported by SHRM:
    # 77% prefer human interaction when job hunting.
    "prefer_human": Benchmark(
        "prefer_human",
        0.77,
        "American Staffing Association survey of 1,000 US job seekers, reported by SHRM",
        2016,
        "https://www.shrm.org/ResourcesAndTools/hr-topics/talent-acquisition/Pages/Job-Seekers-Prefer-Human-Touch.aspx",
        "ASA 2016",
    ),
    # The counter-evidence: Jabarian & Henkel, "Voice AI in Firms: A Natural Field Experiment on
    # Automated Job Interviews" (about 70,000 applicants randomised to an AI voice interviewer or
    # a human recruiter): 12% more job offers, 18% more job starts, 17% higher 30-day retention
    # (relative increases; entry-level customer-service jobs in the Philippines).
    "ai_voice_experiment": Benchmark(
        "ai_voice_experiment",
        None,
        "Jabarian & Henkel, Voice AI in Firms: A Natural Field Experiment on Automated Job "
        "Interviews",
        2025,
        "https://brianjabarian.org/voiceai",
        "Jabarian & Henkel 2025",
    ),
}


def benchmark(key: str) -> Benchmark | None:
    return BENCHMARKS.get(key)
