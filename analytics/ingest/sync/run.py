"""One sync: read a synced schema, map it, validate it like an upload, load it atomically.

Why it reuses the upload path: the applications go through ``ingest.prepare`` (status synonyms,
candidate ids hashed with the database's salt, identifier columns dropped, the pipeline from the
tagging rules, the quality report), the stage moves through ``ingest.stages.finish_stages`` (stage
order, touchpoints, formats, exits and results) and the tables through ``store.load_tables`` (one
transaction, the data version bumped, undo). A sync is therefore judged by the same rules as a
file on the Data page, and a sync with problems loads nothing.

What a sync replaces: applications, stages, stage events and offers, which the ATS owns. Hires
(start, performance, retention) and surveys do not live in an ATS: they are kept (hires of
applications that are gone are dropped), except when the database still holds the demo, whose
rows must not mix with real data. A second sync of unchanged data is a no-op: the tables'
fingerprint is kept in ``meta`` with the data version it produced, and an equal fingerprint on an
unchanged version loads nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics import store
from analytics.i18n import t
from analytics.ingest.fields import FIRST_STEP, FORMAT_RULES
from analytics.ingest.load import _empty
from analytics.ingest.pipeline_rules import match_rule, pipeline_rules
from analytics.ingest.prepare import prepare
from analytics.ingest.reading import RawFile
from analytics.ingest.report import QualityReport
from analytics.ingest.stages import finish_stages
from analytics.ingest.sync.mapping import MAPPERS, Mapped
from analytics.ingest.sync.shapes import SHAPES
from analytics.ingest.sync.sources import (
    SourceTables,
    SyncError,
    check_url,
    read_folder,
    read_postgres,
)
from analytics.ingest.values import stage_key

SYNC_KEY = "sync_state"  # meta: {"fingerprint", "data_version", "shape"} of the last sync
URL_ENV_VAR = "AIVSHI_SYNC_URL"
_APP_COLUMNS = (
    "application_id", "candidate_id", "requisition_id", "applied_on", "role_family",
    "seniority", "region", "source", "status", "furthest_stage", "first_step",
)  # fmt: skip
_SURVEY_TABLES = ("surveys", "survey_questions", "survey_respondents", "survey_answers")


@dataclass(frozen=True)
class SyncResult:
    """What a sync read, left out, found and loaded. ``version`` is None when nothing was loaded
    because of problems (listed in ``report``); ``changed`` is False for a no-op."""

    shape: str
    source: str
    report: QualityReport
    version: int | None
    changed: bool
    rows_read: Mapping[str, int]
    left_out: Mapping[str, int]  # counts by reason (see mapping's docstring)
    missing_tables: tuple[str, ...] = ()
    identifiers_not_read: tuple[str, ...] = ()
    loaded: Mapping[str, int] = field(default_factory=dict)
    hires_kept: int = 0
    pipeline_from_job: int = 0

    @property
    def ok(self) -> bool:
        return self.report.ok

    def notes(self, lang: str = "en") -> list[str]:
        """One sentence per fact, each with its number."""
        read = ", ".join(f"{k} {v:,}" for k, v in self.rows_read.items())
        lines = [t("sync.note.read", lang, source=self.source, tables=read)]
        if self.missing_tables:
            lines.append(t("sync.note.missing_tables", lang, tables=", ".join(self.missing_tables)))
        if self.identifiers_not_read:
            lines.append(
                t("sync.note.identifiers", lang, columns=", ".join(self.identifiers_not_read))
            )
        for reason, n in self.left_out.items():
            if n:
                lines.append(t(f"sync.left_out.{reason}", lang, n=n))
        if self.pipeline_from_job:
            lines.append(t("sync.note.pipeline_from_job", lang, n=self.pipeline_from_job))
        if self.loaded:
            done = ", ".join(f"{k} {v:,}" for k, v in self.loaded.items())
            lines.append(t("sync.note.loaded", lang, tables=done, version=self.version))
            lines.append(t("sync.note.hires_kept", lang, n=self.hires_kept))
        elif self.ok and not self.changed:
            lines.append(t("sync.note.unchanged", lang, version=self.version))
        return lines

    def to_text(self, lang: str = "en") -> str:
        return "\n".join([*self.notes(lang), self.report.to_text(lang)])


def read_source(
    source: str | Path,
    shape: str,
    *,
    schema: str | None = None,
    password: str | None = None,
    password_in_url_ok: bool = False,
) -> SourceTables:
    """A folder path or a ``postgresql://`` URL -> the shape's tables in a scratch DuckDB.

    A password in the URL is refused unless the URL came from the environment
    (``AIVSHI_SYNC_URL``, ``password_in_url_ok=True``)."""
    if shape not in SHAPES:
        raise SyncError("unknown_shape", shape=shape, shapes=", ".join(SHAPES))
    text = str(source)
    if text.startswith(("postgresql://", "postgres://")):
        if not password_in_url_ok:
            check_url(text)
        return read_postgres(text, SHAPES[shape], schema=schema, password=password)
    return read_folder(Path(text), SHAPES[shape])


def sync(
    con: duckdb.DuckDBPyConnection,
    source: str | Path,
    shape: str,
    *,
    schema: str | None = None,
    password: str | None = None,
    password_in_url_ok: bool = False,
    today: dt.date | None = None,
) -> SyncResult:
    """Read, map, validate and (when clean and changed) load a synced schema.

    Raises ``SyncError`` when the source cannot be read (missing tables or columns, no
    connection) and ``store.StoreError`` when the load fails; either way nothing is changed."""
    tables = read_source(
        source, shape, schema=schema, password=password, password_in_url_ok=password_in_url_ok
    )
    try:
        mapped = MAPPERS[shape](tables.con, set(tables.rows))
    except duckdb.Error as e:
        raise SyncError("map_failed", where=tables.label, detail=str(e)[:300]) from e
    finally:
        tables.con.close()
    if mapped.applications.empty:
        raise SyncError("no_applications", where=tables.label)
    return _validate_and_load(con, mapped, shape=shape, tables=tables, today=today)


def _first_steps(mapped: Mapped, rules: Sequence[Mapping[str, object]]) -> tuple[pd.Series, int]:
    """The step the tagging rules read, per application: its earliest stage a rule recognises
    (the ATS's own first stage, "Application Review" or "New lead", says nothing about the
    process). An application that never got that far takes its job's usual first step, else the
    first recognised stage of the job's stage list. Returns the steps and how many came from the
    job."""
    apps, events = mapped.applications, mapped.events
    names = pd.unique(events["stage"].dropna())
    known = {s for s in names if match_rule(str(s), rules) is not None}
    first = events[events["stage"].isin(known)].drop_duplicates("application_id")
    step = apps["application_id"].map(
        dict(zip(first["application_id"], first["stage"], strict=True))
    )
    # The job's usual first step: most frequent, ties by name (deterministic).
    counts = first.groupby(["job_key", "stage"]).size().reset_index(name="n")
    counts = counts.sort_values(["job_key", "n", "stage"], ascending=[True, False, True])
    usual = dict(counts.drop_duplicates("job_key")[["job_key", "stage"]].itertuples(index=False))
    usual_listed: dict[object, object] = {}
    for req, stage in mapped.job_stages[["requisition_id", "stage"]].itertuples(index=False):
        if req not in usual_listed and match_rule(str(stage), rules) is not None:
            usual_listed[req] = stage
    need = step.isna()
    job = apps["requisition_id"]
    fallback = job.map(usual).fillna(job.map(usual_listed))
    step = step.where(~need, fallback)
    return step, int((need & step.notna()).sum())


def _screen_steps(
    events: pd.DataFrame, apps: pd.DataFrame, rules: Sequence[Mapping[str, object]]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Stage, touchpoint and format of every move. When the applications' first recognised steps
    differ (a phone screen in one process, a one-way video in the other), those moves become one
    stage, "First screen", with the step kept as the format: they are alternatives for one
    position in the funnel, not a sequence (as ``ingest.stages`` does for files). Only the move
    that is an application's first step is merged; the same step later in another process keeps
    its own stage."""
    names = events["stage"].astype(object)
    by_name = {n: match_rule(str(n), rules) for n in pd.unique(names.dropna())}
    formats = {n: match_rule(str(n), FORMAT_RULES) for n in by_name}
    touchpoint = names.map(lambda n: (by_name.get(n) or {}).get("touchpoint"))
    fmt = names.map(lambda n: (formats.get(n) or {}).get("format") or stage_key(str(n)))
    first = dict(zip(apps["application_id"], apps["first_step"], strict=True))
    candidate = (names == events["application_id"].map(first)) & names.map(
        lambda n: by_name.get(n) is not None
    ).astype(bool)
    # Moves are sorted by application and time: the earliest candidate is the first step.
    is_first = candidate & ~events["application_id"].where(candidate).duplicated()
    stage = names.copy()
    if names[is_first].nunique() >= 2:
        # stage_key of this label is FIRST_STEP's key; the labels are set after finish_stages.
        stage = stage.where(~is_first, FIRST_STEP[0])
    return stage, touchpoint.astype(object), fmt.astype(object)


