"""Survey import: a survey export (CSV, Excel, SPSS, Qualtrics, SurveyMonkey, Google Forms) ->
the four survey tables of ``analytics.store``.

Flow: ``read_survey(bytes, filename)`` -> ``SurveyFile`` (answers as text, one column per
question, the questions with their detected kind and label order, dropped identifier columns);
the analyst corrects ``questions_frame(sf)`` (kind, labels, missing markers, include);
``build_tables(sf, questions, name)`` -> the four tables; ``save(con, tables)`` stores them in one
transaction (``store.load_tables``, append; bumps the data version). ``import_file`` does all of it
for the command line. Every failure raises ``SurveyError`` naming the problem, row and column.

Storage convention (the same as the demo survey in ``analytics.demo``): one answer row per
respondent and question; missing answers are not stored.

- likert: ``value_num`` = position of the label on the scale (1..k), ``value_text`` = the label;
  ``labels`` = the scale in order (negative first), ``scale`` = k.
- binary: ``value_num`` = 0 (first label, "No") or 1 (second label, "Yes"); labels [no, yes].
- nps: ``value_num`` = 0..10, ``value_text`` = the number as text; labels "0".."10", scale 11.
- single: ``value_num`` NULL, ``value_text`` = the option; labels = options in order.
- multi: ONE row per respondent, ``value_text`` = the chosen options joined with ``"; "`` in the
  order of ``labels``; ``value_num`` NULL.
- numeric: ``value_num`` = the number (decimal comma read), ``value_text`` = the text as given.
- text: ``value_text`` only.

"None", "N/A" and similar are answers unless the analyst lists them as missing for a question.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import threading
from collections import Counter, OrderedDict
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics import store
from analytics.i18n import t
from analytics.ingest import survey_read
from analytics.ingest.mapping import normalise_name
from analytics.ingest.reading import read_limits
from analytics.ingest.survey_detect import (
    BINARY_PAIRS,
    LIKERT_SCALES,
    MISSING_SUGGESTIONS,
    MULTI_SEP,
    Question,
    SurveyFile,
    detect,
    detect_kind,
    dropped_columns,
    likert_scale,
    parse_num,
)
from analytics.ingest.survey_read import (
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    MAX_QUESTIONS,
    SurveyError,
    isna,
    megabytes,
    read_table,
    too_many_questions,
)

KINDS = store.QUESTION_KINDS
PIPELINE_VALUES = {
    "human first": "human_first",
    "human_first": "human_first",
    "mens eerst": "human_first",
    "mens eerst proces": "human_first",
    "automation first": "automation_first",
    "automation_first": "automation_first",
    "automatisering eerst": "automation_first",
    "automatisering eerst proces": "automation_first",
}


# The last few survey files read, by content: the import page reruns on every click, and a
# survey export is read and detected once, not once per rerun (issue 18). Keyed by the SHA-256
# of the bytes and the file name (the suffix picks the reader), so a hit is the same file.
_READ_CACHE_SIZE = 4
_read_cache: OrderedDict[tuple[str, str, tuple[int, ...]], SurveyFile] = OrderedDict()
_read_lock = threading.Lock()


def read_survey(data: bytes, filename: str) -> SurveyFile:
    """Read a survey export and detect every question. Raises ``SurveyError`` (only).

    The same bytes under the same name return the same ``SurveyFile`` (treat it as read-only)."""
    limits = (*read_limits(), survey_read.MAX_COLUMNS, MAX_QUESTIONS)
    key = (hashlib.sha256(data).hexdigest(), filename, limits)
    with _read_lock:
        if key in _read_cache:
            _read_cache.move_to_end(key)
            return _read_cache[key]
    try:
        sf = detect(read_table(data, filename))
    except SurveyError:
        raise
    except Exception as e:  # anything unforeseen still gets a message, never a traceback
        detail = (str(e).splitlines() or [type(e).__name__])[0][:200]
        raise SurveyError("unreadable", Path(filename).name, detail=detail) from e
    with _read_lock:
        _read_cache[key] = sf
        while len(_read_cache) > _READ_CACHE_SIZE:
            _read_cache.popitem(last=False)
    return sf


def clear_read_cache() -> None:
    """Forget every cached survey file (tests; an operator freeing memory)."""
    with _read_lock:
        _read_cache.clear()


# --------------------------------------------------------------------------------------------
# Review and storage

REVIEW_COLUMNS = ("include", "question_id", "text", "kind", "labels", "missing")
LABEL_SEP = " | "


def questions_frame(sf: SurveyFile) -> pd.DataFrame:
    """The review table: one row per question; labels and missing markers joined with ' | '."""
    return pd.DataFrame(
        {
            "include": True,
            "question_id": [q.question_id for q in sf.questions],
            "text": [q.text for q in sf.questions],
            "kind": [q.kind for q in sf.questions],
            "labels": [LABEL_SEP.join(q.labels) for q in sf.questions],
            "missing": [LABEL_SEP.join(q.missing) for q in sf.questions],
        }
    )


def _split(s: object) -> list[str]:
    if s is None or (isinstance(s, float) and np.isnan(s)):
        return []
    return [p.strip() for p in str(s).split("|") if p.strip()]


def survey_id_for(con: duckdb.DuckDBPyConnection | None, name: str) -> str:
    base = re.sub(r"[^0-9a-z]+", "_", normalise_name(name)).strip("_")[:40] or "survey"
    existing: set[str] = set()
    if con is not None:
        existing = {r[0] for r in con.execute("SELECT survey_id FROM surveys").fetchall()}
    sid, i = base, 2
    while sid in existing:
        sid, i = f"{base}_{i}", i + 1
    return sid


def build_tables(
    sf: SurveyFile,
    reviewed: pd.DataFrame,
    name: str,
    con: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, pd.DataFrame]:
    """The four survey tables from a file and its (corrected) review table. Raises SurveyError."""
    name = (name or "").strip()
    if not name:
        raise SurveyError("no_name", sf.name)
    sid = survey_id_for(con, name)
    rows = np.asarray(sf.row_numbers)
    rid = _respondent_ids(sf, rows)
    respondents = _respondents(sf, sid=sid, rid=rid, rows=rows, con=con)
    questions, answers = _questions_and_answers(sf, reviewed, sid=sid, rid=rid, rows=rows)
    surveys = pd.DataFrame(
        {
            "survey_id": [sid],
            "name": [name],
            "source_file": [sf.name],
            "created_at": [pd.Timestamp(dt.datetime.now(dt.UTC).replace(tzinfo=None))],
            "n_respondents": [len(respondents)],
        }
    )
    return {
        "surveys": surveys,
        "survey_questions": questions,
        "survey_respondents": respondents,
        "survey_answers": answers,
    }


def _respondent_ids(sf: SurveyFile, rows: np.ndarray) -> list[str]:
    """The file's respondent ids (present and unique), or R00001, R00002, ... without them."""
    frame = sf.frame
    if sf.respondent_column is None:
        return [f"R{r:05d}" for r in range(1, len(frame) + 1)]
    rid = frame[sf.respondent_column]
    if rid.isna().any():
        i = int(np.flatnonzero(rid.isna().to_numpy())[0])
        raise SurveyError("missing_id", sf.name, row=int(rows[i]), column=sf.respondent_column)
    dup = rid[rid.duplicated()]
    if len(dup):
        i = int(dup.index[0])
        raise SurveyError(
            "duplicate_id",
            sf.name,
            row=int(rows[i]),
            column=sf.respondent_column,
            detail=str(dup.iloc[0]),
        )
    return rid.astype(str).tolist()


