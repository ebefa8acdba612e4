"""Streamlit helpers for the Data page: reading an upload, the mapping editor, load and restore.

The logic (reading, mapping, validation, loading) is in ``analytics.ingest``; this module only
turns it into widgets and keeps the caches right after a load.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import demo, ingest, store
from analytics.filters import DIMENSIONS
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


def mapping_editor(raw: ingest.RawFile, kind: str, lang: str, key: str) -> dict[str, str | None]:
    """The detected mapping in an editable table; returns the (corrected) mapping."""
    suggested = ingest.suggest_mapping(raw.columns, kind)
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
    cols = st.columns(3)
    cols[0].metric(t("ingest.rows_read", lang), fmt_num(report.rows_read, lang))
    cols[1].metric(t("ingest.rows_loadable", lang), fmt_num(report.rows_loaded, lang))
    cols[2].metric(t("ingest.problems_n", lang), fmt_num(sum(report.problem_counts.values()), lang))
    notes = [
        line
        for line in report.to_text(lang).splitlines()[2:]
        if not line.startswith("  - ")
        and not line.startswith(t("ingest.report.problems", lang))
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
