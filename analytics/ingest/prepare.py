"""Validation and conversion: a ``RawFile`` and its column mapping -> store tables and a quality
report (``Prepared``).

Why it works like this: nothing may be stored until every value has been checked, and every
failure must name the file, row and column. ``prepare`` is a dispatcher: the steps every kind of
file shares (mapping, date order, converting each field) run first, then one validator per kind
(applications, stages, offers, hires) adds its own checks and builds its tables. Problems are
collected in the report; when there are any, ``tables`` is empty. Warnings do not block.
``prepare`` reads the database (foreign keys, ids already loaded, the stage catalogue, the
hashing salt, the stored pipeline rules) but never writes it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analytics import store
from analytics.ingest.fields import (
    BOOL_FIELDS,
    DATE_FIELDS,
    FIELDS,
    INT_FIELDS,
    KINDS,
    MULTI_FIELDS,
    NUMBER_FIELDS,
    PIPELINE_SYNONYMS,
    PSEUDO_FIELDS,
    REQUIRED,
    RESULT_SYNONYMS,
    RULES_KEY,
    STATUS_SYNONYMS,
    DateOrder,
)
from analytics.ingest.identifiers import DroppedColumn, find_identifiers
from analytics.ingest.lookups import existing_ids, known_applications, stored_meta
from analytics.ingest.mapping import HASHED_FIELDS, suggest_mapping
from analytics.ingest.pipeline_rules import match_rule, n_patterns, pipeline_rules
from analytics.ingest.reading import RawFile
from analytics.ingest.report import Problem, QualityReport
from analytics.ingest.stages import finish_stages, wide_events
from analytics.ingest.values import (
    convert,
    detect_date_order,
    distinct,
    int_range,
    looks_decimal_comma,
    norm_value,
    out_of_range,
    parse_bool,
    parse_date,
    parse_number,
    stage_key,
)


@dataclass(frozen=True)
class Prepared:
    """Validated tables ready for ``load`` (empty when there are problems)."""

    kind: str
    tables: dict[str, pd.DataFrame]
    report: QualityReport
    meta: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.report.ok


@dataclass
class _Upload:
    """The working state of one ``prepare`` call: the file, where each field is, the converted
    fields (``out``) and the report being filled."""

    raw: RawFile
    kind: str
    report: QualityReport
    rows: np.ndarray  # the spreadsheet row of every row of ``raw.frame``
    by_field: dict[str, str]  # field -> source column
    stage_date_cols: list[str]
    required: list[str]
    con: duckdb.DuckDBPyConnection | None
    mode: str
    rules: Sequence[Mapping[str, object]]
    rules_label: str
    today: dt.date
    order: str = "dmy"
    out: dict[str, pd.Series] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.raw.name

    @property
    def frame(self) -> pd.DataFrame:
        return self.raw.frame

    def parse_dates(self, col: str) -> pd.Series:
        """A column as dates (one order for the whole file); bad dates are problems, dates
        after today warnings."""
        order = self.order

        def to_date(v: str) -> np.datetime64 | None:
            d = parse_date(v, order)
            return None if d is None else np.datetime64(d, "D")

        values = self.frame[col]
        converted, bad = convert(values, to_date, np.datetime64("NaT"), "datetime64[D]")
        self.report.add_rows("bad_date", self.name, self.rows[bad], col, _at(values, bad))
        series = pd.Series(converted.astype("datetime64[s]"), name=col)
        future = np.flatnonzero((series > pd.Timestamp(self.today)).to_numpy())
        self.report.add_rows(
            "future_date",
            self.name,
            self.rows[future],
            col,
            _at(values, future),
            warning=True,
        )
        return series

    def refused(self) -> Prepared:
        return Prepared(self.kind, {}, self.report, {})


def prepare(
    raw: RawFile,
    kind: str,
    mapping: Mapping[str, str | None] | None = None,
    *,
    date_order: DateOrder | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    mode: store.LoadMode = "replace",
    rules: Sequence[Mapping[str, object]] | None = None,
    today: dt.date | None = None,
) -> Prepared:
    """Validate and convert ``raw`` into store tables. Reads (never writes) ``con``.

    ``con`` is needed for foreign keys (stage, offer and hire rows must reference loaded
    applications), ids already loaded (append mode), the stage catalogue, the hashing salt and the
    stored pipeline rules (``rules`` overrides them). Problems are collected in the report; when
    there are any, ``tables`` is empty and nothing may be loaded. Warnings do not block.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if rules is None:
        rules, rules_label = pipeline_rules(con)
    else:
        rules_label = f"custom:{n_patterns(rules)}"
    if mapping is None:
        mapping = suggest_mapping(raw.columns, kind, raw.frame)
    report = _new_report(raw, kind)
    located = _map_columns(raw, kind, dict(mapping), report, today=today)
    if located is None:
        return Prepared(kind, {}, report, {})
    by_field, stage_date_cols, required = located
    job = _Upload(
        raw=raw,
        kind=kind,
        report=report,
        rows=np.asarray(
            raw.row_numbers if raw.row_numbers is not None else np.arange(len(raw.frame)) + 2
        ),
        by_field=by_field,
        stage_date_cols=stage_date_cols,
        required=required,
        con=con,
        mode=mode,
        rules=rules,
        rules_label=rules_label,
        today=today or dt.date.today(),
    )
    _decide_date_order(job, date_order)
    _convert_fields(job)
    return _VALIDATORS[kind](job)


