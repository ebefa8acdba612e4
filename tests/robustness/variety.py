"""Valid ATS exports with real-world variety, loaded the way a user loads them (the ingest).

Why a seeded generator and not the demo: the demo has two pipelines sharing six stages, offers,
hires, retention and a linked survey, so every page was polished on exactly that shape. Real
exports differ: one pipeline only, stages that only one pipeline has (a final "Reference check"
in human-first processes), no offers or hires yet, every application still open, one role
family, six applications, dates over decades, unicode and very long category names, missing
optional columns, a survey whose ids link to nothing. ``Variant`` names one such shape;
``VARIANTS`` is the set the suite sweeps; ``random_variant`` draws combinations (for the slow
sweep and for hypothesis).

Files are written as CSV bytes with ATS-like headers and go through ``ingest.prepare`` and
``ingest.load`` (applications, then stage history, offers and hires appended) and the survey
import, so what the pages see is what a user's upload gives.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import numpy as np

from analytics import ingest, store
from analytics.ingest import survey as survey_ingest

HUMAN = "Human first"
AUTO = "Automation first"

# Stage layouts (names as an ATS writes them). The first stage is the first contact.
SHARED = {
    HUMAN: ["Phone screen", "Interview", "Final round"],
    AUTO: ["HireVue video", "Interview", "Final round"],
}
LAYOUTS: dict[str, dict[str, list[str]]] = {
    "shared": SHARED,
    # Only human-first processes end with a reference check (issue 19's Funnel crash).
    "last_by_one": {
        HUMAN: ["Phone screen", "Interview", "Final round", "Reference check"],
        AUTO: ["HireVue video", "Interview", "Final round"],
    },
    "disjoint": {
        HUMAN: ["Recruiter call", "Team lunch", "Panel"],
        AUTO: ["Chatbot screen", "Coding test", "Video interview"],
    },
    "reordered": {
        HUMAN: ["Phone screen", "Interview", "Assessment", "Final round"],
        AUTO: ["HireVue video", "Assessment", "Interview", "Final round"],
    },
}
LONG = "Ä" + "very long role family name with ünïcödé — ✓ 日本語 " * 4
ROLE_FAMILIES = ("Engineering", "Sales", "Support")
UNICODE_ROLES = ("Ingeniería ✓", "Vertrieb & Marketing", LONG.strip())


@dataclass(frozen=True)
class Variant:
    """One shape of export. Defaults are an ordinary two-pipeline export with everything."""

    name: str = "ordinary"
    applications: int = 120
    pipelines: tuple[str, ...] = (HUMAN, AUTO)
    layout: str = "shared"
    offers: bool = True
    hires: bool = True
    retention: bool = True  # perf and leaving dates in the hires file
    survey: str = "none"  # none | nothing | some | all: which respondents link to applications
    all_open: bool = False
    one_role_family: bool = False
    unicode_names: bool = False
    minimal_columns: bool = False  # only id, date, status, pipeline (no role family, region, ...)
    first_day: dt.date = dt.date(2025, 1, 1)
    span_days: int = 300


VARIANTS: tuple[Variant, ...] = (
    Variant(),
    Variant("one_pipeline", pipelines=(HUMAN,)),
    Variant("last_stage_by_one_pipeline", layout="last_by_one"),
    Variant("disjoint_stages", layout="disjoint"),
    Variant("reordered_stages", layout="reordered"),
    Variant("no_offers_no_hires", offers=False, hires=False),
    Variant("no_retention", retention=False),
    Variant("all_open", all_open=True, offers=False, hires=False),
    Variant("one_role_family", one_role_family=True),
    Variant("handful", applications=6),
    Variant("decades", first_day=dt.date(1995, 1, 1), span_days=30 * 365),
    Variant("unicode_long_names", unicode_names=True),
    Variant("minimal_columns", minimal_columns=True, offers=False, hires=False),
    Variant("survey_links_nothing", survey="nothing"),
    Variant("survey_links_some", survey="some"),
    Variant("survey_links_all", survey="all"),
)


def random_variant(seed: int) -> Variant:
    """A random combination of the knobs (for the slow sweep)."""
    rng = np.random.default_rng(seed)
    return Variant(
        name=f"random-{seed}",
        applications=int(rng.choice([5, 12, 40, 150, 400])),
        pipelines=(HUMAN, AUTO) if rng.random() < 0.7 else (str(rng.choice([HUMAN, AUTO])),),
        layout=str(rng.choice(list(LAYOUTS))),
        offers=bool(rng.random() < 0.7),
        hires=bool(rng.random() < 0.6),
        retention=bool(rng.random() < 0.5),
        survey=str(rng.choice(["none", "nothing", "some", "all"])),
        all_open=bool(rng.random() < 0.15),
        one_role_family=bool(rng.random() < 0.3),
        unicode_names=bool(rng.random() < 0.3),
        minimal_columns=bool(rng.random() < 0.2),
        first_day=dt.date(int(rng.integers(1990, 2025)), 1, 1),
        span_days=int(rng.choice([1, 30, 365, 3650])),
    )


@dataclass(frozen=True)
class Files:
    applications: bytes
    stages: bytes
    offers: bytes | None
    hires: bytes | None
    survey: bytes | None


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")


def generate(variant: Variant, seed: int = 0) -> Files:
    """The export files of ``variant`` (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    n = variant.applications
    roles = UNICODE_ROLES if variant.unicode_names else ROLE_FAMILIES
    if variant.one_role_family:
        roles = roles[:1]
    app_rows, stage_rows, offer_rows, hire_rows = [], [], [], []
    hired_ids: list[str] = []
    for i in range(n):
        app_id = f"APP-{i + 1:05d}"
        pipeline = variant.pipelines[i % len(variant.pipelines)]
        steps = LAYOUTS[variant.layout][pipeline]
        applied = variant.first_day + dt.timedelta(days=int(rng.integers(0, variant.span_days)))
        # How far the application got: a geometric walk through the stages, then an offer.
        reached = 1
        while reached < len(steps) and rng.random() < 0.7:
            reached += 1
        offered = reached == len(steps) and rng.random() < 0.6 and variant.offers
        if variant.all_open:
            status = "Active"
        elif offered:
            status = str(rng.choice(["Hired", "Hired", "Hired", "Declined offer"]))
        else:
            status = str(rng.choice(["Rejected", "Rejected", "Withdrawn", "Active"]))
        if status == "Hired" and not variant.hires:
            status = "Rejected"
        day = applied
        for k, step in enumerate(steps[:reached]):
            day = day + dt.timedelta(days=int(rng.integers(1, 9)))
            last = k == reached - 1
            result = (
                "pending"
                if last and status == "Active"
                else "withdrawn"
                if last and status == "Withdrawn"
                else "rejected"
                if last and status == "Rejected"
                else "advanced"
            )
            stage_rows.append([app_id, step, day.isoformat(), result])
        role = roles[i % len(roles)]
        row = [app_id, f"CAND-{i:05d}", applied.isoformat(), status, pipeline]
        if not variant.minimal_columns:
            row += [
                f"REQ-{i % 7}",
                role,
                ["Amsterdam", "Berlin"][i % 2],
                ["LinkedIn", "Referral"][i % 2],
                ["Junior", "Senior"][i % 2],
                ["woman", "man"][i % 2],
                ["<30", "30-39", "50+"][i % 3],
                steps[reached - 1],
            ]
        app_rows.append(row)
        if offered:
            decided = day + dt.timedelta(days=3)
            accepted = "yes" if status == "Hired" else "no"
            offer_rows.append(
                [app_id, day.isoformat(), decided.isoformat(), accepted, 50000 + 500 * (i % 9)]
            )
            if status == "Hired":
                hired_ids.append(app_id)
                start = decided + dt.timedelta(days=30)
                perf = f"{2.5 + (i % 5) * 0.5:.1f}" if variant.retention else None
                left = (
                    (start + dt.timedelta(days=200)).isoformat()
                    if variant.retention and i % 4 == 0
                    else None
                )
                hire_rows.append(
                    [app_id, start.isoformat(), perf, perf, left, "voluntary" if left else None]
                )
    app_header = ["Application ID", "Candidate ID", "Applied On", "Status", "Pipeline"]
    if not variant.minimal_columns:
        app_header += [
            "Job ID",
            "Department",
            "Office",
            "Source",
            "Level",
            "Gender",
            "Age band",
            "Current Stage",
        ]
    applications = _csv(app_header, app_rows)
    stages = _csv(["Application ID", "Stage", "Entered On", "Result"], stage_rows)
    offers = (
        _csv(
            ["Application ID", "Offer Date", "Decision Date", "Accepted", "Base Salary"], offer_rows
        )
        if offer_rows
        else None
    )
    hires = (
        _csv(
            [
                "Application ID",
                "Start Date",
                "Performance 6m",
                "Performance 12m",
                "Exit Date",
                "Exit Type",
            ],
            hire_rows,
        )
        if hire_rows
        else None
    )
    survey = _survey(variant, rng, n) if variant.survey != "none" else None
    return Files(applications, stages, offers, hires, survey)


SURVEY_LIKERT = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")


def _survey(variant: Variant, rng: np.random.Generator, n: int) -> bytes:
    respondents = max(8, min(60, n))
    rows = []
    for r in range(respondents):
        linked = variant.survey == "all" or (variant.survey == "some" and r % 2 == 0)
        app_id = f"APP-{(r % n) + 1:05d}" if linked else f"OTHER-{r:05d}"
        rows.append(
            [
                f"R{r:04d}",
                app_id,
                SURVEY_LIKERT[int(rng.integers(0, 5))],
                int(rng.integers(0, 11)),
            ]
        )
    return _csv(
        ["Respondent", "application_id", "The process respected my time", "NPS (0-10)"], rows
    )


def load(con: duckdb.DuckDBPyConnection, files: Files) -> list[str]:
    """Load ``files`` the way the Data page does; returns the problems (empty when all loaded)."""
    problems: list[str] = []
    steps = [
        ("applications", files.applications, "replace"),
        ("stages", files.stages, "append"),
        ("offers", files.offers, "replace"),
        ("hires", files.hires, "replace"),
    ]
    for kind, data, mode in steps:
        if data is None:
            continue
        raw = ingest.read_upload(data, f"{kind}.csv")
        prepared = ingest.prepare(raw, kind, None, con=con, mode=mode)
        if not prepared.ok:
            problems.append(f"{kind}: {prepared.report.to_text('en')}")
            continue
        ingest.load(con, prepared, mode=mode)
    if files.survey is not None:
        sf = survey_ingest.read_survey(files.survey, "survey.csv")
        tables = survey_ingest.build_tables(
            sf, survey_ingest.questions_frame(sf), "Candidate survey", con
        )
        survey_ingest.save(con, tables)
    return problems


def build_database(path: Path, variant: Variant, seed: int = 0) -> Path:
    """A database file holding ``variant`` (schema, then the ingest)."""
    con = store.connect(path)
    try:
        problems = load(con, generate(variant, seed))
        if problems:
            raise AssertionError(f"{variant.name}: the valid export was refused: {problems}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def with_name(variant: Variant, name: str) -> Variant:
    return replace(variant, name=name)
