"""Survey analysis: per-question summaries and the banner table (any question by any grouping),
weighted or not.

Why this shape: the answers stay in DuckDB (long form, ``survey_answers``); Python holds only a
respondent-level frame (a few thousand rows: group and weight per respondent) and small count
tables. The respondent frame is registered on the caller's cursor and every count is a SQL
``GROUP BY`` of (answer x group) with the unweighted n, the sum of weights and the sum of squared
weights, so every weighted statistic can use the Kish (1965) effective n of its own cell margin:
n_eff = (sum w)^2 / sum w^2. Without weights every w is 1 and n_eff = n, so the same code gives
the classical unweighted answers.

Which tests use the effective n (said on the page too):
- proportions (top-2-box, column percentages): Wilson interval with n = n_eff of the column;
- chi-square and Cramér's V: the weighted table rescaled to the overall n_eff (a first-order
  design-effect correction, X^2 / deff; Kish 1965, Rao & Scott 1981 use the same idea);
- column letters: the z-test of column proportions with each column's n_eff;
- means: t interval with the weighted variance and n_eff; NPS: Rocks (2016) interval with n_eff;
- ordinal items: Brunner-Munzel on the weighted category counts rescaled to each group's n_eff
  (Mann-Whitney needs whole counts and is given only without weights).

Groups (banner columns) whose unweighted n is below ``PRIVACY_THRESHOLD`` are suppressed: their
numbers are not returned to the page and they take no part in any test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations

import duckdb
import numpy as np
import pandas as pd
from scipy import stats as sps

from analytics import stats
from analytics.domain import DIMENSIONS, PRIVACY_THRESHOLD, AivshiError, Filters
from analytics.stats.weights import RakingError, rake, trim_weights

TOTAL = "__total__"
NO_GROUP = "__none__"
MISSING_LEVEL = "(missing)"
CATEGORICAL = ("likert", "binary", "nps", "single", "multi")
ORDINAL = ("likert", "nps", "numeric")
BANNER_KINDS = ("likert", "binary", "single")
BASE_BANNERS = ("pipeline", *DIMENSIONS)
PIPELINE_ORDER = ("human_first", "automation_first")
Z95 = float(sps.norm.ppf(0.975))


class SurveyAnalysisError(AivshiError, ValueError):
    """A survey, question or weighting setting that cannot be analysed (message says why)."""


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionInfo:
    question_id: str
    text: str
    kind: str
    labels: tuple[str, ...]


def list_surveys(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(
        """
        SELECT survey_id, name, n_respondents
        FROM surveys
        ORDER BY created_at, survey_id
        """
    ).df()


def questions(cur: duckdb.DuckDBPyConnection, survey_id: str) -> list[QuestionInfo]:
    rows = cur.execute(
        """
        SELECT question_id, text, kind, labels
        FROM survey_questions
        WHERE survey_id = ?
        ORDER BY position
        """,
        [survey_id],
    ).fetchall()
    return [QuestionInfo(r[0], r[1], r[2], tuple(r[3] or ())) for r in rows]


def question(cur: duckdb.DuckDBPyConnection, survey_id: str, question_id: str) -> QuestionInfo:
    for q in questions(cur, survey_id):
        if q.question_id == question_id:
            return q
    raise SurveyAnalysisError(f"question {question_id!r} is not in survey {survey_id!r}")


# ---------------------------------------------------------------------------------------------
# Respondents and weights
# ---------------------------------------------------------------------------------------------


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
    pivots = []
    for i, qid in enumerate(question_ids):
        params[f"q{i}"] = qid
        pivots.append(f', MAX(CASE WHEN s.question_id = $q{i} THEN s.value_text END) AS "q:{i}"')
    for i, qid in enumerate(numeric_ids):
        params[f"n{i}"] = qid
        pivots.append(f', MAX(CASE WHEN s.question_id = $n{i} THEN s.value_num END) AS "n:{i}"')
    question_ids_all = (*question_ids, *numeric_ids)
    pivot_sql = ""
    if pivots:
        pivot_sql = f"""
        LEFT JOIN (
            SELECT s.respondent_id {"".join(pivots)}
            FROM survey_answers AS s
            WHERE s.survey_id = $survey_id AND s.question_id = ANY($qids)
            GROUP BY s.respondent_id
        ) AS q USING (respondent_id)"""
        params["qids"] = list(question_ids_all)
    dims = ", ".join(f"a.{d}" for d in DIMENSIONS)
    frame = cur.execute(
        f"""
        SELECT r.respondent_id, r.weight AS stored_weight,
               COALESCE(r.pipeline, a.pipeline) AS pipeline, {dims}
               {", q.* EXCLUDE (respondent_id)" if pivots else ""}
        FROM survey_respondents AS r
        LEFT JOIN applications AS a ON a.application_id = r.application_id
        {pivot_sql}
        WHERE r.survey_id = $survey_id
          AND (NOT $filtered OR (a.application_id IS NOT NULL AND {where}))
        ORDER BY r.respondent_id
        """,
        params,
    ).df()
    renames = {f"q:{i}": f"q:{qid}" for i, qid in enumerate(question_ids)}
    renames.update({f"n:{i}": f"n:{qid}" for i, qid in enumerate(numeric_ids)})
    return frame.rename(columns=renames)


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


# ---------------------------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------------------------


def group_frame(
    frame: pd.DataFrame, banner: str, weights: pd.Series | None, order: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, list[str]]:
    """The (respondent_id, grp, w) frame registered for the SQL counts, and the group order.

    ``banner`` is ``pipeline``, a filter dimension or ``q:<question_id>``; respondents without a
    value are in no group column but count in the total.
    """
    if banner not in frame:
        raise SurveyAnalysisError(f"grouping {banner!r} is not available for this survey")
    grp = frame[banner].astype(object).where(frame[banner].notna(), NO_GROUP).astype(str)
    if weights is None:
        w = np.ones(len(frame))
    else:
        w = weights.reindex(frame.respondent_id.to_numpy()).to_numpy(dtype=float)
        if np.isnan(w).any():
            raise SurveyAnalysisError("weights do not cover every respondent")
    present = [g for g in pd.unique(grp) if g != NO_GROUP]
    preferred = list(order) if order else list(PIPELINE_ORDER) if banner == "pipeline" else []
    groups = [g for g in preferred if g in present] + sorted(
        g for g in present if g not in preferred
    )
    return pd.DataFrame(
        {"respondent_id": frame.respondent_id.to_numpy(), "grp": grp, "w": w}
    ), groups


def _counts(
    cur: duckdb.DuckDBPyConnection, survey_id: str, q: QuestionInfo, groups: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answer x group) counts and per-group totals of respondents who answered."""
    name = "survey_groups_frame"
    cur.register(name, groups)
    try:
        if q.kind == "multi":
            value_sql = "UNNEST(string_split(s.value_text, '; '))"
        else:
            value_sql = "s.value_text"
        cells = cur.execute(
            f"""
            SELECT g.grp, v.value, MIN(v.value_num) AS value_num,
                   COUNT(*) AS n, SUM(g.w) AS w, SUM(g.w * g.w) AS w2
            FROM (
                SELECT s.respondent_id, s.value_num, {value_sql} AS value
                FROM survey_answers AS s
                WHERE s.survey_id = ? AND s.question_id = ?
                  AND (s.value_text IS NOT NULL OR s.value_num IS NOT NULL)
            ) AS v
            JOIN {name} AS g USING (respondent_id)
            GROUP BY g.grp, v.value
            """,
            [survey_id, q.question_id],
        ).df()
        totals = cur.execute(
            f"""
            SELECT g.grp, COUNT(*) AS n, SUM(g.w) AS w, SUM(g.w * g.w) AS w2,
                   SUM(g.w * s.value_num) AS wx, SUM(g.w * s.value_num * s.value_num) AS wx2,
                   COUNT(s.value_num) AS n_num
            FROM survey_answers AS s
            JOIN {name} AS g USING (respondent_id)
            WHERE s.survey_id = ? AND s.question_id = ?
              AND (s.value_text IS NOT NULL OR s.value_num IS NOT NULL)
            GROUP BY g.grp
            """,
            [survey_id, q.question_id],
        ).df()
    finally:
        cur.unregister(name)
    return cells, totals


