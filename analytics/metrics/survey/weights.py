"""Who answered and how much each counts: the respondent frame (linked applications, filters)
and weights raked to target margins, optionally trimmed, from design weights if given."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics import stats
from analytics.domain import (
    DIMENSIONS,
    Filters,
)
from analytics.metrics.survey.catalogue import (
    BASE_BANNERS,
    MISSING_LEVEL,
    SurveyAnalysisError,
)
from analytics.stats.weights import RakingError, rake, trim_weights


def respondent_frame(
    cur: duckdb.DuckDBPyConnection,
    survey_id: str,
    filters: Filters,
    question_ids: tuple[str, ...] = (),
    numeric_ids: tuple[str, ...] = (),
) -> pd.DataFrame:
    """One row per respondent: respondent_id, stored weight, pipeline, the application's
    role family / seniority / region / source, the answer text of each of ``question_ids``
    (column ``q:<id>``) and the number of each of ``numeric_ids`` (column ``n:<id>``, e.g. a
    design-weight column of the file). With active sidebar filters only respondents linked to a
    matching application remain (unlinked respondents cannot be filtered)."""
    where, params = filters.where("a")
    params = {**params, "survey_id": survey_id, "filtered": not filters.is_default()}
    dims = ", ".join(f"a.{d}" for d in DIMENSIONS)
    frame = cur.execute(
        f"""
        SELECT r.respondent_id, r.weight AS stored_weight,
               COALESCE(r.pipeline, a.pipeline) AS pipeline, {dims}
        FROM survey_respondents AS r
        LEFT JOIN applications AS a ON a.application_id = r.application_id
        WHERE r.survey_id = $survey_id
          AND (NOT $filtered OR (a.application_id IS NOT NULL AND {where}))
        ORDER BY r.respondent_id
        """,
        params,
    ).df()
    if not question_ids and not numeric_ids:
        return frame
    # The answers come back in long form and are pivoted in pandas: the SQL text is the same
    # whatever the number of questions. (A pivot with one SQL column per question grew with the
    # survey; with 8,192 questions DuckDB died with SIGFPE and took the server with it.)
    long = cur.execute(
        """
        SELECT s.respondent_id, s.question_id, s.value_text, s.value_num
        FROM survey_answers AS s
        WHERE s.survey_id = $survey_id AND s.question_id = ANY($qids)
        """,
        {"survey_id": survey_id, "qids": list(dict.fromkeys((*question_ids, *numeric_ids)))},
    ).df()
    wide: dict[str, pd.Series] = {}
    for prefix, ids, value in (("q", question_ids, "value_text"), ("n", numeric_ids, "value_num")):
        if not ids:
            continue
        part = long[long.question_id.isin(ids)]
        # MAX per respondent and question, as the SQL pivot did (one answer row per respondent
        # and question for single answers; multi-answer rows keep their largest value).
        table = part.groupby(["respondent_id", "question_id"])[value].max().unstack()
        for qid in ids:
            column = table[qid] if qid in table.columns else pd.Series(dtype=object)
            wide[f"{prefix}:{qid}"] = frame.respondent_id.map(column)
    return pd.concat([frame, pd.DataFrame(wide, index=frame.index)], axis=1)


@dataclass(frozen=True)
class WeightSpec:
    """Raking targets ``((column, ((level, share), ...)), ...)`` and optional trimming bounds
    (relative to the mean weight). Hashable, so it can key a cache."""

    targets: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    trim: tuple[float, float] | None = None
    base: str | None = None  # a column of design weights to start from (``n:<id>``)


@dataclass(frozen=True)
class WeightResult:
    weights: pd.Series  # indexed by respondent_id, mean 1
    n: int
    n_eff: float
    design_effect: float
    min_weight: float
    max_weight: float
    achieved: pd.DataFrame  # column, level, target, sample share, weighted share


def sample_shares(frame: pd.DataFrame, column: str) -> pd.Series:
    """Share of each level of ``column`` among respondents (missing as its own level)."""
    values = frame[column].astype(object).where(frame[column].notna(), MISSING_LEVEL)
    return values.value_counts(normalize=True, sort=False).sort_index()


def compute_weights(frame: pd.DataFrame, spec: WeightSpec) -> WeightResult:
    """Rake the respondents to the targets (``weighting.rake``), trimming if asked.

    Missing values form the level ``(missing)``, which needs a target like any other level.
    Raises SurveyAnalysisError with the raking problem in words.
    """
    base = None
    if spec.base is not None:
        if spec.base not in frame:
            raise SurveyAnalysisError(f"design weight column {spec.base!r} is not in the survey")
        base = frame[spec.base].to_numpy(dtype=float)
        bad = ~np.isfinite(base) | (base <= 0)
        if bad.any():
            raise SurveyAnalysisError(
                f"{int(bad.sum())} respondent(s) have no positive design weight in "
                f"{spec.base[2:]!r} (first: {frame.respondent_id.to_numpy()[bad][0]!r}); "
                "fill them in the file or choose no design weights"
            )
    if not spec.targets:
        if base is None:
            raise SurveyAnalysisError("no target margins given")
        w = pd.Series(base / base.mean(), index=frame.respondent_id.to_numpy(), name="weight")
        if spec.trim is not None:
            try:
                w = pd.Series(trim_weights(w.to_numpy(), spec.trim), index=w.index, name="weight")
            except ValueError as e:
                raise SurveyAnalysisError(str(e)) from e
            w = w / float(w.mean())
        return _weight_result(
            w, pd.DataFrame(columns=["column", "level", "target", "sample", "weighted"])
        )
    data = pd.DataFrame(index=frame.respondent_id.to_numpy())
    targets: dict[str, dict[str, float]] = {}
    for column, levels in spec.targets:
        if column not in frame:
            raise SurveyAnalysisError(f"weighting variable {column!r} is not in the survey")
        values = frame[column].astype(object).where(frame[column].notna(), MISSING_LEVEL)
        data[column] = values.astype(str).to_numpy()
        targets[column] = {str(level): float(share) for level, share in levels}
    try:
        w = rake(data, targets, bounds=spec.trim, max_iter=200, base_weights=base)
    except RakingError as e:
        raise SurveyAnalysisError(str(e)) from e
    achieved = []
    for column, levels in targets.items():
        total = sum(levels.values()) or 1.0
        sample = data[column].value_counts(normalize=True)
        weighted = w.groupby(data[column]).sum() / float(w.sum())
        for level, share in levels.items():
            achieved.append(
                {
                    "column": column,
                    "level": level,
                    "target": share / total,
                    "sample": float(sample.get(level, 0.0)),
                    "weighted": float(weighted.get(level, 0.0)),
                }
            )
    return _weight_result(w, pd.DataFrame(achieved))


def _weight_result(w: pd.Series, achieved: pd.DataFrame) -> WeightResult:
    return WeightResult(
        weights=w,
        n=len(w),
        n_eff=stats.kish_effective_n(w.to_numpy()),
        design_effect=stats.design_effect(w.to_numpy()),
        min_weight=float(w.min()),
        max_weight=float(w.max()),
        achieved=achieved,
    )


def application_shares(cur: duckdb.DuckDBPyConnection, column: str, filters: Filters) -> pd.Series:
    """Population shares of ``column`` (pipeline or a filter dimension) in the applications table,
    aggregated in SQL (the table itself never leaves DuckDB)."""
    if column not in BASE_BANNERS:
        raise SurveyAnalysisError(f"{column!r} is not a column of the applications")
    where, params = filters.where("a")
    rows = cur.execute(
        f"""
        SELECT a.{column} AS level, COUNT(*) AS n
        FROM applications AS a
        WHERE {where} AND a.{column} IS NOT NULL
        GROUP BY ALL
        ORDER BY level
        """,
        params,
    ).fetchall()
    total = sum(n for _, n in rows)
    if total == 0:
        return pd.Series(dtype=float)
    return pd.Series({str(level): n / total for level, n in rows})


def population_targets(sample: pd.Series, population: pd.Series) -> pd.Series:
    """Targets from population shares for the levels the population knows; levels only the sample
    has (e.g. ``(missing)`` for respondents without an application) keep their sample share and
    the known levels share the rest in population proportions. Population levels without any
    respondent are left out (nobody can be weighted up to them) and the others rescaled."""
    unknown = [lvl for lvl in sample.index if lvl not in population.index]
    rest = 1.0 - float(sample[unknown].sum()) if unknown else 1.0
    # Levels no respondent has cannot be weighted up: the others share their population part.
    known = population[[lvl for lvl in population.index if lvl in sample.index]]
    if known.sum() > 0:
        known = known / float(known.sum())
    out = {lvl: float(known[lvl]) * rest for lvl in known.index}
    for lvl in unknown:
        out[lvl] = float(sample[lvl])
    return pd.Series(out)