def _pipelines(sf: SurveyFile, rows: np.ndarray) -> list[str | None]:
    """Each respondent's pipeline from the file's pipeline column (None when not given)."""
    pipe: list[str | None] = [None] * len(sf.frame)
    if not sf.pipeline_column:
        return pipe
    for i, v in enumerate(sf.frame[sf.pipeline_column].tolist()):
        if isna(v):
            continue
        key = re.sub(r"[-_ ]+", " ", str(v).strip().casefold())
        if key not in PIPELINE_VALUES:
            raise SurveyError(
                "bad_pipeline",
                sf.name,
                row=int(rows[i]),
                column=sf.pipeline_column,
                detail=str(v),
            )
        pipe[i] = PIPELINE_VALUES[key]
    return pipe


def _respondents(
    sf: SurveyFile,
    *,
    sid: str,
    rid: list[str],
    rows: np.ndarray,
    con: duckdb.DuckDBPyConnection | None,
) -> pd.DataFrame:
    """One row per respondent; a respondent linked to a loaded application without a pipeline
    of its own takes the application's pipeline."""
    frame = sf.frame
    app = [
        None if isna(v) else str(v)
        for v in (frame[sf.application_column] if sf.application_column else [None] * len(frame))
    ]
    respondents = pd.DataFrame(
        {
            "survey_id": sid,
            "respondent_id": rid,
            "application_id": pd.Series(app, dtype=object),
            "pipeline": pd.Series(_pipelines(sf, rows), dtype=object),
            "weight": np.nan,
        }
    )
    if sf.application_column and con is not None:
        con.register("_survey_resp", respondents[["respondent_id", "application_id"]])
        try:
            linked = con.execute(
                "SELECT r.respondent_id, a.pipeline FROM _survey_resp r "
                "JOIN applications a ON a.application_id = r.application_id"
            ).df()
        finally:
            con.unregister("_survey_resp")
        from_apps = dict(zip(linked.respondent_id, linked.pipeline, strict=True))
        respondents["pipeline"] = pd.Series(
            [
                p if p is not None else from_apps.get(r)
                for r, p in zip(rid, respondents.pipeline, strict=True)
            ],
            dtype=object,
        )
    return respondents


