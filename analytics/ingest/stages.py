"""Stage events: validated rows of a stage file (or a sheet's date column per stage) -> the stage
catalogue rows to load and the events.

Why a module of its own: this is where an export's step names become the funnel's stages. Steps
get a touchpoint and a format from their names when the file has none, alternative first steps of
different pipelines merge into one position, stages get an order (the catalogue's, the sheet's
column order, or the median position within applications), and exits and results are filled in
from the next stage and the application's final status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import numpy as np
import pandas as pd

from analytics.ingest.fields import FIRST_STEP, FORMAT_RULES
from analytics.ingest.identifiers import are_birth_dates, identifier_by_name
from analytics.ingest.pipeline_rules import match_rule
from analytics.ingest.report import Problem, QualityReport
from analytics.ingest.values import convert, stage_key

_FINAL_RESULT = {
    "hired": "advanced",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
    "offer_declined": "withdrawn",
    "open": "pending",
}


def _alternative_first_steps(table: pd.DataFrame) -> list[str]:
    """Stages that only ever open an application (sorted by entry), when there are two or more:
    e.g. 'Phone screen' in one pipeline and 'One-way video (HireVue)' in the other."""
    if FIRST_STEP[0] in set(table["stage"]):
        return []
    app = table["application_id"]
    opener = app.map(table.drop_duplicates("application_id").set_index("application_id")["stage"])
    only_first = (table["stage"] == opener).groupby(table["stage"]).all()
    alternatives = sorted(only_first[only_first].index)
    return alternatives if len(alternatives) >= 2 else []


def finish_stages(
    table: pd.DataFrame,
    rows: np.ndarray,
    *,
    known: pd.DataFrame,
    report: QualityReport,
    rules: Sequence[Mapping[str, object]],
    con: duckdb.DuckDBPyConnection | None,
    mode: str,
    file: str,
    order_hint: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stage events -> (stage catalogue rows to load, events). ``table`` needs application_id,
    stage (a label), entered_on and ``_seq`` (tie-break within a day: file or column order)."""
    table = table.copy()
    table["_srcrow"] = rows
    table = _without_birth_dates(table, report, file)
    table["label"] = table["stage"]
    table["stage"] = convert(table["stage"], stage_key)[0]
    table = table.sort_values(["application_id", "entered_on", "_seq"], kind="stable")
    _touchpoints_and_formats(table, rules)
    merged = _alternative_first_steps(table)
    if merged:
        alt = table["stage"].isin(merged)
        table["format"] = table["format"].where(~alt | table["format"].notna(), table["stage"])
        table.loc[alt, "stage"] = FIRST_STEP[0]
        table.loc[alt, "label"] = FIRST_STEP[1]
    catalogue = _catalogue(con, mode)
    order, new = _stage_order(table, catalogue, order_hint=order_hint, merged=merged)
    table["stage_order"] = table["stage"].map(order).astype("int16")
    _warn_order_violations(table, report, file)
    _exits_and_results(table, known)
    labels = table.drop_duplicates("stage").set_index("stage")["label"]
    keys = list(order) if mode == "replace" else new
    stages = pd.DataFrame(
        {
            "stage": keys,
            "stage_order": [order[s] for s in keys],
            "label_en": [labels.get(s, s) for s in keys],
            "label_nl": [FIRST_STEP[2] if s == FIRST_STEP[0] and merged else labels.get(s, s)
                         for s in keys],
        }
    )  # fmt: skip
    stages["stage_order"] = stages["stage_order"].astype("int16")
    events = table.drop(columns=["label", "_seq", "_srcrow"]).reset_index(drop=True)
    return stages, events


def _without_birth_dates(table: pd.DataFrame, report: QualityReport, file: str) -> pd.DataFrame:
    """Events of a "stage" that is a date of birth ("Geboren", "Date of birth", or a step whose
    dates put everyone at 15 to 80 years old) are left out, with a warning: a birth date is a
    direct identifier, never a stage event."""
    dates = pd.to_datetime(table["entered_on"], errors="coerce")
    drop = np.zeros(len(table), dtype=bool)
    for label, idx in table.groupby("stage", sort=False).indices.items():
        by_name = identifier_by_name(str(label)) == "birth_date"
        distinct = pd.DatetimeIndex(pd.unique(dates.iloc[idx].dropna().to_numpy())).date
        if by_name or are_birth_dates(distinct):
            drop[idx] = True
            report.warn(Problem("birth_date_stage", file, value=str(label), detail=str(len(idx))))
    return table[~drop] if drop.any() else table