# ---------------------------------------------------------------------------------------------
# Statistics on small count tables
# ---------------------------------------------------------------------------------------------


def kish(w: float, w2: float) -> float:
    """Kish effective n from the sum of weights and the sum of squared weights."""
    return (w * w / w2) if w2 > 0 else 0.0


def proportion_interval(share: float, n_eff: float) -> stats.Interval:
    """Wilson interval for a (weighted) share with n = n_eff (Kish 1965; stats module's
    effective-n path, the same as ``stats.weighted_proportion_ci``)."""
    if n_eff <= 0 or not math.isfinite(share):
        return stats.Interval(0.0, 1.0)
    return stats._proportion_ci_float(share * n_eff, n_eff, 0.95, "wilson")


def mean_interval(w: float, wx: float, wx2: float, n_eff: float) -> tuple[float, stats.Interval]:
    """Weighted mean with a t interval: variance sum w (x - m)^2 / sum w with the n_eff/(n_eff-1)
    correction, se = sd / sqrt(n_eff) (unweighted: the usual s / sqrt(n))."""
    if w <= 0:
        return math.nan, stats.Interval(math.nan, math.nan)
    mean = wx / w
    if n_eff <= 1:
        return mean, stats.Interval(math.nan, math.nan)
    var = max(wx2 / w - mean * mean, 0.0) * n_eff / (n_eff - 1.0)
    half = float(sps.t.ppf(0.975, n_eff - 1.0)) * math.sqrt(var / n_eff)
    return mean, stats.Interval(mean - half, mean + half)