# --------------------------------------------------------------------------------------------
# Steps every kind shares


def _new_report(raw: RawFile, kind: str) -> QualityReport:
    """The report with what reading found: skipped empty rows (warnings), ragged lines."""
    report = QualityReport(
        file=raw.name,
        kind=kind,
        rows_read=len(raw.frame) + len(raw.skipped_empty),
        file_format=raw.file_format,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
    )
    for warning in raw.warnings:  # e.g. a decoding fallback, with the first bad byte's row
        report.warn(warning)
    if raw.skipped_empty:
        report.rows_skipped = len(raw.skipped_empty)
        report.add_rows("skipped_empty", raw.name, raw.skipped_empty, warning=True)
    width = len(raw.columns)
    for line, n in raw.ragged:
        report.add(Problem("ragged_row", raw.name, line, value=str(n), detail=str(width)))
    return report


def _map_columns(
    raw: RawFile,
    kind: str,
    mapping: Mapping[str, str | None],
    report: QualityReport,
    *,
    today: dt.date | None = None,
) -> tuple[dict[str, str], list[str], list[str]] | None:
    """(field -> column, stage date columns, required fields), or None when the mapping has
    problems (an unknown field, a field twice, a required field missing): nothing else is
    checked then. Identifier columns (by name or by content) are dropped whatever the mapping
    says, except candidate id and e-mail columns, which are only ever stored as keyed hashes."""
    fields = FIELDS[kind]
    by_field: dict[str, str] = {}
    stage_date_cols: list[str] = []
    problems = 0
    hashed = [c for c in raw.columns if mapping.get(c) in HASHED_FIELDS]
    found = find_identifiers(raw.frame, raw.columns, today=today, by_name_only=hashed)
    flagged = {d.column: d for d in found}
    for col in raw.columns:
        target = mapping.get(col)
        if col in flagged and target not in HASHED_FIELDS:
            report.drop_identifier(flagged[col])
            continue
        if target == "candidate_email":
            report.drop_identifier(flagged.get(col) or DroppedColumn(col, "email", "name"))
        if not target:
            report.ignored_columns.append(col)
        elif target not in fields:
            report.add(Problem("unknown_field", raw.name, column=col, value=target))
            problems += 1
        elif target in MULTI_FIELDS:
            stage_date_cols.append(col)
        elif target in by_field:
            report.add(Problem("field_twice", raw.name, column=col, value=target))
            problems += 1
        else:
            by_field[target] = col
    required = list(REQUIRED[kind])
    if kind == "applications" and "first_step" not in by_field and not stage_date_cols:
        required.append("pipeline")
    for target in required:
        if target not in by_field:
            code = "missing_pipeline" if target == "pipeline" else "missing_column"
            report.add(Problem(code, raw.name, column=target, value=target))
            problems += 1
    return None if problems else (by_field, stage_date_cols, required)


