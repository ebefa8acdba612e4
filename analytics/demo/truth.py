"""The demo's true effects of a human-first pipeline: what an adjusted estimate should recover.

Why this module exists: the generator knows how it drew every outcome, so the effect of running
an application human-first instead of automation-first is known, not estimated. For every
application of the target population we compute the probability (or expected score) of the
outcome under *both* pipelines from the generator's own model (``stage_model``,
``acceptance_probability``, the hazards and the quality model in ``analytics.demo``), with the
application's own latent traits, and average. That is the sample average treatment effect over
the same population the app's adjusted estimate targets (``analytics.metrics.causal``):

- hire rate and candidate withdrawal: decided applications (not open at the as-of date); each
  application's chance of eventually being hired / withdrawing before an offer, ignoring the
  as-of date (the few recent applications still decided are a slightly selected group, which
  the test sizes cannot see);
- offer acceptance: decided offers, with each offer's own comp ratio and competing offers;
- 12-month retention: hires started at least 365 days before the as-of date (exits do not
  depend on anything but the pipeline, so the effect is the same for every hire);
- performance (12-month rating on 0-100) for hires with a rating, ramp-up within the target for
  hires followed that long, and the quality composite (weighted mean of the three, 0-100).

Rates are proportions (0-1); performance and the composite are on 0-100, the composite's
components in per cent like the Quality page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from analytics import demo as d

# The same definitions as analytics.metrics.common (not imported: the demo sits below metrics).
RETENTION_DAYS = 365
DEFAULT_RAMP_TARGET = 90

DEFAULT_QUALITY_WEIGHTS = {"performance": 0.4, "ramp": 0.2, "retention": 0.4}
OUTCOMES = (
    "offer_acceptance",
    "withdrawal",
    "hire_rate",
    "retention_12m",
    "performance",
    "ramp",
    "quality_composite",
)


@dataclass(frozen=True)
class TrueEffect:
    """The mean outcome of the target population under each pipeline, and the difference and
    ratio (human-first vs automation-first)."""

    outcome: str
    mean_human_first: float
    mean_automation_first: float
    population: int

    @property
    def diff(self) -> float:
        return self.mean_human_first - self.mean_automation_first

    @property
    def ratio(self) -> float:
        return self.mean_human_first / self.mean_automation_first


def _expected_acceptance(human_first: float, tech: np.ndarray, seniority: np.ndarray) -> np.ndarray:
    """E[acceptance] over the comp ratio (normal, clipped to 0.82-1.22, rounded to 3 decimals)
    and competing offers (Poisson, capped at 5) the generator would draw for a new offer."""
    grid = np.round(np.arange(0.82, 1.22 + 1e-9, 0.001), 3)
    edges = np.concatenate([[-np.inf], (grid[:-1] + grid[1:]) / 2, [np.inf]])
    w_cr = np.diff(sps.norm.cdf(edges, 1.0, 0.07))  # clipped tails land on the end points
    out = np.zeros(tech.size)
    for lam, mask in ((1.1, tech), (0.6, ~tech)):
        k = np.arange(6)
        w_k = sps.poisson.pmf(k, lam)
        w_k[5] = 1 - w_k[:5].sum()
        for sen in (0, 1, 2):
            sel = mask & (seniority == sen)
            if not sel.any():
                continue
            p = d.acceptance_probability(
                human_first=human_first,
                comp_ratio=grid[:, None],
                competing=k[None, :],
                seniority=sen,
            )
            out[sel] = float(np.sum(w_cr[:, None] * w_k[None, :] * p))
    return out


def _funnel_probabilities(
    arrays: dict[str, np.ndarray], human_first: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per application: P(withdraw before an offer) and P(hired) under one pipeline."""
    n = arrays["role"].size
    common = {
        "source": arrays["source"],
        "role": arrays["role"],
        "switcher": arrays["switcher"],
        "age": arrays["age"],
        "seniority": arrays["sen"],
    }
    accept = _expected_acceptance(float(human_first), arrays["tech"], arrays["sen"])
    if human_first:
        scenarios = [(np.ones(n), [False, False, False, False])]
    else:
        # Automation-first requisitions have a person run the assessment in 30% of cases; for an
        # application that was human-first we take that 30% chance, for one that was
        # automation-first its requisition's actual draw.
        q = np.where(arrays["hf"], 0.3, arrays["human_assessment"].astype(float))
        scenarios = [(q, [True, False, False, False]), (1 - q, [True, True, False, False])]
    withdraw, hire = np.zeros(n), np.zeros(n)
    for weight, automated_by_stage in scenarios:
        alive, wd = np.ones(n), np.zeros(n)
        for s, automated in enumerate(automated_by_stage):
            p_pass, p_wd = d.stage_model(
                s,
                pipe=np.full(n, 0 if human_first else 1),
                automated=np.full(n, automated),
                **common,
            )
            wd += alive * p_wd
            alive = alive * p_pass
        withdraw += weight * wd
        hire += weight * alive * accept
    return withdraw, hire