def _touchpoints_and_formats(table: pd.DataFrame, rules: Sequence[Mapping[str, object]]) -> None:
    """Touchpoint and format from the step's own name, before alternative first steps merge."""
    if "touchpoint" not in table:
        source = table["format"] if "format" in table else table["label"]
        matched, _ = convert(source, lambda v: match_rule(v, rules) or None)
        table["touchpoint"] = [None if r is None else r.get("touchpoint") for r in matched]
    if "format" in table:
        table["format"] = convert(table["format"], stage_key)[0]
    else:
        matched, _ = convert(table["label"], lambda v: match_rule(v, FORMAT_RULES) or None)
        table["format"] = [None if r is None else r["format"] for r in matched]


def _catalogue(con: duckdb.DuckDBPyConnection | None, mode: str) -> dict[str, int]:
    """The stored stage order (appending keeps it; replacing starts afresh)."""
    if con is None or mode != "append":
        return {}
    cur = con.cursor()
    try:
        return dict(cur.execute("SELECT stage, stage_order FROM stages").fetchall())
    finally:
        cur.close()


def _stage_order(
    table: pd.DataFrame,
    catalogue: Mapping[str, int],
    *,
    order_hint: Sequence[str] | None,
    merged: Sequence[str],
) -> tuple[dict[str, int], list[str]]:
    """Stage order: the catalogue's when the stage is known; else the sheet's column order (stage
    date columns); else the median position of the stage within applications (robust to files
    sorted any way), after the known stages. Returns the order and the stages new to it."""
    if order_hint is not None:
        ranked = list(dict.fromkeys(FIRST_STEP[0] if h in merged else h for h in order_hint))
    else:
        position = table.groupby("application_id").cumcount()
        ranked = list(position.groupby(table["stage"]).median().sort_values(kind="stable").index)
    new = [s for s in ranked if s not in catalogue]
    start = max(catalogue.values(), default=0)
    return {**catalogue, **{s: start + i + 1 for i, s in enumerate(new)}}, new


def _warn_order_violations(table: pd.DataFrame, report: QualityReport, file: str) -> None:
    """Within an application, a stage entered after a later stage (a warning, not an error)."""
    previous = table.groupby("application_id")["stage_order"].shift(1)
    back = np.flatnonzero((table["stage_order"] < previous).to_numpy())
    report.add_rows(
        "stage_order",
        file,
        table["_srcrow"].to_numpy()[back],
        None,
        table["label"].to_numpy()[back],
        warning=True,
    )


def _exits_and_results(table: pd.DataFrame, known: pd.DataFrame) -> None:
    """Exit date: the next stage's entry, when not given. Result, when not given: advanced,
    except at the last stage, where the application's final status decides."""
    app = table["application_id"]
    nxt = table.groupby("application_id")["entered_on"].shift(-1)
    if "exited_on" in table:
        table["exited_on"] = table["exited_on"].fillna(nxt)
    else:
        table["exited_on"] = nxt
    last = ~app.duplicated(keep="last")
    if "result" not in table:
        final = app.map(dict(zip(known["application_id"], known["status"], strict=True)))
        final_result = final.map(_FINAL_RESULT).fillna("pending")
        table["result"] = np.where(last, final_result, "advanced")
        table.loc[last & table["result"].eq("pending"), "exited_on"] = pd.NaT


def wide_events(
    key: pd.Series, stage_dates: Mapping[str, pd.Series], rows: np.ndarray
) -> pd.DataFrame:
    """A sheet's date column per stage -> one event per application and dated stage."""
    parts = []
    for seq, (col, dates) in enumerate(stage_dates.items()):
        has = (dates.notna() & key.notna()).to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "application_id": key.to_numpy()[has],
                    "stage": col,
                    "entered_on": dates.to_numpy()[has],
                    "_seq": seq,
                    "_srcrow": rows[has],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["application_id", "stage", "entered_on", "_seq", "_srcrow"])
    return pd.concat(parts, ignore_index=True)