def _decide_date_order(job: _Upload, date_order: DateOrder | None) -> None:
    """One date order for the whole file, decided by the data (or by the caller)."""
    date_cols = [job.by_field[f] for f in job.by_field if f in DATE_FIELDS] + job.stage_date_cols
    orders = {detect_date_order(distinct(job.frame[c])) for c in date_cols} - {None}
    if date_order is None:
        if "dmy" in orders and "mdy" in orders:
            job.report.add(Problem("date_order_conflict", job.name))
        elif orders == {"ambiguous"}:
            job.report.ambiguous_dates = date_cols
            job.report.add(Problem("date_order_ambiguous", job.name, column=", ".join(date_cols)))
        job.order = "mdy" if "mdy" in orders else "dmy"
    else:
        job.order = date_order
    if orders:
        job.report.date_order = job.order


def _convert_fields(job: _Upload) -> None:
    """Every mapped field converted into ``job.out``; bad values and missing required values
    are problems naming the row and column."""
    number_values = [
        v for f in job.by_field if f in NUMBER_FIELDS for v in distinct(job.frame[job.by_field[f]])
    ]
    decimal_comma = job.raw.delimiter == ";" or looks_decimal_comma(number_values)
    job.report.decimal_comma = decimal_comma and bool(number_values)
    for target, col in job.by_field.items():
        values = job.frame[col]
        missing = values.isna().to_numpy()
        job.report.missing[target] = int(missing.sum())
        if target in job.required and target != "pipeline":
            job.report.add_rows("missing_value", job.name, job.rows[np.flatnonzero(missing)], col)
        job.out[target] = _convert_field(job, target, col, decimal_comma=decimal_comma)


def _convert_field(job: _Upload, target: str, col: str, *, decimal_comma: bool) -> pd.Series:
    values = job.frame[col]
    if target in DATE_FIELDS:
        return job.parse_dates(col).rename(target)
    if target in NUMBER_FIELDS or target in INT_FIELDS:
        integer = target in INT_FIELDS

        def to_number(v: str) -> float | None:
            p = parse_number(v, decimal_comma)
            return None if p is None or (integer and not float(p).is_integer()) else p

        converted, bad = _checked(
            job, col, to_number, code="bad_number", na=np.nan, dtype="float64"
        )
        if integer:  # beyond the column's type: refused here, with the row (values.int_range)
            far = out_of_range(converted, target)
            rng = "{:,} .. {:,}".format(*int_range(target))
            job.report.add_rows("number_out_of_range", job.name, job.rows[far], col,
                                _at(values, far), detail=rng)  # fmt: skip
            converted[far] = np.nan
        series = pd.Series(converted, dtype="float64")
        return series.round().astype("Int64") if integer else series
    if target in BOOL_FIELDS:
        converted, _ = _checked(job, col, parse_bool, code="bad_boolean")
        return pd.Series(converted, dtype="boolean")
    if target in ("status", "result"):
        synonyms = STATUS_SYNONYMS if target == "status" else RESULT_SYNONYMS
        code = "bad_status" if target == "status" else "bad_result"
        converted, _ = _checked(job, col, lambda v: synonyms.get(norm_value(v)), code=code)
        return pd.Series(converted, dtype=object)
    if target == "pipeline":
        converted, _ = convert(values, lambda v: PIPELINE_SYNONYMS.get(norm_value(v), stage_key(v)))
        return pd.Series(converted, dtype=object)
    return values.reset_index(drop=True)


def _checked(
    job: _Upload,
    col: str,
    func: Callable[[str], object],
    *,
    code: str,
    na: object = None,
    dtype: object = object,
) -> tuple[np.ndarray, np.ndarray]:
    """``convert`` a column and report every value ``func`` could not read as ``code``."""
    values = job.frame[col]
    converted, bad = convert(values, func, na, dtype)
    job.report.add_rows(code, job.name, job.rows[bad], col, _at(values, bad))
    return converted, bad


def _at(values: pd.Series, positions: np.ndarray) -> np.ndarray:
    """``values.to_numpy()[positions]`` without converting the whole column: a text column of a
    million rows becomes a million Python strings, and the positions of bad values are usually
    none (issue 21: a tenth of a second per call, about ten calls per import)."""
    return values.iloc[positions].to_numpy()


