# ruff: noqa: E501 - generated-table literals read better one record per line
"""Generated warehouse tables in the published Fivetran column shapes (dbt_greenhouse_source,
dbt_lever_source: ``models/src_*.yml``), with what real syncs contain: soft-deleted rows
(``_fivetran_deleted``), history rows without a stage (status changes), a stage renamed over time
(history mode: the old name inactive), prospects, deprecated offer versions, and identifier
columns that must never be read. Written as Parquet or CSV files, or into PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

BASE = dt.datetime(2024, 1, 8, 9, 0)


@dataclass(frozen=True)
class Synced:
    shape: str
    tables: dict[str, pd.DataFrame]
    types: dict[str, dict[str, str]]  # table -> column -> PostgreSQL type


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)


def greenhouse(n: int = 240, seed: int = 3) -> Synced:
    rnd = random.Random(seed)
    jobs = {
        101: ("Engineering", "Amsterdam", "human"),
        102: ("Engineering", "Berlin", "auto"),
        103: ("Sales", "Amsterdam", "human"),
        104: ("Sales", "Berlin", "auto"),
    }
    steps = {
        "human": ["Application Review", "Phone Screen", "Onsite", "Offer"],
        "auto": ["Application Review", "HireVue one-way video", "Onsite", "Offer"],
    }
    job_stage, stage_id = [], {}
    for job, (_, _, kind) in jobs.items():
        for k, name in enumerate(steps[kind]):
            sid = job * 100 + k
            stage_id[(job, name)] = sid
            job_stage.append(
                {
                    "id": sid,
                    "job_id": job,
                    "name": name,
                    "_fivetran_active": True,
                    "_fivetran_deleted": False,
                    "created_at": BASE,
                }
            )
    # Renamed over time (history mode): job 101's phone screen was called "Intro chat".
    job_stage.append(
        {
            "id": 10101,
            "job_id": 101,
            "name": "Intro chat",
            "_fivetran_active": False,
            "_fivetran_deleted": False,
            "created_at": BASE,
        }
    )
    applications, history, offers = [], [], []
    offer_id = 9000
    for i in range(n):
        app_id = 5_000_000 + i
        job = list(jobs)[i % 4]
        kind = jobs[job][2]
        applied = BASE + dt.timedelta(days=rnd.randrange(0, 300), hours=rnd.randrange(0, 8))
        # how far: 0 = review only ... 3 = offer
        reached = rnd.choices(
            [0, 1, 2, 3], weights=[3, 4, 3, 3] if kind == "human" else [3, 5, 3, 2]
        )[0]
        at = applied
        for k in range(reached + 1):
            history.append(
                {
                    "application_id": app_id,
                    "new_stage_id": stage_id[(job, steps[kind][k])],
                    "new_status": "active",
                    "updated_at": at,
                }
            )
            at = at + dt.timedelta(days=rnd.randrange(2, 12), hours=rnd.randrange(0, 5))
        reason = None
        if reached == 3:
            outcome = rnd.choices(["accepted", "rejected", "unresolved"], weights=[6, 2, 1])[0]
            status = {"accepted": "hired", "rejected": "rejected", "unresolved": "active"}[outcome]
            if rnd.random() < 0.3:  # an earlier, deprecated version of the offer
                offer_id += 1
                offers.append(
                    {
                        "id": offer_id,
                        "application_id": app_id,
                        "version": 1,
                        "status": "deprecated",
                        "created_at": at - dt.timedelta(days=3),
                        "sent_at": None,
                        "resolved_at": None,
                        "_fivetran_deleted": False,
                    }
                )
            offer_id += 1
            offers.append(
                {
                    "id": offer_id,
                    "application_id": app_id,
                    "version": 2,
                    "status": outcome,
                    "created_at": at - dt.timedelta(days=1),
                    "sent_at": at,
                    "resolved_at": None
                    if outcome == "unresolved"
                    else at + dt.timedelta(days=rnd.randrange(1, 9)),
                    "starts_at": at + dt.timedelta(days=40),
                    "_fivetran_deleted": False,
                }
            )
        else:
            status = rnd.choices(["rejected", "active"], weights=[5, 1])[0]
            if status == "rejected":
                reason = rnd.choices([1, 2], weights=[3, 2])[0]
        if status != "active":
            # A status change without a stage: Greenhouse's history logs rejections and hires so.
            history.append(
                {
                    "application_id": app_id,
                    "new_stage_id": None,
                    "new_status": status,
                    "updated_at": at,
                }
            )
        applications.append(
            {
                "id": app_id,
                "candidate_id": 7_000_000 + i,
                "applied_at": applied,
                "status": status,
                "source_id": 31 + i % 3,
                "current_stage_id": stage_id[(job, steps[kind][reached])],
                "rejected_reason_id": reason,
                "prospect": False,
                "is_deleted": False,
                "_fivetran_deleted": i % 37 == 5,  # soft-deleted applications
                "_fivetran_synced": BASE + dt.timedelta(days=400),
                "location_address": f"Street {i}",  # an identifier: never read
            }
        )
    for j in range(4):  # prospects: not applications yet
        applications.append(
            {
                "id": 6_000_000 + j,
                "candidate_id": 8_000_000 + j,
                "applied_at": BASE,
                "status": "active",
                "prospect": True,
                "_fivetran_deleted": False,
            }
        )
    offers.append(
        {
            "id": 99999,
            "application_id": 5_000_000,
            "version": 9,
            "status": "accepted",
            "created_at": BASE,
            "sent_at": BASE,
            "_fivetran_deleted": True,
        }
    )
    tables = {
        "application": _frame(applications, ["id", "candidate_id", "applied_at", "status", "source_id",
            "current_stage_id", "rejected_reason_id", "prospect", "is_deleted", "_fivetran_deleted",
            "_fivetran_synced", "location_address", "credited_to_user_id"]),
        "application_history": _frame(history, ["application_id", "new_stage_id", "new_status", "updated_at"]),
        "job_stage": _frame(job_stage, ["id", "job_id", "name", "created_at", "_fivetran_deleted", "_fivetran_active"]),
        "job": _frame([{"id": j, "name": f"Job {j}", "requisition_id": f"REQ-{j}", "_fivetran_deleted": False}
                       for j in jobs], ["id", "name", "requisition_id", "_fivetran_deleted"]),
        "job_application": _frame([{"application_id": a["id"], "job_id": list(jobs)[k % 4]}
                                   for k, a in enumerate(applications[:n])], ["application_id", "job_id"]),
        "department": _frame([{"id": 1, "name": "Engineering"}, {"id": 2, "name": "Sales"}], ["id", "name"]),
        "job_department": _frame([{"job_id": j, "department_id": 1 if v[0] == "Engineering" else 2}
                                  for j, v in jobs.items()], ["job_id", "department_id"]),
        "office": _frame([{"id": 1, "name": "Amsterdam"}, {"id": 2, "name": "Berlin"}], ["id", "name"]),
        "job_office": _frame([{"job_id": j, "office_id": 1 if v[1] == "Amsterdam" else 2}
                              for j, v in jobs.items()], ["job_id", "office_id"]),
        "source": _frame([{"id": 31, "name": "LinkedIn"}, {"id": 32, "name": "Referral"},
                          {"id": 33, "name": "Careers page"}], ["id", "name"]),
        "offer": _frame(offers, ["id", "application_id", "version", "status", "created_at", "sent_at",
                                 "resolved_at", "starts_at", "_fivetran_deleted"]),
        "rejection_reason": _frame([{"id": 1, "name": "Not a fit", "type_name": "We rejected them"},
                                    {"id": 2, "name": "Took another job", "type_name": "They rejected us"}],
                                   ["id", "name", "type_name"]),
        "candidate": _frame([{"id": 7_000_000 + i, "first_name": "Ann", "last_name": f"Example{i}"}
                             for i in range(n)], ["id", "first_name", "last_name"]),
    }  # fmt: skip
    types = {name: _pg_types(frame, ids="bigint") for name, frame in tables.items()}
    return Synced("greenhouse-fivetran", tables, types)


def lever(n: int = 240, seed: int = 4) -> Synced:
    rnd = random.Random(seed)
    stages = {"s-new": "New applicant", "s-rec": "Recruiter screen", "s-cod": "Codility test",
              "s-ons": "On-site interview", "s-off": "Offer"}  # fmt: skip
    postings = {
        "p-1": ("Engineering", "Amsterdam", "Senior", "human"),
        "p-2": ("Engineering", "Berlin", "Junior", "auto"),
        "p-3": ("Sales", "Amsterdam", "Senior", "human"),
        "p-4": ("Sales", "Berlin", "Junior", "auto"),
    }
    paths = {
        "human": ["s-new", "s-rec", "s-ons", "s-off"],
        "auto": ["s-new", "s-cod", "s-ons", "s-off"],
    }
    reasons = {"r-hired": "Hired", "r-under": "Underqualified", "r-withdrew": "Withdrew",
               "r-decl": "Offer declined", "r-unresp": "Unresponsive"}  # fmt: skip
    opps, hist, offers, apps, srcs = [], [], [], [], []
    for i in range(n):
        oid = f"opp-{i:04d}"
        post = list(postings)[i % 4]
        kind = postings[post][3]
        created = BASE + dt.timedelta(days=rnd.randrange(0, 300), hours=rnd.randrange(0, 8))
        reached = rnd.choices([0, 1, 2, 3], weights=[3, 4, 3, 3])[0]
        at = created
        for k in range(reached + 1):
            hist.append(
                {
                    "opportunity_id": oid,
                    "stage_id": paths[kind][k],
                    "to_stage_index": k,
                    "updated_at": at,
                    "updater_id": "u-1",
                }
            )
            at = at + dt.timedelta(days=rnd.randrange(2, 12))
        archived, reason = None, None
        if reached == 3:
            outcome = rnd.choices(["signed", "denied", "sent"], weights=[6, 2, 1])[0]
            offers.append(
                {
                    "id": f"off-{i}",
                    "opportunity_id": oid,
                    "candidate_id": oid,
                    "created_at": at - dt.timedelta(days=2),
                    "status": outcome,
                    "creator_id": "u-1",
                    "_fivetran_deleted": False,
                }
            )
            if rnd.random() < 0.2:
                offers.append(
                    {
                        "id": f"off-{i}-draft",
                        "opportunity_id": oid,
                        "candidate_id": oid,
                        "created_at": at - dt.timedelta(days=1),
                        "status": "draft",
                        "_fivetran_deleted": False,
                    }
                )
            if outcome != "sent":
                archived = at + dt.timedelta(days=3)
                reason = "r-hired" if outcome == "signed" else "r-decl"
        elif rnd.random() < 0.85:
            archived = at
            reason = rnd.choice(["r-under", "r-withdrew", "r-unresp"])
        if archived is not None and rnd.random() < 0.5:
            hist.append({"opportunity_id": oid, "stage_id": None, "updated_at": archived})
        opps.append(
            {
                "id": oid,
                "contact": f"c-{i}",
                "created_at": created,
                "archived_at": archived,
                "archived_reason_id": reason,
                "stage_id": paths[kind][reached],
                "origin": "applied",
                "name": f"Person {i}",
                "location": "Utrecht",
                "_fivetran_deleted": i % 41 == 7,
            }
        )
        apps.append(
            {
                "id": f"app-{i}",
                "opportunity_id": oid,
                "posting_id": post,
                "requisition_for_hire_id": None,
                "_fivetran_deleted": False,
            }
        )
        srcs.append({"opportunity_id": oid, "source": ["LinkedIn", "Referral", "Indeed"][i % 3]})
    stage_rows = [{"id": k, "text": v, "_fivetran_active": True} for k, v in stages.items()]
    stage_rows.append({"id": "s-rec", "text": "Phone chat", "_fivetran_active": False})  # renamed
    tables = {
        "opportunity": _frame(opps, ["id", "contact", "created_at", "archived_at", "archived_reason_id",
                                     "stage_id", "origin", "name", "location", "_fivetran_deleted"]),
        "opportunity_stage_history": _frame(hist, ["opportunity_id", "stage_id", "to_stage_index",
                                                   "updated_at", "updater_id"]),
        "stage": _frame(stage_rows, ["id", "text", "_fivetran_active"]),
        "archive_reason": _frame([{"id": k, "text": v, "_fivetran_deleted": False} for k, v in reasons.items()],
                                 ["id", "text", "_fivetran_deleted"]),
        "offer": _frame(offers, ["id", "opportunity_id", "candidate_id", "created_at", "status",
                                 "creator_id", "_fivetran_deleted"]),
        "opportunity_source": _frame(srcs, ["opportunity_id", "source"]),
        "application": _frame(apps, ["id", "opportunity_id", "posting_id", "requisition_for_hire_id",
                                     "_fivetran_deleted"]),
        "posting": _frame([{"id": k, "categories_department": v[0], "categories_location": v[1],
                            "categories_level": v[2], "text": f"Posting {k}"} for k, v in postings.items()],
                          ["id", "categories_department", "categories_location", "categories_level", "text"]),
    }  # fmt: skip
    types = {name: _pg_types(frame, ids="text") for name, frame in tables.items()}
    return Synced("lever-fivetran", tables, types)


def _pg_types(frame: pd.DataFrame, *, ids: str) -> dict[str, str]:
    out = {}
    for c in frame.columns:
        values = frame[c].dropna()
        sample = values.iloc[0] if len(values) else None
        if (
            c.startswith("_fivetran_")
            and c != "_fivetran_synced"
            or c in ("prospect", "is_deleted")
        ):
            out[c] = "boolean"
        elif isinstance(sample, dt.datetime) or c.endswith("_at") or c == "_fivetran_synced":
            # Fivetran writes UTC instants as timestamp with time zone.
            out[c] = "timestamptz"
        elif c in ("version", "to_stage_index"):
            out[c] = "integer"
        elif c == "id" or c.endswith("_id"):
            out[c] = ids if not isinstance(sample, str) else "text"
        else:
            out[c] = "text"
    return out


def _for_files(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable integer ids stay integers (pandas would make them floats)."""
    out = frame.copy()
    for c in out.columns:
        values = out[c].dropna()
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        if len(values) and numbers and all(float(v).is_integer() for v in values):
            out[c] = out[c].astype("Int64")
        elif len(values) and all(isinstance(v, bool) for v in values):
            out[c] = out[c].astype("boolean")
        elif len(values) and all(isinstance(v, dt.datetime) for v in values):
            out[c] = pd.to_datetime(out[c])
    return out


def write_folder(synced: Synced, folder: Path, fmt: str = "parquet") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in synced.tables.items():
        frame = _for_files(frame)
        if fmt == "parquet":
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            text = frame.copy()
            for c in text.columns:
                if str(text[c].dtype) == "boolean":
                    text[c] = text[c].map({True: "true", False: "false"}, na_action="ignore")
            text.to_csv(folder / f"{name}.csv", index=False)
    return folder


def write_postgres(synced: Synced, conninfo: str, schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        for name, frame in synced.tables.items():
            types = synced.types[name]
            frame = _for_files(frame)
            cols = sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(types[c])) for c in frame.columns
            )
            conn.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(schema, name), cols))
            copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(schema, name), sql.SQL(", ").join(map(sql.Identifier, frame.columns))
            )
            with conn.cursor() as cur, cur.copy(copy) as cp:
                for row in frame.itertuples(index=False):
                    cp.write_row([_pg_value(v) for v in row])


def _pg_value(v: object) -> object:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=dt.UTC)
    return v