def nps_from_shares(promoters: float, detractors: float, n_eff: float) -> stats.NpsResult:
    """NPS and its interval from (weighted) shares and n_eff: the formula of ``stats.nps``
    (Rocks 2016), which needs respondent-level scores; the page has only the counts."""
    score = 100.0 * (promoters - detractors)
    if n_eff <= 0:
        return stats.NpsResult(
            math.nan, math.nan, stats.Interval(-100.0, 100.0), 0.0, *[math.nan] * 3
        )
    se = 100.0 * math.sqrt(max(promoters + detractors - (promoters - detractors) ** 2, 0.0) / n_eff)
    half = Z95 * se
    return stats.NpsResult(
        nps=score,
        se=se,
        ci=stats.Interval(max(score - half, -100.0), min(score + half, 100.0)),
        n=n_eff,
        promoters=promoters,
        passives=max(1.0 - promoters - detractors, 0.0),
        detractors=detractors,
    )


def margin_of_error(n_eff: float) -> float:
    """Largest 95% margin of error of a share (at 50%), 1.96 sqrt(0.25 / n_eff)."""
    return Z95 * math.sqrt(0.25 / n_eff) if n_eff > 0 else math.nan


def holm_letters(shares: np.ndarray, col_n: np.ndarray) -> np.ndarray:
    """Column-comparison letters with Holm-adjusted p-values, lowercase / CAPITALS.

    The test per pair of columns is the pooled two-proportion z-test of ``stats.column_letters``
    (IBM SPSS CTABLES "comparing column proportions"), on shares and column n (the n_eff with
    weights). Within each row the p-values of all pairs are Holm-adjusted (Holm 1979; the
    Bonferroni of ``column_letters`` is replaced by the uniformly more powerful Holm). A cell
    carries the letter of each column it is higher than: lowercase when the adjusted p < 0.05,
    CAPITAL when < 0.01 (the Displayr / Q convention). Columns with n = 0 are not compared.
    """
    shares = np.asarray(shares, dtype=float)
    col_n = np.asarray(col_n, dtype=float)
    n_rows, n_cols = shares.shape
    letters = np.full(shares.shape, "", dtype=object)
    used = [j for j in range(n_cols) if col_n[j] > 0]
    pairs = list(combinations(used, 2))
    if not pairs:
        return letters
    for i in range(n_rows):
        pvals = np.full(len(pairs), np.nan)
        for k, (a, b) in enumerate(pairs):
            pooled = (shares[i, a] * col_n[a] + shares[i, b] * col_n[b]) / (col_n[a] + col_n[b])
            var = pooled * (1.0 - pooled) * (1.0 / col_n[a] + 1.0 / col_n[b])
            if var > 0 and math.isfinite(var):
                z = (shares[i, a] - shares[i, b]) / math.sqrt(var)
                pvals[k] = 2.0 * float(sps.norm.sf(abs(z)))
        adjusted = stats.adjust_pvalues(pvals, "holm")
        cells: list[list[str]] = [[] for _ in range(n_cols)]
        for k, (a, b) in enumerate(pairs):
            p = adjusted[k]
            if not (p < 0.05):
                continue
            winner, loser = (a, b) if shares[i, a] > shares[i, b] else (b, a)
            letter = stats._column_label(loser)
            cells[winner].append(letter if p < 0.01 else letter.lower())
        for j in range(n_cols):
            letters[i, j] = "".join(sorted(cells[j], key=str.upper))
    return letters