def _check_span(job: _Upload, first: str, last: str) -> None:
    """Durations that end before they start are errors (open ones are not)."""
    if first not in job.out or last not in job.out:
        return
    neg = np.flatnonzero((job.out[last] < job.out[first]).to_numpy())
    job.report.add_rows(
        "negative_duration",
        job.name,
        job.rows[neg],
        job.by_field[last],
        _at(job.frame[job.by_field[last]], neg),
        detail=job.by_field[first],
    )


def _check_duplicate_ids(job: _Upload, key: pd.Series) -> None:
    """One row per application: repeated ids in the file, and (appending) ids already loaded."""
    id_col = job.by_field["application_id"]
    dup = np.flatnonzero((key.duplicated(keep="first") & key.notna()).to_numpy())
    job.report.add_rows("duplicate_id", job.name, job.rows[dup], id_col, _at(key, dup))
    if job.mode == "append" and job.con is not None:
        loaded = existing_ids(job.con, job.kind, key)
        idx = np.flatnonzero(key.isin(loaded).to_numpy())
        job.report.add_rows("duplicate_existing", job.name, job.rows[idx], id_col, _at(key, idx))


def _check_known(job: _Upload, key: pd.Series) -> pd.DataFrame:
    """Stage, offer and hire rows must reference loaded applications; returns those (id and
    status)."""
    known = known_applications(job.con, key)
    unknown = np.flatnonzero((key.notna() & ~key.isin(set(known["application_id"]))).to_numpy())
    job.report.add_rows(
        "unknown_application",
        job.name,
        job.rows[unknown],
        job.by_field["application_id"],
        _at(key, unknown),
    )
    return known


def _table(job: _Upload) -> pd.DataFrame:
    """The converted fields that are stored (pseudo-fields left out)."""
    return pd.DataFrame({k: v for k, v in job.out.items() if k not in PSEUDO_FIELDS})


# --------------------------------------------------------------------------------------------
# One validator per kind


def _prepare_applications(job: _Upload) -> Prepared:
    report = job.report
    if "source" in job.by_field:
        idx = np.flatnonzero(job.out["source"].isna().to_numpy())
        report.add_rows(
            "missing_source", job.name, job.rows[idx], job.by_field["source"], warning=True
        )
    else:
        report.warn(Problem("no_source_column", job.name))
    key = job.out["application_id"]
    _check_duplicate_ids(job, key)
    meta: dict[str, str] = {}
    existing_meta = stored_meta(job.con)
    table = _table(job)
    events = _sheet_events(job, key)
    table = _finish_applications(job, table, existing_meta=existing_meta, meta=meta)
    if report.pipeline_from_rules:
        report.rules_label = job.rules_label
    if job.mode == "replace" or report.pipeline_from_rules:
        meta[store.RULES_SUMMARY_KEY] = report.rules_label or ""
    tables = {"applications": table}
    if job.stage_date_cols and report.ok and len(events):
        ev_rows = events.pop("_srcrow").to_numpy()
        stages, ev = finish_stages(
            events,
            ev_rows,
            known=table[["application_id", "status"]],
            report=report,
            rules=job.rules,
            con=job.con,
            mode=job.mode,
            file=job.name,
            order_hint=[stage_key(c) for c in job.stage_date_cols],
        )
        tables.update({"stages": stages, "stage_events": ev})
        report.stage_events = len(ev)
    if not report.ok:
        return job.refused()
    report.rows_loaded = len(table)
    _set_as_of(meta, existing_meta, table, replace=(job.mode == "replace"))
    return Prepared(job.kind, tables, report, meta)


def _prepare_stages(job: _Upload) -> Prepared:
    _check_span(job, "entered_on", "exited_on")
    key = job.out["application_id"]
    existing_meta = stored_meta(job.con)
    table = _table(job)
    known = _check_known(job, key)
    if not job.report.ok:
        return job.refused()
    table["_seq"] = np.arange(len(table))
    stages, events = finish_stages(
        table,
        job.rows,
        known=known,
        report=job.report,
        rules=job.rules,
        con=job.con,
        mode=job.mode,
        file=job.name,
    )
    if not job.report.ok:
        return job.refused()
    job.report.rows_loaded = len(events)
    meta: dict[str, str] = {}
    _set_as_of(meta, existing_meta, events, replace=False)
    return Prepared("stages", {"stages": stages, "stage_events": events}, job.report, meta)


