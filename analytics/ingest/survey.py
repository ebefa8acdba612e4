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

import csv
import datetime as dt
import io
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics import store
from analytics.domain import AivshiError
from analytics.i18n import t
from analytics.ingest.mapping import is_identifier, normalise_name
from analytics.ingest.reading import decode as _decode
from analytics.ingest.reading import sniff_delimiter

KINDS = store.QUESTION_KINDS
MULTI_SEP = "; "
SNIFF_BYTES = 64 * 1024
# The same limits as the ATS import (and the upload widget's server.maxUploadSize).
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_CELL_CHARS = 100_000

# Known scales, negative end first. Matched case-insensitively on the whole set of answers.
LIKERT_SCALES: tuple[tuple[str, ...], ...] = (
    ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"),
    (
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ),
    (
        "Strongly disagree",
        "Disagree",
        "Somewhat disagree",
        "Neither agree nor disagree",
        "Somewhat agree",
        "Agree",
        "Strongly agree",
    ),
    ("Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens"),
    (
        "Helemaal mee oneens",
        "Oneens",
        "Neutraal",
        "Eens",
        "Helemaal mee eens",
    ),
    (
        "Helemaal mee oneens",
        "Mee oneens",
        "Enigszins mee oneens",
        "Neutraal",
        "Enigszins mee eens",
        "Mee eens",
        "Helemaal mee eens",
    ),
    ("Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"),
    ("Zeer ontevreden", "Ontevreden", "Neutraal", "Tevreden", "Zeer tevreden"),
    ("Very poor", "Poor", "Fair", "Good", "Excellent"),
    ("Zeer slecht", "Slecht", "Neutraal", "Goed", "Zeer goed"),
)
BINARY_PAIRS = (("no", "yes"), ("nee", "ja"), ("false", "true"), ("onwaar", "waar"), ("n", "y"))
# Answers that are usually "no answer". When a column is a scale apart from these, the review table
# offers them as missing for that question (shown, editable); elsewhere they are answers.
MISSING_SUGGESTIONS = (
    "None",
    "N/A",
    "NA",
    "Not applicable",
    "Niet van toepassing",
    "Geen mening",
    "Weet niet",
    "Don't know",
    "Prefer not to say",
    "Zeg ik liever niet",
    "-99",
)
_MISSING_FOLDED = {m.casefold() for m in MISSING_SUGGESTIONS}

ID_NAMES = ("response id", "responseid", "respondent id", "respondent", "id", "respondent nr")
APPLICATION_NAMES = (
    "application id",
    "applicationid",
    "application",
    "sollicitatie id",
    "sollicitatie",
    "sollicitatienummer",
)
PIPELINE_NAMES = ("pipeline", "route", "proces", "process")
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
# Survey-tool metadata and identifiers that are never questions.
IDENTIFIER_COLUMNS = {
    "recipientemail",
    "recipientfirstname",
    "recipientlastname",
    "ipaddress",
    "ip address",
    "locationlatitude",
    "locationlongitude",
    "email address",
    "e-mailadres",
    "first name",
    "last name",
    "externalreference",
    "externaldatareference",
}
METADATA_COLUMNS = {
    "startdate",
    "enddate",
    "status",
    "progress",
    "duration (in seconds)",
    "finished",
    "recordeddate",
    "distributionchannel",
    "userlanguage",
    "start date",
    "end date",
    "collector id",
    "timestamp",
    "tijdstempel",
    "custom data 1",
    "q_recaptchascore",
}


@dataclass(frozen=True)
class SurveyError(AivshiError):
    """A survey file or review that cannot be stored; ``text(lang)`` says what and where."""

    code: str
    file: str
    row: int | None = None
    column: str | None = None
    detail: str = ""

    def text(self, lang: str = "en") -> str:
        where = t("survey_import.where.file", lang, file=self.file)
        if self.row is not None:
            where += ", " + t("survey_import.where.row", lang, row=self.row)
        if self.column is not None:
            where += ", " + t("survey_import.where.column", lang, column=self.column)
        return f"{where}: {t(f'survey_import.problem.{self.code}', lang, detail=self.detail)}"

    def __str__(self) -> str:
        return self.text("en")


@dataclass
class Question:
    question_id: str
    text: str
    kind: str
    labels: list[str]
    columns: list[str]  # one column; several for a SurveyMonkey checkbox question
    options: list[str] = field(default_factory=list)  # checkbox option per column (SurveyMonkey)
    missing: list[str] = field(default_factory=list)


