"""Streamlit helpers for the Data page: reading an upload, the mapping editor, load and restore.

The logic (reading, mapping, validation, loading) is in ``analytics.ingest``; this module only
turns it into widgets and keeps the caches right after a load.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import demo, ingest, store
from analytics.domain import DIMENSIONS, PIPELINES
from analytics.i18n import fmt_num, t
from ui import data
from ui.filters import DATES_KEY

_NONE = ""


def mapping_frame(raw: ingest.RawFile, mapping: dict[str, str | None]) -> pd.DataFrame:
    """One row per source column: its name, the field it maps to ('' = ignored), an example."""
    examples = []
    for col in raw.columns:
        values = raw.frame[col].dropna()
        example = str(values.iloc[0]) if len(values) else ""
        if ingest.is_identifier(col) or mapping.get(col) == "candidate_email":
            example = "•••"  # never show a name or e-mail address back
        examples.append(example[:40])
    return pd.DataFrame(
        {
            "column": raw.columns,
            "field": [mapping.get(c) or _NONE for c in raw.columns],
            "example": examples,
        }
    )


def mapping_editor(
    raw: ingest.RawFile,
    kind: str,
    lang: str,
    key: str,
    initial: dict[str, str | None] | None = None,
) -> dict[str, str | None]:
    """The detected (or the profile's) mapping in an editable table; returns the mapping."""
    suggested = (
        initial if initial is not None else ingest.suggest_mapping(raw.columns, kind, raw.frame)
    )
    edited = st.data_editor(
        mapping_frame(raw, suggested),
        hide_index=True,
        disabled=["column", "example"],
        column_config={
            "column": st.column_config.TextColumn(t("ingest.mapping.column", lang)),
            "field": st.column_config.SelectboxColumn(
                t("ingest.mapping.field", lang),
                options=[_NONE, *ingest.FIELDS[kind]],
            ),
            "example": st.column_config.TextColumn(t("ingest.mapping.example", lang)),
        },
        key=key,
    )
    return {row.column: (row.field or None) for row in edited.itertuples(index=False)}


def quality_report(report: ingest.QualityReport, lang: str) -> None:
    """The data-quality report: counts, problems (with file, row, column), missing values."""
    cols = st.columns(4)
    cols[0].metric(t("ingest.rows_read", lang), fmt_num(report.rows_read, lang))
    cols[1].metric(t("ingest.rows_loadable", lang), fmt_num(report.rows_loaded, lang))
    cols[2].metric(t("ingest.problems_n", lang), fmt_num(sum(report.problem_counts.values()), lang))
    cols[3].metric(t("ingest.warnings_n", lang), fmt_num(sum(report.warning_counts.values()), lang))
    notes = [
        line
        for line in report.to_text(lang).splitlines()[2:]
        if not line.startswith("  - ")
        and not line.startswith(t("ingest.report.problems", lang))
        and not line.startswith(t("ingest.report.warnings", lang))
        and not line.startswith(t("ingest.report.missing", lang))
    ]
    for line in notes:
        st.caption(line)
    if report.problem_counts:
        st.error(t("ingest.has_problems", lang), icon=":material/error:")
        st.markdown("\n".join(f"- {p.text(lang)}" for p in report.problems))
        hidden = sum(report.problem_counts.values()) - len(report.problems)
        if hidden > 0:
            st.caption(t("ingest.more_problems", lang, n=fmt_num(hidden, lang)))
    else:
        st.success(t("ingest.no_problems", lang), icon=":material/check_circle:")
    if report.warning_counts:
        st.warning(t("ingest.has_warnings", lang), icon=":material/warning:")
        st.markdown("\n".join(f"- {p.text(lang)}" for p in report.warnings))
        hidden = sum(report.warning_counts.values()) - len(report.warnings)
        if hidden > 0:
            st.caption(t("ingest.more_problems", lang, n=fmt_num(hidden, lang)))
    missing = {k: v for k, v in report.missing.items() if v}
    if missing:
        st.caption(t("ingest.missing_values", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("ingest.missing.field", lang): list(missing),
                    t("ingest.missing.count", lang): list(missing.values()),
                }
            ),
            hide_index=True,
        )


def _after_data_change() -> None:
    """New data: clear cached results and the sidebar filters (old dates may lie outside the
    new data's range, and old category values may no longer exist)."""
    st.cache_data.clear()
    for key in (DATES_KEY, *DIMENSIONS):
        st.session_state.pop(key, None)
        if key in st.query_params:
            del st.query_params[key]