@dataclass(frozen=True)
class GroupedBM:
    """Brunner-Munzel on grouped ordinal counts (x vs y); ``prob_superiority`` = P(X>Y)+P(X=Y)/2."""

    statistic: float
    df: float
    p_value: float
    prob_superiority: float
    prob_superiority_ci: stats.Interval


def brunner_munzel_counts(x_counts: np.ndarray, y_counts: np.ndarray) -> GroupedBM:
    """Brunner & Munzel (2000) test from counts per ordered category (counts may be non-integer:
    weighted counts rescaled to n_eff).

    With whole counts this is exactly ``scipy.stats.brunnermunzel`` on the expanded samples
    (tests check it), written with category midranks: overall midrank R_c, within-sample
    midranks, placement variances S_x^2, S_y^2, W = n_x n_y (mean R_y - mean R_x) /
    ((n_x + n_y) sqrt(n_x S_x^2 + n_y S_y^2)), Satterthwaite df, two-sided t p-value. The sign
    follows ``stats.rank_compare`` (positive when x tends to be larger), i.e. minus scipy's.
    P(X>Y) interval: Brunner-Munzel's, p +/- t sqrt(S_x^2/(n_x n_y^2) + S_y^2/(n_y n_x^2)) ... in
    its placement form, clipped to [0, 1].
    """
    a = np.asarray(x_counts, dtype=float)
    b = np.asarray(y_counts, dtype=float)
    n1, n2 = float(a.sum()), float(b.sum())
    t_c = a + b
    nan = GroupedBM(math.nan, math.nan, math.nan, math.nan, stats.Interval(0.0, 1.0))
    if n1 <= 1 or n2 <= 1:
        return nan
    before = np.concatenate([[0.0], np.cumsum(t_c)[:-1]])
    rank = before + (t_c + 1.0) / 2.0
    rank_x = np.concatenate([[0.0], np.cumsum(a)[:-1]]) + (a + 1.0) / 2.0
    rank_y = np.concatenate([[0.0], np.cumsum(b)[:-1]]) + (b + 1.0) / 2.0
    mean_x = float((a * rank).sum() / n1)
    mean_y = float((b * rank).sum() / n2)
    sx = float((a * (rank - rank_x - mean_x + (n1 + 1.0) / 2.0) ** 2).sum() / (n1 - 1.0))
    sy = float((b * (rank - rank_y - mean_y + (n2 + 1.0) / 2.0) ** 2).sum() / (n2 - 1.0))
    # P(X > Y) + P(X = Y)/2 from the shares (scale-free, so weights need no rescaling here)
    px, py = a / n1, b / n2
    below_y = np.concatenate([[0.0], np.cumsum(py)[:-1]])
    prob = float((px * (below_y + 0.5 * py)).sum())
    denom = n1 * sx + n2 * sy
    if denom <= 0:
        return GroupedBM(math.nan, math.nan, math.nan, prob, stats.Interval(0.0, 1.0))
    w = n1 * n2 * (mean_y - mean_x) / ((n1 + n2) * math.sqrt(denom))
    df = denom**2 / ((n1 * sx) ** 2 / (n1 - 1.0) + (n2 * sy) ** 2 / (n2 - 1.0))
    p = float(2.0 * sps.t.sf(abs(w), df))
    # Variance of the estimated P: (n1 S_x^2 + n2 S_y^2) / (n1 n2)^2 * ... Brunner & Munzel (2000)
    # eq. 4.4: sigma^2 = S_x^2 / (n1 n2^2) + S_y^2 / (n2 n1^2) in rank units -> shares.
    se = math.sqrt(sx / (n1 * n2 * n2) + sy / (n2 * n1 * n1))
    half = float(sps.t.ppf(0.975, df)) * se
    ci = stats.Interval(max(prob - half, 0.0), min(prob + half, 1.0))
    return GroupedBM(statistic=-w, df=df, p_value=p, prob_superiority=prob, prob_superiority_ci=ci)