@dataclass
class SurveyFile:
    name: str
    layout: str  # csv | xlsx | sav | qualtrics | surveymonkey | google_forms
    frame: pd.DataFrame  # text answers (str or None), one column per source column
    row_numbers: list[int]  # the file row of each respondent (1-based, as in a spreadsheet)
    questions: list[Question]
    respondent_column: str | None
    application_column: str | None
    pipeline_column: str | None
    dropped_identifiers: list[str]
    dropped_metadata: list[str]
    encoding: str | None = None
    delimiter: str | None = None


# --------------------------------------------------------------------------------------------
# Reading


def _rows_from_csv(data: bytes, name: str) -> tuple[list[list[str]], str, str]:
    if b"\x00" in data[:SNIFF_BYTES] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SurveyError("binary_file", name)
    text, encoding = _decode(data)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise SurveyError("empty_file", name)
    if "\x00" in text:
        raise SurveyError("binary_file", name)
    delimiter = sniff_delimiter(text[:SNIFF_BYTES])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    start = 1  # the line where the record being read began
    try:
        for r in reader:
            if r:
                rows.append(r)
            start = reader.line_num + 1
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise SurveyError("cell_too_large", name, row=start, detail=str(MAX_CELL_CHARS)) from e
        if "unexpected end of data" in str(e):  # a quote opened and never closed
            raise SurveyError("unclosed_quote", name, row=start) from e
        raise SurveyError("unreadable", name, row=start, detail=str(e)) from e
    return rows, encoding, delimiter


