"""Detecting what a survey's columns are: the respondent id, the link to applications or
pipelines, identifiers and tool metadata to drop, and for every question its kind (likert,
binary, nps, single, multi, numeric, text) and its labels in order.

Why a module of its own: detection is heuristics over the answers themselves (known Likert
scales in English and Dutch, yes/no pairs, 0-10 with a "recommend" question text, checkbox
cells), and the analyst reviews and corrects its guesses before anything is stored. Keeping it
apart from reading and storing keeps each part testable on its own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analytics.ingest.identifiers import (
    DroppedColumn,
    IdentifierKind,
    dropped_text,
    find_identifiers,
    identifier_by_content,
    identifier_by_name,
)
from analytics.ingest.mapping import normalise_name
from analytics.ingest.survey_read import SurveyError, SurveyTable, clean, isna

MULTI_SEP = "; "

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
    # The dropped identifier columns with the reason (by name or by content), for the review.
    identifiers: list[DroppedColumn] = field(default_factory=list)
    encoding_warning: SurveyError | None = None  # a decoding fallback (survey_read)


def parse_num(value: str) -> float | None:
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
    nums = {v: parse_num(v) for v in distinct}
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


def detect(table: SurveyTable) -> SurveyFile:
    """Every column's role and every question's kind and labels. Raises ``SurveyError`` when no
    question is left."""
    frame = table.frame.copy()
    roles = _roles([str(c) for c in frame.columns], frame)
    sav_meta = table.sav_meta
    questions: list[Question] = []
    used: set[str] = set()
    labels_by_col = dict(sav_meta.variable_value_labels) if sav_meta is not None else {}
    sav_texts = dict(sav_meta.column_names_to_labels) if sav_meta is not None else {}
    done: set[str] = set()
    for c in roles.keep:
        if c in done:
            continue
        if c in table.sm_options:  # SurveyMonkey: all option columns of this question -> one multi
            group = [
                k
                for k in roles.keep
                if table.sm_options.get(k) and table.texts.get(k) == table.texts[c]
            ]
            done.update(group)
            opts = [table.sm_options[k] for k in group]
            text = table.texts[c]
            questions.append(Question(_qid(text, used), text, "multi", opts, group, opts))
            continue
        text = table.texts.get(c) or sav_texts.get(c) or c
        if c in labels_by_col:  # SPSS value labels: codes -> labels, in code order
            questions.append(_sav_question(frame, c, text, sav_meta, used))
            continue
        if sav_meta is not None:
            frame[c] = [clean(v) for v in frame[c].tolist()]
        questions.append(_answers_question(frame, c, text, used))
    for col in (roles.respondent, roles.application, roles.pipeline):
        if col is not None and sav_meta is not None:
            frame[col] = [clean(v) for v in frame[col].tolist()]
    if not questions:
        raise SurveyError("no_questions", table.name)
    return SurveyFile(
        name=table.name,
        layout=table.layout,
        frame=frame,
        row_numbers=list(range(table.first_row, table.first_row + len(frame))),
        questions=questions,
        respondent_column=roles.respondent,
        application_column=roles.application,
        pipeline_column=roles.pipeline,
        dropped_identifiers=[d.column for d in roles.identifiers],
        dropped_metadata=roles.metadata,
        encoding=table.encoding,
        delimiter=table.delimiter,
        identifiers=roles.identifiers,
        encoding_warning=table.encoding_warning,
    )


@dataclass(frozen=True)
class _Roles:
    """What each column is: link columns, identifiers and metadata (dropped), questions."""

    respondent: str | None
    application: str | None
    pipeline: str | None
    identifiers: list[DroppedColumn]
    metadata: list[str]
    keep: list[str]


# Survey-tool columns that are identifiers by what the tool puts in them.
_TOOL_IDENTIFIER_KINDS: dict[str, IdentifierKind] = {
    "locationlatitude": "location",
    "locationlongitude": "location",
    "externalreference": "contact",
    "externaldatareference": "contact",
}


def _roles(columns: list[str], frame: pd.DataFrame) -> _Roles:
    """Every column's role. Identifiers by name, by the survey tool's column names and by their
    values (a "contact" column of e-mail addresses, a "Naam" question of names); a respondent
    id column whose values are e-mail addresses or names is an identifier too (respondents are
    then numbered R00001, ...)."""
    respondent = _find(
        columns, ("response id", "responseid", "respondent id", "respondent", "resp id", "id")
    )
    if respondent is not None and identifier_by_content(frame[respondent]) is not None:
        respondent = None
    application = _find(columns, APPLICATION_NAMES)
    pipeline = _find(columns, PIPELINE_NAMES)
    candidates = [c for c in columns if c not in (respondent, application, pipeline)]
    found = {d.column: d for d in find_identifiers(frame, candidates)}
    identifiers: list[DroppedColumn] = []
    metadata, keep = [], []
    for c in candidates:
        low = c.strip().casefold()
        if c in found:
            identifiers.append(found[c])
        elif low in IDENTIFIER_COLUMNS:
            kind = identifier_by_name(c) or _TOOL_IDENTIFIER_KINDS.get(low, "contact")
            identifiers.append(DroppedColumn(c, kind, "name"))
        elif low in METADATA_COLUMNS or low in ID_NAMES:
            metadata.append(c)
        else:
            keep.append(c)
    return _Roles(respondent, application, pipeline, identifiers, metadata, keep)


def _sav_question(
    frame: pd.DataFrame, c: str, text: str, sav_meta: Any, used: set[str]
) -> Question:
    """An SPSS column with value labels: codes become their labels (user-missing codes left
    out); the measure level decides between likert and single when the labels do not."""
    labels_by_col = sav_meta.variable_value_labels
    ranges = (sav_meta.missing_ranges or {}).get(c, [])
    codes = sorted(
        k
        for k in labels_by_col[c]
        if not any(r["lo"] <= k <= r["hi"] for r in ranges if isinstance(k, int | float))
    )
    labels = [str(labels_by_col[c][k]) for k in codes]
    mapping = {k: str(labels_by_col[c][k]) for k in codes}
    raw = frame[c]
    frame[c] = [None if isna(v) else mapping.get(v, clean(v)) for v in raw.tolist()]
    kind, guessed = detect_kind(pd.Series(labels, dtype=object), text)
    if kind not in ("likert", "binary", "nps"):
        kind = (
            "likert"
            if len(labels) in (5, 7) and sav_meta.variable_measure.get(c) == "ordinal"
            else "single"
        )
    else:
        labels = guessed if kind in ("likert", "binary") else labels
    return Question(_qid(c, used), text, kind, labels, [c])


def _answers_question(frame: pd.DataFrame, c: str, text: str, used: set[str]) -> Question:
    """A column of text answers: its kind from the answers; a scale plus "N/A"-like answers
    becomes the scale, with those answers offered as missing."""
    kind, labels = detect_kind(frame[c], text)
    offside: list[str] = []
    if kind in ("single", "text"):
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
    return Question(qid or _qid(text, used), text, kind, labels, [c], [], offside)


def dropped_columns(sf: SurveyFile, lang: str = "en") -> str:
    """The dropped identifier columns with the reason of each, for the review and the command
    line ("contact (the values are e-mail addresses); Geboren (the column's name says: ...)")."""
    return dropped_text(sf.identifiers, lang) or ", ".join(sf.dropped_identifiers)