# ---------------------------------------------------------------------------------------------
# The banner table
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSummary:
    """One banner column: its size and the question's summary numbers (weighted if weights)."""

    key: str
    n: int
    n_eff: float
    suppressed: bool
    top_box: float = math.nan
    top_box_ci: stats.Interval = stats.Interval(math.nan, math.nan)
    mean: float = math.nan
    mean_ci: stats.Interval = stats.Interval(math.nan, math.nan)
    nps: stats.NpsResult | None = None
    moe: float = math.nan


@dataclass(frozen=True)
class RankPair:
    x: str
    y: str
    prob_superiority: float
    prob_superiority_ci: stats.Interval
    brunner_munzel_p: float
    brunner_munzel_p_holm: float
    mann_whitney_p: float  # NaN with weights (needs whole counts)


@dataclass(frozen=True)
class Banner:
    question: QuestionInfo
    banner: str
    weighted: bool
    columns: list[str]  # TOTAL first, then the groups (suppressed included, flagged)
    summaries: dict[str, ColumnSummary]
    categories: list[str]
    shares: pd.DataFrame  # categories x shown columns (weighted column shares)
    counts: pd.DataFrame  # categories x shown columns (unweighted counts)
    letters: pd.DataFrame  # categories x shown group columns
    letter_of: dict[str, str]  # group -> column letter
    test: stats.CrosstabResult | None
    rank_pairs: list[RankPair] = field(default_factory=list)
    top_box_label: str = ""

    @property
    def shown_groups(self) -> list[str]:
        return [c for c in self.columns if c != TOTAL and not self.summaries[c].suppressed]

    @property
    def suppressed_groups(self) -> list[str]:
        return [c for c in self.columns if c != TOTAL and self.summaries[c].suppressed]


def _category_order(q: QuestionInfo, cells: pd.DataFrame) -> list[str]:
    if q.kind in ("nps", "numeric"):
        nums = cells.dropna(subset=["value_num"]).sort_values("value_num")
        return list(dict.fromkeys(nums.value.astype(str)))
    present = list(dict.fromkeys(cells.value.dropna().astype(str)))
    ordered = [lab for lab in q.labels if lab in present]
    return ordered + sorted(v for v in present if v not in ordered)