def _prepare_offers(job: _Upload) -> Prepared:
    _check_span(job, "offered_on", "decided_on")
    # Offers without a decision are pending: worth a look, not an error.
    open_offer = pd.Series(True, index=range(len(job.frame)))
    for f in ("accepted", "decided_on"):
        if f in job.out:
            open_offer &= job.out[f].isna().to_numpy()
    idx = np.flatnonzero(open_offer.to_numpy())
    job.report.add_rows(
        "unresolved_offer", job.name, job.rows[idx], job.by_field["application_id"], warning=True
    )
    return _prepare_outcomes(job)


def _prepare_hires(job: _Upload) -> Prepared:
    _check_span(job, "start_on", "left_on")
    return _prepare_outcomes(job)


def _prepare_outcomes(job: _Upload) -> Prepared:
    """Offers and hires: one row per known application."""
    key = job.out["application_id"]
    _check_duplicate_ids(job, key)
    existing_meta = stored_meta(job.con)
    table = _table(job)
    _check_known(job, key)
    if not job.report.ok:
        return job.refused()
    job.report.rows_loaded = len(table)
    meta: dict[str, str] = {}
    _set_as_of(meta, existing_meta, table, replace=False)
    return Prepared(job.kind, {job.kind: table}, job.report, meta)


_VALIDATORS: dict[str, Callable[[_Upload], Prepared]] = {
    "applications": _prepare_applications,
    "stages": _prepare_stages,
    "offers": _prepare_offers,
    "hires": _prepare_hires,
}


# --------------------------------------------------------------------------------------------
# Applications


def _sheet_events(job: _Upload, key: pd.Series) -> pd.DataFrame:
    """A homemade sheet's date column per stage -> events; without a first-step column, the
    earliest dated stage of each application is its first step (for the tagging rules)."""
    stage_dates = {c: job.parse_dates(c) for c in job.stage_date_cols}
    events = wide_events(key, stage_dates, job.rows)
    if job.stage_date_cols and "first_step" not in job.out:
        first = events.sort_values(["entered_on", "_seq"], kind="stable").drop_duplicates(
            "application_id"
        )
        step = key.map(dict(zip(first["application_id"], first["stage"], strict=True)))
        job.out["first_step"] = step.astype(object).where(step.notna(), None)
        job.by_field["first_step"] = ", ".join(job.stage_date_cols)
    return events


def _finish_applications(
    job: _Upload,
    table: pd.DataFrame,
    *,
    existing_meta: Mapping[str, str],
    meta: dict[str, str],
) -> pd.DataFrame:
    """Hash candidate ids, fill the pipeline from the tagging rules, key the furthest stage."""
    _hash_candidates(job, table, existing_meta=existing_meta, meta=meta)
    if "first_step" in job.out:
        _tag_pipelines(job, table, meta)
    else:
        pipeline = table["pipeline"]
        idx = np.flatnonzero(pipeline.isna().to_numpy())
        job.report.add_rows("missing_value", job.name, job.rows[idx], job.by_field["pipeline"])
    if "furthest_stage" in table:
        table["furthest_stage"] = convert(table["furthest_stage"], stage_key)[0]
    return table


def _hash_candidates(
    job: _Upload,
    table: pd.DataFrame,
    *,
    existing_meta: Mapping[str, str],
    meta: dict[str, str],
) -> None:
    """candidate_id (or the e-mail address) -> a keyed hash (HMAC-SHA-256) whose key lives
    outside the database (``store.idkey``); only a check value of the key is kept in ``meta``,
    so appending with another key is refused instead of splitting candidates silently."""
    if "candidate_id" not in table and "candidate_email" not in job.out:
        return
    try:
        key = store.id_key(job.con)
    except store.StoreError as e:
        job.report.add(Problem("id_key", job.name, detail=str(e)))
        return
    if "candidate_id" in table:
        table["candidate_id"] = _hashed(table["candidate_id"], key, lower=False)
    else:
        table["candidate_id"] = _hashed(job.out["candidate_email"], key, lower=True)
    job.report.candidate_hashed = True
    meta[store.KEY_CHECK_META] = key.check
    stored_check = existing_meta.get(store.KEY_CHECK_META)
    if job.mode == "append" and existing_meta.get("is_demo") != "true":
        if stored_check is not None and stored_check != key.check:
            job.report.add(Problem("id_key_changed", job.name))
        elif stored_check is None and _has_candidate_ids(job.con):
            job.report.warn(Problem("old_salt", job.name))