def _retained(human_first: bool, days: int) -> float:
    """P(no exit within ``days`` of the start): exits are the first of two exponential times,
    ``left = start + floor(min) + 1``, so a hire is retained when ``min >= days``."""
    rate = (d.VOLUNTARY_HAZARD[0 if human_first else 1] + d.INVOLUNTARY_HAZARD) / 30.4
    return math.exp(-rate * days)


def _performance(human_first: bool, switcher: np.ndarray) -> np.ndarray:
    """E[12-month rating on 0-100]: the latent quality plus noise is normal; the rating is it
    rounded to half points and clipped to 1-5."""
    mean = (
        d.QUALITY_BASE
        + d.QUALITY_HUMAN_FIRST * human_first
        + d.QUALITY_SWITCHER * switcher
        + d.PERF12_SHIFT
    )
    sd = math.hypot(d.QUALITY_SD, d.PERF12_NOISE_SD)
    values = np.arange(1.0, 5.01, 0.5)
    edges = np.concatenate([[-np.inf], values[:-1] + 0.25, [np.inf]])
    probs = np.diff(sps.norm.cdf(edges[None, :], mean[:, None], sd), axis=1)
    rating = probs @ values
    return (rating - 1.0) / 4.0 * 100.0


def _ramp(human_first: bool, target: int) -> float:
    """P(ramp-up within ``target`` days, seen before leaving): ramp = max(20, round(gamma)), and
    the ramp is recorded only when the hire stays at least that long."""
    scale = d.RAMP_SCALE[0 if human_first else 1]
    rate = (d.VOLUNTARY_HAZARD[0 if human_first else 1] + d.INVOLUNTARY_HAZARD) / 30.4
    r = np.arange(d.RAMP_MIN, target + 1)
    upper = sps.gamma.cdf(r + 0.5, d.RAMP_SHAPE, scale=scale)
    lower = np.where(r == d.RAMP_MIN, 0.0, sps.gamma.cdf(r - 0.5, d.RAMP_SHAPE, scale=scale))
    return float(np.sum((upper - lower) * np.exp(-rate * (r - 1))))


def true_effects(
    n_applications: int = d.DEFAULT_APPLICATIONS,
    seed: int = d.DEFAULT_SEED,
    *,
    ramp_target: int = DEFAULT_RAMP_TARGET,
) -> dict[str, TrueEffect]:
    """The true effect on every outcome in the demo ``demo.generate(n_applications, seed)``
    (single-chunk sizes only, up to ``demo.CHUNK_APPLICATIONS``)."""
    if n_applications > d.CHUNK_APPLICATIONS:
        raise ValueError("true_effects covers demos built in one chunk")
    draft, offers, hires = d.simulate(n_applications, seed)
    a = draft.arrays
    horizon = draft.horizon
    out: dict[str, TrueEffect] = {}

    decided = a["status"] != "open"
    wd1, hire1 = _funnel_probabilities(a, True)
    wd0, hire0 = _funnel_probabilities(a, False)
    nd = int(decided.sum())
    out["withdrawal"] = TrueEffect("withdrawal", wd1[decided].mean(), wd0[decided].mean(), nd)
    out["hire_rate"] = TrueEffect("hire_rate", hire1[decided].mean(), hire0[decided].mean(), nd)

    done = offers.decided_on.to_numpy() >= 0
    oi = offers.i.to_numpy()[done]
    probs = [
        d.acceptance_probability(
            human_first=hf,
            comp_ratio=offers.comp_ratio.to_numpy()[done],
            competing=offers.competing_offers.to_numpy()[done],
            seniority=a["sen"][oi],
        )
        for hf in (1.0, 0.0)
    ]
    out["offer_acceptance"] = TrueEffect(
        "offer_acceptance", probs[0].mean(), probs[1].mean(), int(done.sum())
    )

    start = hires.start_on.to_numpy()
    followed = horizon - start >= RETENTION_DAYS
    out["retention_12m"] = TrueEffect(
        "retention_12m",
        _retained(True, RETENTION_DAYS),
        _retained(False, RETENTION_DAYS),
        int(followed.sum()),
    )
    rated = hires.perf_12m.notna().to_numpy()
    hi = hires.i.to_numpy()
    sw = (a["switcher"] & a["switcher_known"])[hi][rated].astype(float)
    out["performance"] = TrueEffect(
        "performance",
        float(_performance(True, sw).mean()),
        float(_performance(False, sw).mean()),
        int(rated.sum()),
    )
    ramp_pop = int((horizon - start >= ramp_target).sum())
    out["ramp"] = TrueEffect("ramp", _ramp(True, ramp_target), _ramp(False, ramp_target), ramp_pop)
    w = DEFAULT_QUALITY_WEIGHTS
    total = sum(w.values())
    scale = {"performance": 1.0, "ramp": 100.0, "retention": 100.0}
    parts = {"performance": "performance", "ramp": "ramp", "retention": "retention_12m"}
    means = [
        sum(w[c] * scale[c] * getattr(out[parts[c]], attr) for c in DEFAULT_QUALITY_WEIGHTS) / total
        for attr in ("mean_human_first", "mean_automation_first")
    ]
    out["quality_composite"] = TrueEffect(
        "quality_composite", means[0], means[1], out["performance"].population
    )
    return out
