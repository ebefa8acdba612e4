"""The hand-made funnel fixture shared by the funnel metric and chart tests: every expected
number in those tests is counted by hand from these rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import store

D = dt.date
AS_OF = D(2025, 6, 30)
STAGES = pd.DataFrame(
    {
        "stage": ["screen", "assessment", "interview", "offer"],
        "stage_order": [1, 2, 3, 4],
        "label_en": ["First screen", "Assessment", "Interview", "Offer"],
        "label_nl": ["Eerste selectie", "Assessment", "Gesprek", "Aanbod"],
    }
)
ORDER = dict(zip(STAGES.stage, STAGES.stage_order, strict=True))
FORMAT = {
    ("human_first", "screen"): ("recruiter_call", "human"),
    ("automation_first", "screen"): ("ai_cv_screen", "automated"),
    ("human_first", "assessment"): ("engineer_call", "human"),
    ("automation_first", "assessment"): ("auto_coding_test", "automated"),
}

# id, pipeline, applied_on, role_family, status, first_human_step, events [(stage, result, reason)]
APPS = [
    # Human-first: H2 skips the assessment, H5 re-enters the screen (rejected, then advanced).
    ("H1", "human_first", D(2025, 1, 2), "engineering", "hired", 1,
     [("screen", "advanced"), ("assessment", "advanced"), ("interview", "advanced"),
      ("offer", "advanced")]),
    ("H2", "human_first", D(2025, 1, 5), "engineering", "rejected", 1,
     [("screen", "advanced"), ("interview", "rejected")]),
    ("H3", "human_first", D(2025, 1, 9), "engineering", "withdrawn", 1,
     [("screen", "advanced"), ("assessment", "withdrawn", "process_too_long")]),
    ("H4", "human_first", D(2025, 1, 20), "engineering", "rejected", 1,
     [("screen", "rejected")]),
    ("H5", "human_first", D(2025, 3, 1), "engineering", "rejected", 1,
     [("screen", "rejected"), ("screen", "advanced"), ("assessment", "rejected")]),
    ("H6", "human_first", D(2025, 3, 3), "engineering", "withdrawn", 1,
     [("screen", "withdrawn", "no_human_contact")]),
    ("H7", "human_first", D(2025, 3, 10), "engineering", "offer_declined", 1,
     [("screen", "advanced"), ("assessment", "advanced"), ("interview", "advanced"),
      ("offer", "withdrawn")]),
    ("H8", "human_first", D(2025, 3, 12), "sales", "rejected", 1,
     [("screen", "rejected")]),
    ("H9", "human_first", D(2025, 6, 1), "engineering", "open", 1,
     [("screen", "advanced"), ("assessment", "pending")]),
    # Automation-first.
    ("A1", "automation_first", D(2025, 1, 3), "sales", "hired", 3,
     [("screen", "advanced"), ("assessment", "advanced"), ("interview", "advanced"),
      ("offer", "advanced")]),
    ("A2", "automation_first", D(2025, 1, 4), "sales", "withdrawn", None,
     [("screen", "withdrawn", "no_human_contact")]),
    ("A3", "automation_first", D(2025, 1, 6), "engineering", "withdrawn", None,
     [("screen", "withdrawn", "no_human_contact")]),
    ("A4", "automation_first", D(2025, 2, 1), "sales", "rejected", None,
     [("screen", "rejected")]),
    ("A5", "automation_first", D(2025, 2, 2), "sales", "withdrawn", None,
     [("screen", "advanced"), ("assessment", "withdrawn", "process_too_long")]),
    ("A6", "automation_first", D(2025, 2, 3), "sales", "rejected", None,
     [("screen", "advanced"), ("assessment", "rejected")]),
    ("A7", "automation_first", D(2025, 3, 4), "sales", "rejected", 3,
     [("screen", "advanced"), ("assessment", "advanced"), ("interview", "rejected")]),
    ("A8", "automation_first", D(2025, 3, 5), "engineering", "rejected", None,
     [("screen", "rejected")]),
    ("A9", "automation_first", D(2025, 6, 2), "sales", "open", None,
     [("screen", "pending")]),
]  # fmt: skip


def _tables() -> dict[str, pd.DataFrame]:
    apps, events, offers = [], [], []
    for app_id, pipe, applied, role, status, step, evs in APPS:
        apps.append(
            {
                "application_id": app_id,
                "applied_on": applied,
                "role_family": role,
                "seniority": "medior",
                "region": "NL",
                "source": "linkedin",
                "pipeline": pipe,
                "first_human_step": step,
                "status": status,
            }
        )
        day = applied
        for ev in evs:
            stage, result = ev[0], ev[1]
            fmt, tp = FORMAT.get((pipe, stage), ("panel", "human"))
            exited = None if result == "pending" else day + dt.timedelta(days=3)
            events.append(
                {
                    "application_id": app_id,
                    "stage": stage,
                    "stage_order": ORDER[stage],
                    "entered_on": day,
                    "exited_on": exited,
                    "result": result,
                    "touchpoint": tp,
                    "format": fmt,
                    "withdrawal_reason": ev[2] if len(ev) > 2 else None,
                }
            )
            if stage == "offer":
                offers.append(
                    {
                        "application_id": app_id,
                        "offered_on": day,
                        "decided_on": exited,
                        "accepted": result == "advanced",
                    }
                )
            day = day + dt.timedelta(days=4)
    apps_frame = pd.DataFrame(apps)
    apps_frame["first_human_step"] = apps_frame.first_human_step.astype("Int16")
    return {
        "stages": STAGES,
        "applications": apps_frame,
        "stage_events": pd.DataFrame(events),
        "offers": pd.DataFrame(offers),
    }


def connect_fixture():
    """A database with the fixture loaded (the caller closes it)."""
    con = store.connect(":memory:")
    store.load_tables(con, _tables(), meta={"as_of": AS_OF.isoformat()})
    return con
