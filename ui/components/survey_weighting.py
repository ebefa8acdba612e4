"""The survey page's weighting form: raking targets per variable (from the applications or typed
in), optional base weights and trimming, and what the weights achieved.

Holds widgets, all per survey: ``{key}_on_<sid>``, ``{key}_base_<sid>``, ``{key}_vars_<sid>``,
``{key}_src_<sid>_<var>``, ``{key}_edit_...``, ``{key}_trim_<sid>``, ``{key}_lo_<sid>``,
``{key}_hi_<sid>``. The raking itself is ``analytics.metrics.survey.compute_weights`` (cached).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.i18n import fmt_num, fmt_pct, label
from analytics.metrics import survey
from analytics.report.tables import display_table
from ui import cache
from ui.components.survey_labels import SurveyLabels
from ui.safe import md


def weighting_form(
    labels: SurveyLabels,
    *,
    survey_id: str,
    frame: pd.DataFrame,
    grouping_keys: list[str],
    key: str,
) -> survey.WeightSpec | None:
    """The weighting spec in force (None: unweighted), with the form in an expander."""
    ctx, sid = labels.ctx, survey_id
    spec: survey.WeightSpec | None = None
    use_weights = st.toggle(ctx.t("survey.weights.use"), key=f"{key}_on_{sid}")
    with st.expander(
        ctx.t("survey.weights.title"), icon=":material/balance:", expanded=use_weights
    ):
        st.caption(ctx.t("survey.weights.help"))
        numeric = [f"n:{qid}" for qid, q in labels.questions.items() if q.kind == "numeric"]
        base_col = st.selectbox(
            ctx.t("survey.weights.base"),
            [None, *numeric],
            format_func=lambda c: (
                ctx.t("survey.weights.base.none") if c is None else labels.questions[c[2:]].text
            ),
            key=f"{key}_base_{sid}",
            help=ctx.t("survey.weights.base.help"),
            width=480,
        )
        variables = st.multiselect(
            ctx.t("survey.weights.variables"),
            grouping_keys,
            default=["pipeline"],
            format_func=labels.banner_name,
            key=f"{key}_vars_{sid}",
        )
        targets = [
            (var, _targets(labels, survey_id=sid, frame=frame, var=var, key=key))
            for var in variables
        ]
        trim = st.checkbox(ctx.t("survey.weights.trim"), key=f"{key}_trim_{sid}")
        bounds = None
        if trim:
            c1, c2 = st.columns(2)
            low = c1.number_input(
                ctx.t("survey.weights.trim_low"), 0.05, 1.0, 0.3, 0.05, key=f"{key}_lo_{sid}"
            )
            high = c2.number_input(
                ctx.t("survey.weights.trim_high"), 1.0, 20.0, 3.0, 0.5, key=f"{key}_hi_{sid}"
            )
            bounds = (float(low), float(high))
        if targets or base_col is not None:
            candidate = survey.WeightSpec(targets=tuple(targets), trim=bounds, base=base_col)
            result = cache.weights(ctx.version, sid, ctx.filters, candidate)
            if isinstance(result, str):
                st.error(
                    ctx.t("survey.weights.failed", message=md(result)), icon=":material/error:"
                )
            else:
                _achieved(labels, result)
                if use_weights and changes_nothing(result):
                    # Every weight 1.00: the sample already matches the targets. Claiming
                    # "weights are on" would suggest a correction that did not happen.
                    st.info(
                        ctx.t("survey.weights.unchanged", n=fmt_num(result.n, ctx.lang)),
                        icon=":material/balance:",
                    )
                    return None
                if use_weights:
                    spec = candidate
        elif use_weights:
            st.warning(ctx.t("survey.weights.no_targets"))
    if use_weights and spec is None:
        st.warning(ctx.t("survey.weights.off_because"), icon=":material/balance:")
    if spec is not None:
        st.info(ctx.t("survey.weights.on"), icon=":material/balance:")
    return spec


# Weights that differ from 1 by less than this change no share in its first decimal (0.1 point).
UNCHANGED_TOLERANCE = 0.0005


def changes_nothing(result: survey.WeightResult) -> bool:
    """True when raking left every weight at 1 (the sample already matched the targets)."""
    return (
        abs(result.min_weight - 1.0) < UNCHANGED_TOLERANCE
        and abs(result.max_weight - 1.0) < UNCHANGED_TOLERANCE
    )


def _targets(
    labels: SurveyLabels, *, survey_id: str, frame: pd.DataFrame, var: str, key: str
) -> tuple[tuple[str, float], ...]:
    """One variable's target shares (percent per level), edited in a table."""
    ctx, sid = labels.ctx, survey_id
    sample = survey.sample_shares(frame, var)
    st.markdown(f"**{md(labels.banner_name(var))}**")
    default = sample
    if not var.startswith("q:"):
        source = st.radio(
            ctx.t("survey.weights.source"),
            ["applications", "manual"],
            format_func=lambda s: ctx.t(f"survey.weights.source.{s}"),
            horizontal=True,
            key=f"{key}_src_{sid}_{var}",
        )
        if source == "applications":
            population = cache.application_shares(ctx.version, var, ctx.filters)
            default = survey.population_targets(sample, population)
            absent = [lvl for lvl in population.index if lvl not in sample.index]
            if absent:
                st.caption(
                    ctx.t(
                        "survey.weights.absent",
                        levels=md(", ".join(label(var, lvl, ctx.lang) for lvl in absent)),
                    )
                )
    editor = pd.DataFrame(
        {
            "level": list(sample.index),
            ctx.t("survey.weights.col.level"): [
                labels.level_name(var, lvl) for lvl in sample.index
            ],
            ctx.t("survey.weights.col.sample"): (sample.to_numpy() * 100).round(1),
            ctx.t("survey.weights.col.target"): [
                round(float(default.get(lvl, 0.0)) * 100, 1) for lvl in sample.index
            ],
        }
    )
    edited = st.data_editor(
        editor,
        hide_index=True,
        disabled=[
            "level",
            ctx.t("survey.weights.col.level"),
            ctx.t("survey.weights.col.sample"),
        ],
        column_config={"level": None},
        key=f"{key}_edit_{sid}_{var}_{hash(tuple(editor.iloc[:, 3]))}",
    )
    col_target = ctx.t("survey.weights.col.target")
    return tuple(
        (str(lvl), float(v) if pd.notna(v) else 0.0)
        for lvl, v in zip(edited["level"], edited[col_target], strict=True)
    )


