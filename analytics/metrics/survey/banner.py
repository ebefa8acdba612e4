"""The banner table: one question by any grouping (pipeline, a filter dimension or another
question), weighted or not: column shares with intervals, n and n_eff, chi-square and Cramér's
V, Holm column letters, per-column summaries (top-2-box, mean, NPS) and pairwise rank tests."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations

import duckdb
import numpy as np
import pandas as pd

from analytics import stats
from analytics.domain import PRIVACY_THRESHOLD, ordered_pipelines
from analytics.metrics.survey.catalogue import (
    NO_GROUP,
    ORDINAL,
    TOTAL,
    QuestionInfo,
    SurveyAnalysisError,
)
from analytics.privacy import is_small
from analytics.stats.effective_n import (
    kish,
    margin_of_error,
    mean_interval,
    nps_from_shares,
    proportion_interval,
)
from analytics.stats.letters import holm_letters
from analytics.stats.ranks import brunner_munzel_counts


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
    if not order and banner == "pipeline":
        groups = list(ordered_pipelines(present))  # the one fixed pipeline order (domain)
    else:
        preferred = list(order)
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
    # 95% Wilson interval of each share in ``shares`` (n = the column's n_eff), so the charts
    # draw the intervals without computing them.
    shares_low: pd.DataFrame = field(default_factory=pd.DataFrame)
    shares_high: pd.DataFrame = field(default_factory=pd.DataFrame)

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


_EMPTY_MARGIN = pd.Series({"n": 0, "w": 0.0, "w2": 0.0, "wx": 0.0, "wx2": 0.0, "n_num": 0})


def _margins(totals: pd.DataFrame, columns: list[str]) -> dict[str, pd.Series]:
    """Per banner column (TOTAL first): n, sum w, sum w^2, sum w x, sum w x^2, n with a number."""
    tot = totals.set_index("grp")
    all_tot = tot.sum(numeric_only=True)
    return {
        key: all_tot if key == TOTAL else tot.loc[key] if key in tot.index else _EMPTY_MARGIN
        for key in columns
    }


def _column_summary(
    q: QuestionInfo,
    key: str,
    m: pd.Series,
    col_share: pd.Series,
    categories: list[str],
    value_num: pd.Series,
) -> ColumnSummary:
    """One shown column's summaries: top-2-box, mean and NPS with their intervals (n_eff)."""
    n_eff = kish(float(m["w"]), float(m["w2"]))
    extra: dict[str, object] = {"moe": margin_of_error(n_eff)}
    if q.kind in ("likert", "binary"):
        share = float(col_share.reindex(_top_categories(q, categories)).sum())
        extra.update(top_box=share, top_box_ci=proportion_interval(share, n_eff))
    if q.kind in ("likert", "nps", "numeric", "binary") and m["n_num"] > 0:
        mean, ci = mean_interval(float(m["w"]), float(m["wx"]), float(m["wx2"]), n_eff)
        extra.update(mean=mean, mean_ci=ci)
    if q.kind == "nps":
        nums = value_num.reindex(categories).to_numpy(dtype=float)
        promoters = float(col_share.to_numpy()[nums >= 9].sum())
        detractors = float(col_share.to_numpy()[nums <= 6].sum())
        extra["nps"] = nps_from_shares(promoters, detractors, n_eff)
    return ColumnSummary(key=key, n=int(m["n"]), n_eff=n_eff, suppressed=False, **extra)


def _share_intervals(
    shares: pd.DataFrame, summaries: dict[str, ColumnSummary]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wilson interval of every column share with the column's n_eff (low, high frames)."""
    low = pd.DataFrame(index=shares.index, columns=shares.columns, dtype=float)
    high = pd.DataFrame(index=shares.index, columns=shares.columns, dtype=float)
    for c in shares.columns:
        for cat in shares.index:
            ci = proportion_interval(float(shares.at[cat, c]), summaries[c].n_eff)
            low.at[cat, c], high.at[cat, c] = ci.low, ci.high
    return low, high


def _letters_and_test(
    q: QuestionInfo,
    *,
    shares: pd.DataFrame,
    w_tab: pd.DataFrame,
    margins: dict[str, pd.Series],
    summaries: dict[str, ColumnSummary],
    shown_groups: list[str],
) -> tuple[pd.DataFrame, stats.CrosstabResult | None]:
    """Holm column letters (n_eff per column) and the chi-square test of the shown groups."""
    categories = list(shares.index)
    letters = pd.DataFrame(index=categories, columns=shown_groups, dtype=object)
    if not (shown_groups and categories):
        return letters, None
    col_n = np.array([summaries[g].n_eff for g in shown_groups])
    letters = pd.DataFrame(
        holm_letters(shares[shown_groups].to_numpy(dtype=float), col_n),
        index=categories,
        columns=shown_groups,
    )
    if q.kind == "multi" or len(shown_groups) < 2:
        return letters, None
    # Weighted table rescaled to the overall effective n of these groups (design effect).
    w_sum = float(sum(margins[g]["w"] for g in shown_groups))
    w2_sum = float(sum(margins[g]["w2"] for g in shown_groups))
    scaled = w_tab[shown_groups].to_numpy(dtype=float) * (kish(w_sum, w2_sum) / w_sum)
    return letters, stats.crosstab_test(scaled)


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
    columns = [TOTAL, *group_order]
    margins = _margins(totals, columns)

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
    # The Total column minus the shown groups is everyone in hidden groups (and without a
    # group): when that is 1 to threshold - 1 people, the Total would give them away.
    sizes = [int(margins[g]["n"]) for g in group_order]
    shown_n = sum(n for n in sizes if n >= PRIVACY_THRESHOLD)
    hide_total = is_small(int(margins[TOTAL]["n"]) - shown_n)
    for key in columns:
        m = margins[key]
        if int(m["n"]) < PRIVACY_THRESHOLD or (key == TOTAL and hide_total):
            n_eff = kish(float(m["w"]), float(m["w2"]))
            summaries[key] = ColumnSummary(key=key, n=int(m["n"]), n_eff=n_eff, suppressed=True)
            continue
        col_share = w_tab[key] / float(m["w"]) if m["w"] > 0 else w_tab[key] * 0.0
        shares[key] = col_share
        summaries[key] = _column_summary(q, key, m, col_share, categories, value_num)
    top_label = ""
    if q.kind in ("likert", "binary") and any(not s.suppressed for s in summaries.values()):
        top_label = " + ".join(_top_categories(q, categories))

    shown_cols = [c for c in columns if not summaries[c].suppressed]
    shown_groups = [c for c in shown_cols if c != TOTAL]
    letters, test = _letters_and_test(
        q,
        shares=shares,
        w_tab=w_tab,
        margins=margins,
        summaries=summaries,
        shown_groups=shown_groups,
    )
    shares_low, shares_high = _share_intervals(shares, summaries)
    return Banner(
        question=q,
        banner=banner,
        weighted=weighted,
        columns=columns,
        summaries=summaries,
        categories=categories,
        shares=shares,
        counts=n_tab[shown_cols].copy(),
        letters=letters,
        letter_of={g: stats._column_label(i) for i, g in enumerate(shown_groups)},
        test=test,
        rank_pairs=_rank_pairs(q, w_all, n_all, shown_groups, summaries, value_num, weighted),
        top_box_label=top_label,
        shares_low=shares_low,
        shares_high=shares_high,
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
