"""Pipeline tagging rules: a pattern in the first step's name -> human-first or automation-first.

Why it exists: most ATS exports do not say which pipeline an application went through, but the
first step's name does ("Phone screen", "HireVue one-way video"). The rules are data: the defaults
live in ``fields.PIPELINE_RULES``; an analyst's edited rules are stored in the ``pipeline_rules``
table (one pattern per row, first match wins) and apply to the next import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import duckdb
import pandas as pd

from analytics import store
from analytics.domain import PIPELINES
from analytics.ingest.fields import PIPELINE_RULES
from analytics.ingest.values import norm_text

_RULE_TOUCHPOINT = {"automation_first": "automated", "human_first": "human"}


def match_rule(
    text: str | None, rules: Sequence[Mapping[str, object]] = PIPELINE_RULES
) -> Mapping[str, object] | None:
    """The first rule whose keyword starts a word in ``text`` (None when none matches)."""
    if not text:
        return None
    norm = norm_text(text)
    for rule in rules:
        for kw in rule["keywords"]:  # type: ignore[union-attr]
            if re.search(r"(?:^|\s)" + re.escape(norm_text(str(kw))), norm):
                return rule
    return None


def n_patterns(rules: Sequence[Mapping[str, object]]) -> int:
    return sum(len(r["keywords"]) for r in rules)  # type: ignore[arg-type]


def pipeline_rules(
    con: duckdb.DuckDBPyConnection | None,
) -> tuple[list[dict[str, object]], str]:
    """The tagging rules in use and their label: ``default:N`` or ``custom:N`` (N patterns).

    Stored rules are one pattern per row, tried in order (first match wins)."""
    rows: list[tuple[str, str]] = []
    if con is not None:
        cur = con.cursor()
        try:
            rows = cur.execute(
                "SELECT pattern, pipeline FROM pipeline_rules ORDER BY position"
            ).fetchall()
        finally:
            cur.close()
    if not rows:
        rules = [dict(r) for r in PIPELINE_RULES]
        return rules, f"default:{n_patterns(rules)}"
    rules = [
        {"pipeline": p, "touchpoint": _RULE_TOUCHPOINT[p], "keywords": [pattern]}
        for pattern, p in rows
    ]
    return rules, f"custom:{len(rules)}"


def rules_frame(rules: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Rules as an editable table: one row per pattern (pattern, pipeline), in match order."""
    pairs = [(str(kw), str(r["pipeline"])) for r in rules for kw in r["keywords"]]  # type: ignore[union-attr]
    return pd.DataFrame(pairs, columns=["pattern", "pipeline"])


def save_pipeline_rules(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Store edited rules (columns pattern, pipeline; blank rows ignored). Returns the number
    stored. Raises ``ValueError`` naming the row when a pipeline is not human_first or
    automation_first or a pattern is empty. Settings, not data: the data version is unchanged and
    the rules apply to the next import."""
    clean = []
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        pattern = "" if pd.isna(row.pattern) else str(row.pattern).strip()
        pipeline = "" if pd.isna(row.pipeline) else str(row.pipeline).strip()
        if not pattern and not pipeline:
            continue
        if not pattern:
            raise ValueError(f"row {i}: the pattern is empty")
        if pipeline not in PIPELINES:
            raise ValueError(f"row {i}: pipeline must be one of {', '.join(PIPELINES)}")
        clean.append((len(clean) + 1, pattern, pipeline))
    if not clean:
        raise ValueError("no rules: keep at least one row, or reset to the defaults")
    cur = con.cursor()
    try:
        with store.transaction(cur):
            cur.execute("DELETE FROM pipeline_rules")
            cur.executemany("INSERT INTO pipeline_rules VALUES (?, ?, ?)", clean)
    finally:
        cur.close()
    return len(clean)


def reset_pipeline_rules(con: duckdb.DuckDBPyConnection) -> None:
    cur = con.cursor()
    try:
        cur.execute("DELETE FROM pipeline_rules")
    finally:
        cur.close()