def _as_text(values: pd.Series) -> pd.Series:
    """A column as the text an upload would carry (ISO dates), None for missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.strftime("%Y-%m-%d")
    return (
        values.astype(object)
        .where(values.notna(), None)
        .map(lambda v: v if v is None or isinstance(v, str) else str(v))
    )


def _validate_and_load(
    con: duckdb.DuckDBPyConnection,
    mapped: Mapped,
    *,
    shape: str,
    tables: SourceTables,
    today: dt.date | None,
) -> SyncResult:
    rules, _ = pipeline_rules(con)
    # The loaded tables follow from the mapped source, the tagging rules and the candidate
    # salt (all kept in the database): equal inputs on an unchanged version = nothing to do.
    fingerprint = _fingerprint(
        shape,
        {
            "applications": mapped.applications,
            "events": mapped.events,
            "offers": mapped.offers,
            "job_stages": mapped.job_stages,
        },
        extra=json.dumps(rules, sort_keys=True, default=str),
    )
    cur = con.cursor()
    try:
        meta = store.get_meta(cur)
        current = store.current_version(cur)
    finally:
        cur.close()
    last = json.loads(meta.get(SYNC_KEY) or "{}")
    if last.get("fingerprint") == fingerprint and last.get("data_version") == current:
        report = QualityReport(
            file=f"{shape}: application", kind="applications", rows_read=len(mapped.applications)
        )
        return SyncResult(
            shape=shape,
            source=tables.label,
            report=report,
            version=current,
            changed=False,
            rows_read=dict(tables.rows),
            left_out=dict(mapped.counts),
            missing_tables=tuple(tables.missing_tables),
            identifiers_not_read=tuple(tables.identifiers_not_read),
        )
    apps = mapped.applications.copy()
    apps["first_step"], from_job = _first_steps(mapped, rules)
    frame = pd.DataFrame({c: _as_text(apps[c]) for c in _APP_COLUMNS})
    raw = RawFile(name=f"{shape}: application", frame=frame, file_format=f"sync {shape}")
    prepared = prepare(
        raw,
        "applications",
        {c: c for c in _APP_COLUMNS},
        date_order="dmy",  # ISO dates: the order never applies
        con=con,
        mode="replace",
        today=today,
    )
    report = prepared.report
    base = {
        "shape": shape,
        "source": tables.label,
        "report": report,
        "rows_read": dict(tables.rows),
        "left_out": dict(mapped.counts),
        "missing_tables": tuple(tables.missing_tables),
        "identifiers_not_read": tuple(tables.identifiers_not_read),
        "pipeline_from_job": from_job,
    }
    if not prepared.ok:
        return SyncResult(**base, version=None, changed=False)
    applications = prepared.tables["applications"]
    events = mapped.events
    stage, touchpoint, fmt = _screen_steps(events, apps, rules)
    ev_in = pd.DataFrame(
        {
            "application_id": events["application_id"].astype(object),
            "stage": stage,
            "touchpoint": touchpoint,
            "format": fmt,
            "entered_on": pd.to_datetime(events["entered_at"])
            .dt.floor("D")
            .astype("datetime64[s]"),
            "_seq": np.arange(len(events)),
        }
    )
    stages, stage_events = finish_stages(
        ev_in,
        np.arange(len(events)) + 1,
        known=applications[["application_id", "status"]],
        report=report,
        rules=rules,
        con=None,
        mode="replace",
        file=f"{shape}: stage history",
    )
    merged = stages["stage"] == FIRST_STEP[0]
    stages.loc[merged, "label_en"] = FIRST_STEP[1]
    stages.loc[merged, "label_nl"] = FIRST_STEP[2]
    offers = mapped.offers.copy()
    backwards = offers["decided_on"].notna() & (offers["decided_on"] < offers["offered_on"])
    offers.loc[backwards, "decided_on"] = None
    base["left_out"]["offer_decided_before_offered"] = int(backwards.sum())
    offers = pd.DataFrame(
        {
            "application_id": offers["application_id"].astype(object),
            "offered_on": pd.to_datetime(offers["offered_on"]).astype("datetime64[s]"),
            "decided_on": pd.to_datetime(offers["decided_on"]).astype("datetime64[s]"),
            "accepted": offers["accepted"].astype("boolean"),
        }
    )
    out = {
        "applications": applications,
        "stages": stages,
        "stage_events": stage_events,
        "offers": offers,
    }
    cur = con.cursor()
    try:
        kept, hires = _kept_tables(cur, con, meta, set(applications["application_id"]))
    finally:
        cur.close()
    new_meta = dict(prepared.meta)
    new_meta["is_demo"] = "false"
    as_of = _as_of(out)
    if as_of is not None:
        new_meta["as_of"] = as_of.isoformat()
    new_meta[SYNC_KEY] = json.dumps(
        {"fingerprint": fingerprint, "data_version": current + 1, "shape": shape}
    )
    version = store.load_tables(
        con,
        {**out, **kept},
        mode="replace",
        source=f"sync {tables.label}",
        meta=new_meta,
        keep_previous=True,
    )
    loaded = {name: len(frame) for name, frame in out.items()}
    return SyncResult(**base, version=version, changed=True, loaded=loaded, hires_kept=hires)


def _kept_tables(
    cur: duckdb.DuckDBPyConnection,
    con: duckdb.DuckDBPyConnection,
    meta: Mapping[str, str],
    app_ids: set[str],
) -> tuple[dict[str, pd.DataFrame], int]:
    """Tables the ATS does not own: emptied over the demo, else hires of known applications
    kept (and surveys left as they are)."""
    if meta.get("is_demo") == "true":
        return {name: _empty(con, name) for name in ("hires", *_SURVEY_TABLES)}, 0
    hires = cur.execute("SELECT * FROM hires").df()
    hires = hires[hires["application_id"].isin(app_ids)]
    return {"hires": hires}, len(hires)


def _fingerprint(shape: str, tables: Mapping[str, pd.DataFrame], extra: str = "") -> str:
    """A hash of the tables' content, independent of row order (pandas' row hashes, sorted)."""
    h = hashlib.sha256(f"{shape}\x1d{extra}".encode())
    for name in sorted(tables):
        frame = tables[name]
        frame = frame[sorted(frame.columns)].astype(object).where(frame.notna(), None)
        rows = np.sort(pd.util.hash_pandas_object(frame, index=False).to_numpy())
        h.update(f"\x1d{name}\x1d{list(frame.columns)}".encode())
        h.update(rows.tobytes())
    return h.hexdigest()


def _as_of(tables: Mapping[str, pd.DataFrame]) -> dt.date | None:
    """The latest date in the synced data (censoring uses it)."""
    dates = []
    for frame in tables.values():
        for col in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[col]):
                m = frame[col].max()
                if pd.notna(m):
                    dates.append(pd.Timestamp(m).date())
    return max(dates) if dates else None
