"""The baseline the app is measured against: what an analyst would do without it.

The exported tables (Parquet) held in pandas, the same headline, funnel, offer and quality numbers
computed with ``groupby``.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pandas as pd

from analytics import store
from analytics.bench.tasks import _median, _time, peak_rss_mb

BASELINE_TABLES = ("applications", "stage_events", "offers", "hires")


def export_tables(db: str, folder: Path) -> dict[str, str]:
    """Export the tables an analyst would pull from the ATS (Parquet, one file per table)."""
    con = store.connect(db, read_only=True)
    paths = {}
    try:
        for name in BASELINE_TABLES:
            path = folder / f"{name}.parquet"
            con.execute(f"COPY {name} TO '{path}' (FORMAT parquet)")
            paths[name] = str(path)
    finally:
        con.close()
    return paths


def baseline_metrics(t: dict[str, pd.DataFrame], as_of: dt.date) -> dict[str, Any]:
    """The pages' main numbers the pandas way: per pipeline rates, funnel, offers, quality."""
    apps, events, offers, hires = (t[n] for n in BASELINE_TABLES)
    out: dict[str, Any] = {}
    decided = apps[apps.status != "open"]
    g = decided.groupby("pipeline")
    offered = decided.application_id.isin(offers.application_id)
    out["overview"] = pd.DataFrame(
        {
            "applications": apps.groupby("pipeline").size(),
            "decided": g.size(),
            "offer_rate": offered.groupby(decided.pipeline).mean(),
            "withdrawn": (decided.status == "withdrawn").groupby(decided.pipeline).mean(),
            "hired": (decided.status == "hired").groupby(decided.pipeline).mean(),
        }
    )
    ev = events.merge(apps[["application_id", "pipeline", "status"]], on="application_id")
    ev = ev[ev.status != "open"]
    reached = ev.groupby(["pipeline", "stage_order"]).application_id.nunique().unstack()
    out["funnel"] = reached
    out["withdrawal_reasons"] = (
        ev[ev.result == "withdrawn"].groupby(["pipeline", "withdrawal_reason"]).size()
    )
    ev_days = (ev.exited_on - ev.entered_on).dt.days
    out["stage_times"] = ev_days.groupby([ev.pipeline, ev.stage]).median()
    out["formats"] = ev.groupby(["pipeline", "format", "result"]).size()
    out["breakdown"] = offered.groupby([decided.pipeline, decided.role_family]).mean()
    of = offers.merge(apps[["application_id", "pipeline"]], on="application_id")
    dec = of[of.accepted.notna()]
    out["acceptance"] = dec.groupby("pipeline").accepted.mean()
    out["comp_ratio"] = dec.groupby(
        ["pipeline", pd.cut(dec.comp_ratio, 8)], observed=True
    ).accepted.mean()
    out["competing"] = dec.groupby(["pipeline", "competing_offers"]).accepted.mean()
    out["decline_reasons"] = (
        dec[~dec.accepted.astype(bool)].groupby(["pipeline", "decline_reason"]).size()
    )
    out["decision_days"] = (dec.decided_on - dec.offered_on).dt.days.groupby(dec.pipeline).median()
    h = hires.merge(apps[["application_id", "pipeline"]], on="application_id")
    end = h.left_on.fillna(pd.Timestamp(as_of))
    h = h.assign(tenure=(end - h.start_on).dt.days)
    out["quality"] = h.groupby("pipeline").agg(
        perf_12m=("perf_12m", "mean"),
        ramp=("ramp_days", lambda s: (s <= 90).mean()),
        manager=("manager_satisfaction", "mean"),
        retained=("tenure", lambda s: (s >= 365).mean()),
    )
    out["ratings"] = h.groupby(["pipeline", "perf_12m"]).size()
    hired = apps[apps.status == "hired"].merge(
        events[events.stage == "offer"][["application_id", "entered_on"]], on="application_id"
    )
    out["time_to_offer"] = (
        (hired.entered_on - hired.applied_on).dt.days.groupby(hired.pipeline).median()
    )
    return out


def task_baseline(paths: dict[str, str], as_of: str, runs: int) -> dict[str, Any]:
    started = time.perf_counter()
    tables = {name: pd.read_parquet(p) for name, p in paths.items()}
    for frame in tables.values():
        for col in frame.columns:
            if str(frame[col].dtype).startswith("datetime64") or col.endswith(("_on",)):
                frame[col] = pd.to_datetime(frame[col])
    load = time.perf_counter() - started
    day = dt.date.fromisoformat(as_of)
    times = [_time(lambda: baseline_metrics(tables, day)) for _ in range(max(1, runs))]
    return {
        "load_s": load,
        "first_s": times[0],
        "median_s": _median(times),
        "peak_rss_mb": peak_rss_mb(),
    }