def _hashed(
    values: pd.Series, key: store.IdKey, *, lower: bool
) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """The keyed hash of every value (stripped; lower-cased for e-mail addresses), None where
    missing. Each distinct value is hashed once, in one batch (``IdKey.hash_many``): a million
    rows hold hundreds of thousands of distinct candidates, and a Python call per value was
    most of the import's time (docs/performance.md)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # ``tolist`` converts an Arrow-backed array in one call; iterating it yields one value per
    # Python call (issue 21: most of this function's time at 1M rows).
    texts = [v.strip() if type(v) is str else str(v).strip() for v in uniques.tolist()]
    hashed = key.hash_many([t.lower() for t in texts] if lower else texts)
    if not hashed:  # nothing but missing values: the object column of before (all None)
        return np.array([None], dtype=object)[codes]
    # The column pandas infers from an object array of strings and None (Arrow-backed text,
    # missing = NaN), built in Arrow: a million Python objects inferred back cost ~0.3 s.
    import pyarrow as pa

    at = np.where(codes < 0, len(hashed), codes)
    column = pa.array([*hashed, None], pa.large_string()).take(pa.array(at))
    return pd.array(column, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def _has_candidate_ids(con: duckdb.DuckDBPyConnection | None) -> bool:
    """True when loaded applications carry candidate ids (hashed before the key existed)."""
    if con is None:
        return False
    cur = con.cursor()
    try:
        return bool(
            cur.execute(
                "SELECT count(*) FROM applications WHERE candidate_id IS NOT NULL"
            ).fetchall()[0][0]
        )
    finally:
        cur.close()


def _tag_pipelines(job: _Upload, table: pd.DataFrame, meta: dict[str, str]) -> None:
    """Pipelines not given explicitly, from the first step's name by the tagging rules."""
    n = len(table)
    pipeline = table["pipeline"] if "pipeline" in table else pd.Series([None] * n, dtype=object)
    step = job.out["first_step"]
    matched, _ = convert(step, lambda v: match_rule(v, job.rules) or None)
    by_rule = np.array([None if r is None else r["pipeline"] for r in matched], dtype=object)
    human = np.array(
        [1 if r is not None and r.get("touchpoint") == "human" else None for r in matched],
        dtype=object,
    )
    need = pipeline.isna().to_numpy()
    tagged = need & pd.notna(by_rule)
    filled = np.where(need, by_rule, pipeline.to_numpy(dtype=object))
    nope = np.flatnonzero(pd.isna(filled))
    job.report.add_rows(
        "no_pipeline",
        job.name,
        job.rows[nope],
        job.by_field["first_step"],
        ["" if pd.isna(v) else v for v in _at(step, nope)],
    )
    table["pipeline"] = pd.Series(filled, dtype=object)
    if "first_human_step" not in table:
        table["first_human_step"] = pd.array(human, dtype="Int16")
    job.report.pipeline_from_rules = int(tagged.sum())
    if job.report.pipeline_from_rules:
        meta[RULES_KEY] = json.dumps(list(job.rules), ensure_ascii=False)


def _set_as_of(
    meta: dict[str, str], existing: Mapping[str, str], table: pd.DataFrame, *, replace: bool
) -> None:
    dates = [table[c].max() for c in table.columns if c in DATE_FIELDS]
    dates = [d for d in dates if pd.notna(d)]
    if not dates:
        return
    latest = max(dates).date()
    if not replace and existing.get("is_demo") != "true" and "as_of" in existing:
        latest = max(latest, dt.date.fromisoformat(existing["as_of"]))
    if replace or existing.get("is_demo") != "true":
        meta["as_of"] = latest.isoformat()