def _isna(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def _clean(v: object) -> str | None:
    if _isna(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _frame(header: list[str], body: list[list[str]], name: str, first_row: int) -> pd.DataFrame:
    header = [h.strip() for h in header]
    width = len(header)
    if width < 2 or all(not h for h in header):
        raise SurveyError("no_header", name, row=first_row - 1)
    for i, row in enumerate(body):
        if len(row) != width:
            raise SurveyError("ragged", name, row=first_row + i, detail=f"{len(row)} / {width}")
    dupes = [h for h, n in Counter(header).items() if n > 1 and h]
    if dupes:
        raise SurveyError("duplicate_header", name, column=dupes[0])
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    frame = frame.map(_clean) if len(frame) else frame
    keep = []
    for i, h in enumerate(header):
        if h:
            keep.append(i)
        elif frame[i].notna().any():  # answers under no question: say so, do not invent a name
            named = [x for x in header if x]
            if len(named) == 1:  # a title above the header (merged cells in Excel)
                raise SurveyError("title_row", name, row=first_row - 1, detail=named[0])
            raise SurveyError("empty_header", name, row=first_row - 1, detail=str(i + 1))
    frame = frame[keep]
    frame.columns = [header[i] for i in keep]
    for col in frame.columns:
        lengths = frame[col].map(lambda v: len(v) if isinstance(v, str) else 0)
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            row = first_row + int(lengths.to_numpy().argmax())
            raise SurveyError(
                "cell_too_large", name, row=row, column=col, detail=str(MAX_CELL_CHARS)
            )
    return frame


def _megabytes(size: int) -> str:
    mb = 1024 * 1024
    return f"{size / mb:.0f} MB / {MAX_FILE_BYTES // mb} MB"


def _layout(rows: list[list[str]]) -> str:
    if len(rows) >= 3 and any(c.strip().startswith('{"ImportId"') for c in rows[2]):
        return "qualtrics"
    if len(rows) >= 2 and any(c.strip() in ("Response", "Open-Ended Response") for c in rows[1]):
        return "surveymonkey"
    if rows and normalise_name(rows[0][0]) in ("timestamp", "tijdstempel"):
        return "google_forms"
    return "csv"


def read_survey(data: bytes, filename: str) -> SurveyFile:
    """Read a survey export and detect every question. Raises ``SurveyError`` (only)."""
    try:
        return _read_survey(data, filename)
    except SurveyError:
        raise
    except Exception as e:  # anything unforeseen still gets a message, never a traceback
        detail = (str(e).splitlines() or [type(e).__name__])[0][:200]
        raise SurveyError("unreadable", Path(filename).name, detail=detail) from e


def _read_survey(data: bytes, filename: str) -> SurveyFile:
    name = Path(filename).name
    suffix = Path(filename).suffix.lower()
    if not data:
        raise SurveyError("empty_file", name)
    if len(data) > MAX_FILE_BYTES:
        raise SurveyError("too_large", name, detail=_megabytes(len(data)))
    texts: dict[str, str] = {}
    sm_options: dict[str, str] = {}
    sav_meta = None
    encoding = delimiter = None
    if suffix == ".sav":
        frame, sav_meta = _read_sav(data, name)
        layout, first_row = "sav", 2
    elif suffix in (".xlsx", ".xlsm"):
        try:
            sheet = pd.read_excel(io.BytesIO(data), dtype=object, header=None)
        except Exception as e:
            raise SurveyError("unreadable", name, detail=str(e).splitlines()[0][:200]) from e
        rows = [["" if _clean(v) is None else str(_clean(v)) for v in r] for r in sheet.values]
        layout = _layout(rows)
        frame, first_row, texts, sm_options = _shape(rows, layout, name)
        layout = "xlsx" if layout == "csv" else layout
    elif suffix in (".csv", ".txt", ".tsv", ""):
        rows, encoding, delimiter = _rows_from_csv(data, name)
        layout = _layout(rows)
        frame, first_row, texts, sm_options = _shape(rows, layout, name)
    else:
        raise SurveyError("unsupported_format", name, detail=suffix)
    if frame.empty:
        raise SurveyError("no_rows", name)
    return _detect(name, layout, frame, first_row, texts, sm_options, sav_meta, encoding, delimiter)


def _shape(rows: list[list[str]], layout: str, name: str):
    """Header, question texts and the first data row for each layout."""
    if not rows:
        raise SurveyError("empty_file", name)
    texts: dict[str, str] = {}
    options: dict[str, str] = {}
    header = [h.strip() for h in rows[0]]
    if layout == "qualtrics":
        if len(rows[1]) != len(header):
            raise SurveyError("bad_header_rows", name, row=2, detail="qualtrics")
        texts = {h: rows[1][i].strip() for i, h in enumerate(header)}
        return _frame(header, rows[3:], name, 4), 4, texts, options
    if layout == "surveymonkey":
        sub = rows[1]
        if len(sub) != len(header):
            raise SurveyError("bad_header_rows", name, row=2, detail="surveymonkey")
        current = ""
        fixed = []
        for i, h in enumerate(header):
            if h:
                current = h
            s = sub[i].strip()
            col = current if s in ("", "Response", "Open-Ended Response") else f"{current} | {s}"
            if s not in ("", "Response", "Open-Ended Response"):
                options[col] = s
            texts[col] = current
            fixed.append(col)
        if not header[0]:
            raise SurveyError("no_header", name, row=1)
        return _frame(fixed, rows[2:], name, 3), 3, texts, options
    return _frame(header, rows[1:], name, 2), 2, texts, options


def _read_sav(data: bytes, name: str):
    import pyreadstat

    with tempfile.NamedTemporaryFile(suffix=".sav") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            frame, meta = pyreadstat.read_sav(tmp.name, user_missing=True)
        except Exception as e:  # pyreadstat.ReadstatError and friends
            raise SurveyError("bad_sav", name, detail=str(e).splitlines()[0][:200]) from e
    for col, ranges in (meta.missing_ranges or {}).items():  # user-missing codes -> missing
        if col in frame.columns and pd.api.types.is_numeric_dtype(frame[col]):
            x = frame[col]
            hit = np.zeros(len(frame), dtype=bool)
            for r in ranges:
                hit |= (x >= r["lo"]).to_numpy() & (x <= r["hi"]).to_numpy()
            frame[col] = x.where(~hit)
    return frame, meta


# --------------------------------------------------------------------------------------------
# Detection


def _num(value: str) -> float | None:
    s = value.strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+,\d+", s):
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[-+]?\d+,\d+", s):
        s = s.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", s):
        return None
    return float(s)


def likert_scale(values: set[str]) -> tuple[str, ...] | None:
    """The known scale (in order) that holds every value, case-insensitively; None if none."""
    low = {v.casefold() for v in values}
    best = None
    for scale in LIKERT_SCALES:
        names = {s.casefold() for s in scale}
        if low <= names and (best is None or len(scale) < len(best)):
            best = scale
    return best


def _binary(values: set[str]) -> list[str] | None:
    low = {v.casefold() for v in values}
    for no, yes in BINARY_PAIRS:
        if low <= {no, yes} and low:
            spelled = {v.casefold(): v for v in values}
            return [spelled.get(no, no.capitalize()), spelled.get(yes, yes.capitalize())]
    return None


def _multi_parts(values: pd.Series) -> list[str] | None:
    """Google Forms checkbox cells ('a, b') or our own 'a; b': the options, when it looks so."""
    for sep in (MULTI_SEP, ", "):
        joined = values.str.contains(sep, regex=False)
        if joined.sum() == 0:
            continue
        parts = Counter(p.strip() for v in values for p in v.split(sep) if p.strip())
        n_distinct = values.nunique()
        if len(parts) <= 15 and len(parts) < n_distinct and min(parts.values()) >= 2:
            return [p for p, _ in parts.most_common()]
    return None


def detect_kind(values: pd.Series, text: str = "") -> tuple[str, list[str]]:
    """(kind, labels in order) of one column of text answers (missing = None)."""
    vals = values.dropna().astype(str)
    vals = vals[vals.str.strip() != ""]
    distinct = set(vals.unique())
    if not distinct:
        return "text", []
    scale = likert_scale(distinct)
    if scale is not None:
        return "likert", list(scale)
    pair = _binary(distinct)
    if pair is not None:
        return "binary", pair
    nums = {v: _num(v) for v in distinct}
    if all(x is not None for x in nums.values()):
        xs = set(nums.values())
        ints = all(float(x).is_integer() for x in xs)
        nps_word = re.search(r"recommend|aanbevel|aanraden|\bnps\b", text, re.I) is not None
        if (
            ints
            and min(xs) >= 0
            and max(xs) <= 10
            and (nps_word or (min(xs) <= 1 and len(xs) >= 9))
        ):
            return "nps", [str(i) for i in range(11)]
        return "numeric", []
    parts = _multi_parts(vals)
    if parts is not None:
        return "multi", parts
    counts = vals.value_counts()
    sentences = sum(len(v.split()) >= 3 and v.rstrip()[-1:] in ".!?" for v in counts.index)
    if (
        len(counts) <= 12
        and sentences <= len(counts) // 2
        and len(counts) <= max(2, len(vals) // 2)
    ):
        return "single", [str(v) for v in counts.index]
    return "text", []


def _qid(text: str, used: set[str]) -> str:
    base = re.sub(r"[^0-9a-z]+", "_", normalise_name(text)).strip("_")[:40] or "q"
    qid, i = base, 2
    while qid in used:
        qid, i = f"{base}_{i}", i + 1
    used.add(qid)
    return qid


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    for c in columns:
        if normalise_name(c) in names:
            return c
    return None


def _detect(name, layout, frame, first_row, texts, sm_options, sav_meta, encoding, delimiter):
    columns = [str(c) for c in frame.columns]
    identifiers, metadata = [], []
    respondent = _find(
        columns, ("response id", "responseid", "respondent id", "respondent", "resp id", "id")
    )
    application = _find(columns, APPLICATION_NAMES)
    pipeline = _find(columns, PIPELINE_NAMES)
    keep = []
    for c in columns:
        low = c.strip().casefold()
        if c in (respondent, application, pipeline):
            continue
        if low in IDENTIFIER_COLUMNS or is_identifier(c):
            identifiers.append(c)
        elif low in METADATA_COLUMNS or low in ID_NAMES:
            metadata.append(c)
        else:
            keep.append(c)
    frame = frame.copy()
    questions: list[Question] = []
    used: set[str] = set()
    labels_by_col = dict(sav_meta.variable_value_labels) if sav_meta is not None else {}
    sav_texts = dict(sav_meta.column_names_to_labels) if sav_meta is not None else {}
    done: set[str] = set()
    for c in keep:
        if c in done:
            continue
        if c in sm_options:  # SurveyMonkey: all option columns of this question -> one multi
            group = [k for k in keep if sm_options.get(k) and texts.get(k) == texts[c]]
            done.update(group)
            opts = [sm_options[k] for k in group]
            questions.append(Question(_qid(texts[c], used), texts[c], "multi", opts, group, opts))
            continue
        text = texts.get(c) or sav_texts.get(c) or c
        if c in labels_by_col:  # SPSS value labels: codes -> labels, in code order
            ranges = (sav_meta.missing_ranges or {}).get(c, [])
            codes = sorted(
                k
                for k in labels_by_col[c]
                if not any(r["lo"] <= k <= r["hi"] for r in ranges if isinstance(k, int | float))
            )
            labels = [str(labels_by_col[c][k]) for k in codes]
            mapping = {k: str(labels_by_col[c][k]) for k in codes}
            raw = frame[c]
            frame[c] = [None if _isna(v) else mapping.get(v, _clean(v)) for v in raw.tolist()]
            kind, guessed = detect_kind(pd.Series(labels, dtype=object), text)
            if kind not in ("likert", "binary", "nps"):
                kind = (
                    "likert"
                    if len(labels) in (5, 7) and sav_meta.variable_measure.get(c) == "ordinal"
                    else "single"
                )
            else:
                labels = guessed if kind in ("likert", "binary") else labels
            questions.append(Question(_qid(c, used), text, kind, labels, [c]))
            continue
        if sav_meta is not None:
            frame[c] = [_clean(v) for v in frame[c].tolist()]
        kind, labels = detect_kind(frame[c], text)
        offside: list[str] = []
        if kind in ("single", "text"):  # a scale plus "N/A"-like answers: offer them as missing
            present = set(frame[c].dropna().astype(str))
            offside = sorted(v for v in present if v.casefold() in _MISSING_FOLDED)
            if offside and len(present) > len(offside):
                kind2, labels2 = detect_kind(frame[c].where(~frame[c].isin(offside)), text)
                if kind2 in ("likert", "binary", "nps", "numeric"):
                    kind, labels = kind2, labels2
                else:
                    offside = []
            else:
                offside = []
        qid = c if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", c) and c not in used else None
        if qid:
            used.add(qid)
        questions.append(Question(qid or _qid(text, used), text, kind, labels, [c], [], offside))
    for col in (respondent, application, pipeline):
        if col is not None and sav_meta is not None:
            frame[col] = [_clean(v) for v in frame[col].tolist()]
    if not questions:
        raise SurveyError("no_questions", name)
    return SurveyFile(
        name=name,
        layout=layout,
        frame=frame,
        row_numbers=list(range(first_row, first_row + len(frame))),
        questions=questions,
        respondent_column=respondent,
        application_column=application,
        pipeline_column=pipeline,
        dropped_identifiers=identifiers,
        dropped_metadata=metadata,
        encoding=encoding,
        delimiter=delimiter,
    )


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
    by_id = {q.question_id: q for q in sf.questions}
    sid = survey_id_for(con, name)
    frame = sf.frame
    rows = np.asarray(sf.row_numbers)
    # respondents
    if sf.respondent_column is not None:
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
        rid = rid.astype(str).tolist()
    else:
        rid = [f"R{r:05d}" for r in range(1, len(frame) + 1)]
    app = [
        None if _isna(v) else str(v)
        for v in (frame[sf.application_column] if sf.application_column else [None] * len(frame))
    ]
    pipe: list[str | None] = [None] * len(frame)
    if sf.pipeline_column:
        for i, v in enumerate(frame[sf.pipeline_column].tolist()):
            if _isna(v):
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
    respondents = pd.DataFrame(
        {
            "survey_id": sid,
            "respondent_id": rid,
            "application_id": pd.Series(app, dtype=object),
            "pipeline": pd.Series(pipe, dtype=object),
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
    # questions and answers
    qrows, answers = [], []
    position = 0
    seen: set[str] = set()
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
        seen.add(qid)
        position += 1
        text = str(rec.get("text") or q.text)
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
                "position": position,
                "text": text,
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
        "survey_answers": pd.concat(answers, ignore_index=True),
    }


def _answers(sf, q, kind, labels, missing, rid, rows) -> pd.DataFrame:
    num: list[float] = []
    txt: list[str] = []
    who: list[str] = []
    col = q.columns[0]
    if q.options:  # SurveyMonkey checkbox columns: a filled cell = chosen
        chosen = [
            [o for c, o in zip(q.columns, q.options, strict=True) if not _isna(sf.frame.at[i, c])]
            for i in range(len(sf.frame))
        ]
        cells = [MULTI_SEP.join(c) if c else None for c in chosen]
    else:
        cells = sf.frame[col].tolist()
    order = {lab.casefold(): k for k, lab in enumerate(labels)}
    for i, v in enumerate(cells):
        if _isna(v) or v in missing:
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
            x = _num(v)
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
            raise SurveyError("too_large", p.name, detail=_megabytes(p.stat().st_size))
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
    if sf.dropped_identifiers:
        lines.append(t("survey_import.dropped", lang, columns=", ".join(sf.dropped_identifiers)))
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
]