def _achieved(labels: SurveyLabels, result: survey.WeightResult) -> None:
    """Effective n, design effect, weight range, and sample vs target vs weighted shares."""
    ctx, lang = labels.ctx, labels.ctx.lang
    m = st.columns(4)
    m[0].metric(ctx.t("survey.weights.n"), fmt_num(result.n, lang))
    m[1].metric(ctx.t("survey.weights.n_eff"), fmt_num(result.n_eff, lang))
    m[2].metric(ctx.t("survey.weights.deff"), fmt_num(result.design_effect, lang, 2))
    m[3].metric(
        ctx.t("survey.weights.range"),
        f"{fmt_num(result.min_weight, lang, 2)} – {fmt_num(result.max_weight, lang, 2)}",
    )
    if result.achieved.empty:
        return
    achieved = result.achieved
    level_col = ctx.t("survey.weights.col.level")
    table = pd.DataFrame(
        {
            ctx.t("survey.weights.col.variable"): [labels.banner_name(c) for c in achieved.column],
            ctx.t("survey.weights.col.level"): [
                labels.level_name(c, lvl)
                for c, lvl in zip(achieved.column, achieved.level, strict=True)
            ],
            ctx.t("survey.weights.col.sample"): [fmt_pct(v, lang) for v in achieved["sample"]],
            ctx.t("survey.weights.col.target"): [fmt_pct(v, lang) for v in achieved.target],
            ctx.t("survey.weights.col.weighted"): [fmt_pct(v, lang) for v in achieved.weighted],
        }
    )
    # the levels are the survey's own answer labels: shown exactly as written
    st.dataframe(display_table(table, lang, text_columns=(level_col,)), hide_index=True)