def banner_table(
    cur: duckdb.DuckDBPyConnection,
    survey_id: str,
    q: QuestionInfo,
    groups: pd.DataFrame,
    group_order: list[str],
    *,
    banner: str = "pipeline",
    weighted: bool = False,
) -> Banner:
    """Question ``q`` by the groups of ``groups`` (see ``group_frame``): column shares, n and
    n_eff per column, chi-square and Cramér's V, Holm letters, summaries, rank tests."""
    if q.kind == "text":
        raise SurveyAnalysisError("free-text questions have no banner table; see the comments list")
    cells, totals = _counts(cur, survey_id, q, groups)
    cells["value"] = cells.value.astype(str)
    tot = totals.set_index("grp")
    all_tot = tot.sum(numeric_only=True)
    columns = [TOTAL, *group_order]

    def margin(key: str) -> pd.Series:
        if key == TOTAL:
            return all_tot
        if key in tot.index:
            return tot.loc[key]
        return pd.Series({"n": 0, "w": 0.0, "w2": 0.0, "wx": 0.0, "wx2": 0.0, "n_num": 0})

    categories = [] if q.kind == "numeric" else _category_order(q, cells)
    w_tab = cells.pivot_table(index="value", columns="grp", values="w", aggfunc="sum", fill_value=0)
    n_tab = cells.pivot_table(index="value", columns="grp", values="n", aggfunc="sum", fill_value=0)
    w_tab[TOTAL] = w_tab.sum(axis=1)
    n_tab[TOTAL] = n_tab.sum(axis=1)
    # every observed value (numeric questions have no categories) for the rank tests
    w_all = w_tab.reindex(columns=columns, fill_value=0.0)
    n_all = n_tab.reindex(columns=columns, fill_value=0)
    w_tab = w_tab.reindex(index=categories, columns=columns, fill_value=0.0)
    n_tab = n_tab.reindex(index=categories, columns=columns, fill_value=0)

    value_num = cells.groupby("value").value_num.min()
    summaries: dict[str, ColumnSummary] = {}
    shares = pd.DataFrame(index=categories)
    top_label = ""
    for key in columns:
        m = margin(key)
        n = int(m["n"])
        n_eff = kish(float(m["w"]), float(m["w2"]))
        if n < PRIVACY_THRESHOLD:
            summaries[key] = ColumnSummary(key=key, n=n, n_eff=n_eff, suppressed=True)
            continue
        col_share = w_tab[key] / float(m["w"]) if m["w"] > 0 else w_tab[key] * 0.0
        shares[key] = col_share
        extra: dict[str, object] = {"moe": margin_of_error(n_eff)}
        if q.kind in ("likert", "binary"):
            top = _top_categories(q, categories)
            top_label = " + ".join(top)
            share = float(col_share.reindex(top).sum())
            extra.update(top_box=share, top_box_ci=proportion_interval(share, n_eff))
        if q.kind in ("likert", "nps", "numeric", "binary") and m["n_num"] > 0:
            mean, ci = mean_interval(float(m["w"]), float(m["wx"]), float(m["wx2"]), n_eff)
            extra.update(mean=mean, mean_ci=ci)
        if q.kind == "nps":
            nums = value_num.reindex(categories).to_numpy(dtype=float)
            promoters = float(col_share.to_numpy()[nums >= 9].sum())
            detractors = float(col_share.to_numpy()[nums <= 6].sum())
            extra["nps"] = nps_from_shares(promoters, detractors, n_eff)
        summaries[key] = ColumnSummary(key=key, n=n, n_eff=n_eff, suppressed=False, **extra)

    shown_cols = [c for c in columns if not summaries[c].suppressed]
    shown_groups = [c for c in shown_cols if c != TOTAL]
    letter_of = {g: stats._column_label(i) for i, g in enumerate(shown_groups)}
    counts = n_tab[shown_cols].copy()

    test = None
    letters = pd.DataFrame(index=categories, columns=shown_groups, dtype=object)
    if shown_groups and categories:
        col_n = np.array([summaries[g].n_eff for g in shown_groups])
        letters = pd.DataFrame(
            holm_letters(shares[shown_groups].to_numpy(dtype=float), col_n),
            index=categories,
            columns=shown_groups,
        )
        if q.kind != "multi" and len(shown_groups) >= 2:
            # Weighted table rescaled to the overall effective n of these groups (design effect).
            sub = w_tab[shown_groups]
            w_sum = float(sum(margin(g)["w"] for g in shown_groups))
            w2_sum = float(sum(margin(g)["w2"] for g in shown_groups))
            scaled = sub.to_numpy(dtype=float) * (kish(w_sum, w2_sum) / w_sum)
            test = stats.crosstab_test(scaled)

    rank_pairs = _rank_pairs(q, w_all, n_all, shown_groups, summaries, value_num, weighted)
    return Banner(
        question=q,
        banner=banner,
        weighted=weighted,
        columns=columns,
        summaries=summaries,
        categories=categories,
        shares=shares,
        counts=counts,
        letters=letters,
        letter_of=letter_of,
        test=test,
        rank_pairs=rank_pairs,
        top_box_label=top_label,
    )


def _top_categories(q: QuestionInfo, categories: list[str]) -> list[str]:
    if q.kind == "binary":
        order = list(q.labels) or categories
        return [order[-1]] if order else []
    order = list(q.labels) or categories
    return order[-2:]


