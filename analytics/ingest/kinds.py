"""Which kind of file is this: applications, stage history, offers, hires or a survey?

Why: a user who uploads a hires file as "Applications" used to read "no column is mapped to the
required field 'applied_on'" and nothing else. Each kind has one or two *signature* fields that
the other kinds lack (an application date and a status; a stage and the date it was entered; an
offer date; a start date; questions answered on a scale). Matching the file's column names
against the field catalogue's aliases (and, for surveys, its answers against the known scales)
tells which kind the file most likely is, and which columns say so, so the page can name the
evidence: "this file looks like hires: it has a start date (“Start Date”) and no application
date".

Pure: column names and a few values in, a ``KindGuess`` out; no database, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.ingest.fields import FIELDS
from analytics.ingest.mapping import normalise_name
from analytics.ingest.survey_detect import likert_scale

FileKind = str  # one of ALL_KINDS
ALL_KINDS: tuple[FileKind, ...] = ("applications", "stages", "offers", "hires", "survey")

# The fields that identify a kind (all must be present); the first is named in messages.
SIGNATURES: dict[str, tuple[str, ...]] = {
    "applications": ("applied_on", "status"),
    "stages": ("stage", "entered_on"),
    "offers": ("offered_on",),
    "hires": ("start_on",),
}
# Column names that only survey exports have (Qualtrics, SurveyMonkey, our own samples).
SURVEY_ID_COLUMNS = ("response id", "responseid", "respondent id")
SURVEY_COLUMNS = ("respondent", "nps")
# A survey needs at least this many columns of scale answers to be called one.
MIN_SCALE_COLUMNS = 2


@dataclass(frozen=True)
class KindGuess:
    """The most likely kind and the evidence: signature field -> the file's column holding it."""

    kind: FileKind | None
    evidence: tuple[tuple[str, str], ...]  # (field, column)


def _columns_for(columns: list[str], kind: str) -> dict[str, str]:
    """Signature fields of ``kind`` found in ``columns`` (by field name or alias)."""
    found: dict[str, str] = {}
    for field in SIGNATURES[kind]:
        names = {normalise_name(field), *FIELDS[kind][field]}
        for col in columns:
            if normalise_name(col) in names:
                found[field] = col
                break
    return found


def _scale_columns(frame: pd.DataFrame | None) -> list[str]:
    """Columns whose answers are a known agreement scale or 0-10 scores (survey questions)."""
    if frame is None:
        return []
    out = []
    for col in frame.columns:
        values = {str(v).strip() for v in frame[col].dropna().head(500) if str(v).strip()}
        if not values:
            continue
        if likert_scale(values) is not None:
            out.append(str(col))
        elif values <= {str(i) for i in range(11)} and len(values) >= 4:
            out.append(str(col))
    return out


def guess_kind(columns: list[str], frame: pd.DataFrame | None = None) -> KindGuess:
    """The kind whose signature fields the file has; a survey when it has scale answers or
    survey-tool columns and no ATS signature; None when nothing fits."""
    columns = [str(c) for c in columns]
    # A survey tool's response id is decisive (a Qualtrics export also has "StartDate").
    response = [c for c in columns if normalise_name(c) in SURVEY_ID_COLUMNS]
    if response:
        return KindGuess("survey", (("respondent_id", response[0]),))
    full = []
    for kind in SIGNATURES:
        found = _columns_for(columns, kind)
        if len(found) == len(SIGNATURES[kind]):
            full.append((kind, found))
    # Applications files often carry a "Current Stage" and a date: prefer the kind with the most
    # signature fields, then the catalogue's order (applications first).
    if full:
        kind, found = max(full, key=lambda kf: len(kf[1]))
        return KindGuess(kind, tuple(found.items()))
    scales = _scale_columns(frame)
    survey_cols = [c for c in columns if normalise_name(c) in SURVEY_COLUMNS]
    if len(scales) >= MIN_SCALE_COLUMNS or (survey_cols and scales):
        evidence = [("respondent_id", c) for c in survey_cols[:1]]
        evidence += [("question", c) for c in scales[:2]]
        return KindGuess("survey", tuple(evidence))
    return KindGuess(None, ())


def mismatch(chosen: str, guess: KindGuess, columns: list[str]) -> tuple[str, ...] | None:
    """When the chosen kind looks wrong: the signature fields of ``chosen`` the file lacks
    (empty tuple when it has them all but another kind fits better); None when it fits."""
    if guess.kind is None or guess.kind == chosen:
        return None
    if chosen in SIGNATURES:
        missing = tuple(f for f in SIGNATURES[chosen] if f not in _columns_for(columns, chosen))
        if not missing:
            return None  # the chosen kind's own signature is there: trust the user
        return missing
    return ()