def _questions_and_answers(
    sf: SurveyFile,
    reviewed: pd.DataFrame,
    *,
    sid: str,
    rid: list[str],
    rows: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The included questions of the review table, in its order, and their answers."""
    by_id = {q.question_id: q for q in sf.questions}
    include = reviewed["include"] if "include" in reviewed else pd.Series(True, reviewed.index)
    included = int(include.map(bool).sum())
    if included > MAX_QUESTIONS:  # before any answer is built; pages draw per question
        raise too_many_questions(sf.name, included)
    qrows, answers = [], []
    for i, rec in enumerate(reviewed.to_dict("records")):
        if not bool(rec.get("include", True)):
            continue
        qid = str(rec["question_id"])
        if qid not in by_id:
            raise SurveyError("unknown_question", sf.name, row=i + 1, detail=qid)
        kind = str(rec["kind"])
        if kind not in KINDS:
            raise SurveyError("bad_kind", sf.name, row=i + 1, column=qid, detail=kind)
        q = by_id[qid]
        labels = _split(rec.get("labels"))
        missing = set(_split(rec.get("missing")))
        ans = _answers(sf, q, kind, labels, missing, rid, rows)
        if kind in ("likert", "binary"):
            scale = len(labels)
        elif kind == "nps":
            labels, scale = [str(k) for k in range(11)], 11
        else:
            scale = None
        qrows.append(
            {
                "survey_id": sid,
                "question_id": qid,
                "position": len(qrows) + 1,
                "text": str(rec.get("text") or q.text),
                "kind": kind,
                "scale": scale,
                "labels": labels or None,
            }
        )
        ans.insert(0, "survey_id", sid)
        answers.append(ans)
    if not qrows:
        raise SurveyError("no_questions", sf.name)

    questions = pd.DataFrame(qrows)
    questions["scale"] = pd.array(questions["scale"], dtype="Int16")
    return questions, pd.concat(answers, ignore_index=True)


def _answers(sf, q, kind, labels, missing, rid, rows) -> pd.DataFrame:
    num: list[float] = []
    txt: list[str] = []
    who: list[str] = []
    col = q.columns[0]
    if q.options:  # SurveyMonkey checkbox columns: a filled cell = chosen
        chosen = [
            [o for c, o in zip(q.columns, q.options, strict=True) if not isna(sf.frame.at[i, c])]
            for i in range(len(sf.frame))
        ]
        cells = [MULTI_SEP.join(c) if c else None for c in chosen]
    else:
        cells = sf.frame[col].tolist()
    order = {lab.casefold(): k for k, lab in enumerate(labels)}
    for i, v in enumerate(cells):
        if isna(v) or v in missing:
            continue
        v = str(v)
        value_num = np.nan
        if kind in ("likert", "binary"):
            k = order.get(v.casefold())
            if k is None:
                raise SurveyError("not_in_labels", sf.name, row=int(rows[i]), column=col, detail=v)
            value_num = k + 1 if kind == "likert" else k
            v = labels[k]
        elif kind in ("nps", "numeric"):
            x = parse_num(v)
            if x is not None and not math.isfinite(x):  # "1e309" overflows to inf: refused
                x = None
            if x is None or (kind == "nps" and not (0 <= x <= 10 and x.is_integer())):
                raise SurveyError("not_a_number", sf.name, row=int(rows[i]), column=col, detail=v)
            value_num = x
            if kind == "nps":
                v = str(int(x))
        elif kind == "multi":
            sep = MULTI_SEP if MULTI_SEP in v or q.options else ", "
            parts = [p.strip() for p in v.split(sep) if p.strip() and p.strip() not in missing]
            if not parts:
                continue
            if labels:
                unknown = [p for p in parts if p not in labels]
                if unknown:
                    raise SurveyError(
                        "not_in_labels", sf.name, row=int(rows[i]), column=col, detail=unknown[0]
                    )
                parts = sorted(set(parts), key=labels.index)
            v = MULTI_SEP.join(parts)
        num.append(value_num)
        txt.append(v)
        who.append(rid[i])
    return pd.DataFrame(
        {
            "respondent_id": pd.Series(who, dtype=object),
            "question_id": q.question_id,
            "value_num": pd.Series(num, dtype="float64"),
            "value_text": pd.Series(txt, dtype=object),
        }
    )


def save(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> int:
    """Add one survey in one transaction; bumps the data version. Raises ``store.StoreError``."""
    return store.load_tables(
        con,
        tables,
        mode="append",
        source=f"{tables['surveys'].source_file.iloc[0]} (survey)",
    )


def _bump(cur: duckdb.DuckDBPyConnection, action: str, survey_id: str) -> int:
    version = (
        int(cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]) + 1
    )
    cur.execute("UPDATE meta SET value = ? WHERE key = 'data_version'", [str(version)])
    cur.execute(
        "INSERT INTO load_log VALUES (?, ?, 'surveys', ?, 1, ?)",
        [version, dt.datetime.now(dt.UTC).replace(tzinfo=None), action, survey_id],
    )
    return version


def list_surveys(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT survey_id, name, source_file, created_at, n_respondents FROM surveys "
        "ORDER BY created_at, survey_id"
    ).df()


def rename_survey(con: duckdb.DuckDBPyConnection, survey_id: str, name: str) -> int:
    name = name.strip()
    if not name:
        raise ValueError("A survey needs a name.")
    cur = con.cursor()
    try:
        with store.transaction(cur):
            cur.execute("UPDATE surveys SET name = ? WHERE survey_id = ?", [name, survey_id])
            return _bump(cur, "rename", survey_id)
    finally:
        cur.close()


def delete_survey(con: duckdb.DuckDBPyConnection, survey_id: str) -> int:
    cur = con.cursor()
    try:
        with store.transaction(cur):
            for table in ("survey_answers", "survey_respondents", "survey_questions", "surveys"):
                cur.execute(f"DELETE FROM {table} WHERE survey_id = ?", [survey_id])
            return _bump(cur, "delete", survey_id)
    finally:
        cur.close()


def import_file(
    con: duckdb.DuckDBPyConnection, path: str | Path, name: str | None = None
) -> tuple[dict[str, pd.DataFrame], SurveyFile, int]:
    """Read, detect and store a survey file without review (command line)."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_FILE_BYTES:  # refuse before reading it all into memory
            raise SurveyError("too_large", p.name, detail=megabytes(p.stat().st_size))
        data = p.read_bytes()
    except OSError as e:
        raise SurveyError("unreadable", p.name, detail=e.strerror or str(e)) from e
    sf = read_survey(data, p.name)
    tables = build_tables(sf, questions_frame(sf), name or p.stem, con)
    return tables, sf, save(con, tables)


def summary(sf: SurveyFile, tables: dict[str, pd.DataFrame], lang: str = "en") -> str:
    kinds = Counter(tables["survey_questions"].kind)
    lines = [
        t(
            "survey_import.summary",
            lang,
            name=tables["surveys"].name.iloc[0],
            file=sf.name,
            layout=sf.layout,
            respondents=len(tables["survey_respondents"]),
            questions=len(tables["survey_questions"]),
        ),
        ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())),
    ]
    if sf.encoding_warning is not None:
        message = sf.encoding_warning.text(lang)
        lines.append(t("survey_import.encoding_warning", lang, message=message))
    if sf.dropped_identifiers:
        lines.append(t("survey_import.dropped", lang, columns=dropped_columns(sf, lang)))
    treated = [f"{q.question_id} ({', '.join(q.missing)})" for q in sf.questions if q.missing]
    if treated:
        lines.append(t("survey_import.treated_missing", lang, questions="; ".join(treated)))
    return "\n".join(lines)


__all__ = [
    "KINDS",
    "SurveyError",
    "SurveyFile",
    "build_tables",
    "delete_survey",
    "detect_kind",
    "import_file",
    "list_surveys",
    "questions_frame",
    "read_survey",
    "rename_survey",
    "save",
    "BINARY_PAIRS",
    "LIKERT_SCALES",
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "MAX_QUESTIONS",
    "MISSING_SUGGESTIONS",
    "MULTI_SEP",
    "Question",
    "likert_scale",
    "summary",
    "survey_id_for",
]