def _rank_pairs(
    q: QuestionInfo,
    w_tab: pd.DataFrame,
    n_tab: pd.DataFrame,
    groups: list[str],
    summaries: dict[str, ColumnSummary],
    value_num: pd.Series,
    weighted: bool,
) -> list[RankPair]:
    if q.kind not in ORDINAL or len(groups) < 2:
        return []
    nums_of = value_num.reindex(w_tab.index).dropna()
    # one row per distinct number (texts "3" and "3.0" are the same value), ascending
    w_by = w_tab.loc[nums_of.index].groupby(nums_of.to_numpy()).sum().sort_index()
    n_by = n_tab.loc[nums_of.index].groupby(nums_of.to_numpy()).sum().sort_index()
    nums = w_by.index.to_numpy(dtype=float)
    raw = []
    for x, y in combinations(groups, 2):
        if weighted:
            wx = w_by[x].to_numpy(dtype=float)
            wy = w_by[y].to_numpy(dtype=float)
            bm = brunner_munzel_counts(
                wx / wx.sum() * summaries[x].n_eff, wy / wy.sum() * summaries[y].n_eff
            )
            raw.append((x, y, bm.prob_superiority, bm.prob_superiority_ci, bm.p_value, math.nan))
        else:
            xs = np.repeat(nums, n_by[x].to_numpy(dtype=int))
            ys = np.repeat(nums, n_by[y].to_numpy(dtype=int))
            rc = stats.rank_compare(xs, ys)
            raw.append(
                (
                    x,
                    y,
                    rc.prob_superiority,
                    rc.prob_superiority_ci,
                    rc.brunner_munzel_p_value,
                    rc.p_value,
                )
            )
    holm = stats.adjust_pvalues([r[4] for r in raw], "holm")
    return [
        RankPair(x, y, ps, ci, p, float(ph), mw)
        for (x, y, ps, ci, p, mw), ph in zip(raw, holm, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# Free text
# ---------------------------------------------------------------------------------------------


def free_text(
    cur: duckdb.DuckDBPyConnection,
    survey_id: str,
    question_id: str,
    groups: pd.DataFrame,
    *,
    search: str = "",
    limit: int | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Non-empty answers of a text question with the respondent's group, filtered by ``search``
    (case-insensitive substring, bound as a parameter). Answers of groups with fewer than
    ``PRIVACY_THRESHOLD`` answering respondents are left out (returned as the second item).
    Respondents without a group appear with group ``NO_GROUP`` only when that group is big enough.
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
            SELECT a.grp, a.answer, s.n >= $k AS allowed
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
    finally:
        cur.unregister(name)
    kept = rows[rows.allowed.astype(bool)].drop(columns="allowed").reset_index(drop=True)
    return kept, sorted(h[0] for h in hidden)


# ---------------------------------------------------------------------------------------------
# All questions at a glance
# ---------------------------------------------------------------------------------------------

HEADLINE_KINDS = ("likert", "binary", "nps", "numeric")


@dataclass(frozen=True)
class HeadlineRow:
    """One question's headline number per shown column and its overall test."""

    question: QuestionInfo
    metric: str  # "top_box" | "nps" | "mean"
    values: dict[str, float]  # column -> value (NaN when suppressed)
    test: str  # "brunner-munzel" | "chi-square" | "none"
    p_value: float
    p_holm: float
    verdict: str  # "clear" | "none" | "too_few"


def headline_rows(banners: list[Banner]) -> list[HeadlineRow]:
    """The headline of every scale, yes/no, NPS and numeric question (top-2-box, NPS or mean per
    column) with the smallest Holm-adjusted Brunner-Munzel p over group pairs (scales, NPS,
    numbers) or the chi-square p (yes/no); the p-values are Holm-adjusted once more over the
    questions, because reading many questions at once is many comparisons (DESIGN.md)."""
    raw = []
    for b in banners:
        q = b.question
        if q.kind not in HEADLINE_KINDS:
            continue
        metric = {"likert": "top_box", "binary": "top_box", "nps": "nps"}.get(q.kind, "mean")
        values: dict[str, float] = {}
        for c in b.columns:
            s = b.summaries[c]
            if s.suppressed:
                values[c] = math.nan
            elif metric == "top_box":
                values[c] = s.top_box
            elif metric == "nps":
                values[c] = s.nps.nps if s.nps is not None else math.nan
            else:
                values[c] = s.mean
        if len(b.shown_groups) < 2:
            test, p = "none", math.nan
        elif q.kind == "binary" and b.test is not None:
            test, p = "chi-square", b.test.p_value
        elif b.rank_pairs:
            test, p = "brunner-munzel", min(r.brunner_munzel_p_holm for r in b.rank_pairs)
        else:
            test, p = "none", math.nan
        raw.append((q, metric, values, test, p))
    holm = stats.adjust_pvalues([r[4] for r in raw], "holm") if raw else []
    rows = []
    for (q, metric, values, test, p), ph in zip(raw, holm, strict=True):
        if not math.isfinite(ph):
            verdict = "too_few"
        else:
            verdict = "clear" if ph < 0.05 else "none"
        rows.append(HeadlineRow(q, metric, values, test, p, float(ph), verdict))
    return rows