def load(prepared: ingest.Prepared, mode: str, lang: str) -> int | None:
    """Load in one transaction with progress; clears the data caches. Returns the version."""
    with st.status(t("ingest.loading", lang, file=prepared.report.file)) as status:
        cur = data.cursor()
        try:
            version = ingest.load(cur, prepared, mode=mode)
        except (store.StoreError, ValueError) as e:
            status.update(state="error")
            st.error(t("ingest.load_failed", lang, message=str(e)), icon=":material/error:")
            return None
        finally:
            cur.close()
        _after_data_change()
        status.update(state="complete")
    return version


def undo(lang: str) -> int | None:
    """Undo the last load; clears the caches. Returns the new version (None when refused)."""
    cur = data.cursor()
    try:
        version = ingest.undo(cur)
    except store.StoreError as e:
        st.error(t("ingest.undo_failed", lang, message=str(e)), icon=":material/error:")
        return None
    finally:
        cur.close()
    _after_data_change()
    return version


def profile_picker(raw: ingest.RawFile, kind: str, lang: str, key: str) -> ingest.Profile | None:
    """Saved mapping profiles of this kind; the one fitting the file's columns preselected."""
    cur = data.cursor()
    try:
        profiles = ingest.list_profiles(cur, kind)
        best = ingest.best_profile(cur, raw.columns, kind)
    finally:
        cur.close()
    if not profiles:
        return None
    names = [None, *(p.name for p in profiles)]
    chosen = st.selectbox(
        t("ingest.profile", lang),
        options=names,
        index=names.index(best.name) if best is not None else 0,
        format_func=lambda n: t("ingest.profile.none", lang) if n is None else n,
        help=t("ingest.profile.help", lang),
        key=key,
    )
    if best is not None and chosen == best.name:
        st.caption(t("ingest.profile.suggested", lang, name=best.name))
    return next((p for p in profiles if p.name == chosen), None)


def profile_saver(
    kind: str, mapping: dict[str, str | None], date_order: str | None, lang: str
) -> None:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    name = left.text_input(t("ingest.profile.name", lang), key="ingest_profile_name")
    if right.button(t("ingest.profile.save", lang), key="ingest_profile_save", disabled=not name):
        cur = data.cursor()
        try:
            ingest.save_profile(cur, name, kind, mapping, date_order)
        except (ValueError, store.StoreError) as e:
            st.error(t("ingest.profile.failed", lang, message=str(e)), icon=":material/error:")
        else:
            st.success(t("ingest.profile.saved", lang, name=name.strip()), icon=":material/save:")
        finally:
            cur.close()


def rules_editor(lang: str) -> None:
    """The pipeline tagging rules (pattern -> pipeline) in an editable table; save or reset."""
    cur = data.cursor()
    try:
        rules, rules_label = ingest.pipeline_rules(cur)
    finally:
        cur.close()
    which, _, n = rules_label.partition(":")
    st.caption(t("ingest.rules.help", lang))
    st.caption(t("ingest.rules.in_use", lang, rules=t(f"ingest.rules.{which}", lang), n=n))
    edited = st.data_editor(
        ingest.rules_frame(rules),
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "pattern": st.column_config.TextColumn(t("ingest.rules.pattern", lang), required=True),
            "pipeline": st.column_config.SelectboxColumn(
                t("ingest.rules.pipeline", lang),
                options=list(PIPELINES),
                required=True,
            ),
        },
        key=f"ingest_rules_{rules_label}",
    )
    left, right = st.columns(2)
    if left.button(t("ingest.rules.save", lang), key="ingest_rules_save"):
        cur = data.cursor()
        try:
            n_saved = ingest.save_pipeline_rules(cur, edited)
        except (ValueError, store.StoreError) as e:
            st.error(t("ingest.rules.failed", lang, message=str(e)), icon=":material/error:")
        else:
            st.session_state["_ingest_flash"] = t("ingest.rules.saved", lang, n=n_saved)
            st.rerun()
        finally:
            cur.close()
    if right.button(
        t("ingest.rules.reset", lang), key="ingest_rules_reset", disabled=which == "default"
    ):
        cur = data.cursor()
        try:
            ingest.reset_pipeline_rules(cur)
        finally:
            cur.close()
        st.rerun()


def restore_demo(lang: str) -> int:
    with st.status(t("ingest.restoring", lang)) as status:
        cur = data.cursor()
        try:
            version = demo.build(cur)
        finally:
            cur.close()
        _after_data_change()
        status.update(state="complete")
    return version
