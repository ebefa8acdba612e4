"""Free-text answers: search them, with the answers of small groups left out."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.domain import (
    PRIVACY_THRESHOLD,
)
from analytics.metrics.survey.catalogue import (
    NO_GROUP,
)


def free_text(
    cur: duckdb.DuckDBPyConnection,
    survey_id: str,
    question_id: str,
    groups: pd.DataFrame,
    *,
    search: str = "",
    limit: int | None = None,
    groupings: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Non-empty answers of a text question with the respondent's group, filtered by ``search``
    (case-insensitive substring, bound as a parameter). Answers of groups with fewer than
    ``PRIVACY_THRESHOLD`` answering respondents are left out (returned as the second item).
    Respondents without a group appear with group ``NO_GROUP`` only when that group is big enough.

    ``groupings``: respondent_id plus one column per grouping the app offers (group values,
    ``NO_GROUP`` for none). With it, an answer is shown only when its respondent's group has at
    least ``PRIVACY_THRESHOLD`` answering respondents under EVERY grouping, so the shown answers
    are the same whichever grouping is picked and a set difference between two groupings
    recovers nothing.
    """
    name = "survey_text_groups"
    cur.register(name, groups)
    try:
        rows = cur.execute(
            f"""
            WITH answered AS (
                SELECT g.grp, s.respondent_id, s.value_text AS answer
                FROM survey_answers AS s
                JOIN {name} AS g USING (respondent_id)
                WHERE s.survey_id = $sid AND s.question_id = $qid
                  AND s.value_text IS NOT NULL AND trim(s.value_text) <> ''
            ),
            sizes AS (
                SELECT grp, COUNT(*) AS n FROM answered GROUP BY grp
            )
            SELECT a.grp, a.answer, s.n >= $k AS allowed, a.respondent_id
            FROM answered AS a
            JOIN sizes AS s USING (grp)
            WHERE $search = '' OR contains(lower(a.answer), lower($search))
            ORDER BY a.grp = $none, a.grp, a.respondent_id
            {"LIMIT $limit" if limit else ""}
            """,
            {
                "sid": survey_id,
                "qid": question_id,
                "k": PRIVACY_THRESHOLD,
                "search": search.strip(),
                "none": NO_GROUP,
                **({"limit": limit} if limit else {}),
            },
        ).df()
        hidden = cur.execute(
            f"""
            SELECT DISTINCT g.grp
            FROM survey_answers AS s
            JOIN {name} AS g USING (respondent_id)
            WHERE s.survey_id = ? AND s.question_id = ?
              AND s.value_text IS NOT NULL AND trim(s.value_text) <> ''
            GROUP BY g.grp
            HAVING COUNT(*) < ?
            """,
            [survey_id, question_id, PRIVACY_THRESHOLD],
        ).fetchall()
        if groupings is not None:
            answered = cur.execute(
                """
                SELECT DISTINCT respondent_id
                FROM survey_answers
                WHERE survey_id = ? AND question_id = ?
                  AND value_text IS NOT NULL AND trim(value_text) <> ''
                """,
                [survey_id, question_id],
            ).df()
            rows = _everywhere_allowed(rows, answered, groupings)
            hidden = [(h,) for h in sorted({h[0] for h in hidden} | set(rows.grp[~rows.allowed]))]
    finally:
        cur.unregister(name)
    kept = rows[rows.allowed.astype(bool)].drop(columns=["allowed", "respondent_id"])
    return kept.reset_index(drop=True), sorted(h[0] for h in hidden)


def _everywhere_allowed(
    rows: pd.DataFrame, answered: pd.DataFrame, groupings: pd.DataFrame
) -> pd.DataFrame:
    """``rows`` with ``allowed`` False for respondents in a small group under any grouping."""
    wide = answered.merge(groupings, on="respondent_id", how="inner")
    ok = pd.Series(True, index=wide.index)
    for col in groupings.columns:
        if col == "respondent_id":
            continue
        key = wide[col].astype(object).where(wide[col].notna(), NO_GROUP).astype(str)
        ok &= key.map(key.value_counts()) >= PRIVACY_THRESHOLD
    allowed_ids = set(wide.respondent_id[ok])
    out = rows.copy()
    out["allowed"] = out["allowed"].astype(bool) & out["respondent_id"].isin(allowed_ids)
    return out
