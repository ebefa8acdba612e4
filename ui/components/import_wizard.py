"""The Data page's import wizard: upload -> column mapping (with saved profiles) -> date order
-> data-quality report -> load; plus the pipeline rules editor, undo and restoring the demo.

The logic (reading, mapping, validation, loading) is in ``analytics.ingest``; this module only
turns it into widgets and keeps the caches right after a load. The quality report is drawn from
the structured ``QualityReport`` (problems with file, row and column), never parsed from text.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import demo, ingest
from analytics.domain import DIMENSIONS, PIPELINES, AivshiError
from analytics.i18n import fmt_num, t
from analytics.ingest.identifiers import find_identifiers
from analytics.report.export import escape_frame
from ui import data
from ui.components import import_guide
from ui.context import PageContext
from ui.filters import DATES_KEY
from ui.safe import md

_NONE = ""
UPLOADS_KEY = "_ingest_uploads"  # bumped after a good load: a fresh, empty uploader


def mapping_frame(raw: ingest.RawFile, mapping: dict[str, str | None]) -> pd.DataFrame:
    """One row per source column: its name, the field it maps to ('' = ignored), an example."""
    examples = []
    # Identifiers by content too (a "contact" column of e-mail addresses); the head suffices.
    flagged = {d.column for d in find_identifiers(raw.frame.head(5000), raw.columns)}
    for col in raw.columns:
        values = raw.frame[col].dropna()
        example = str(values.iloc[0]) if len(values) else ""
        if col in flagged or mapping.get(col) == "candidate_email":
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
                format_func=lambda f: field_label(f, lang),
            ),
            "example": st.column_config.TextColumn(t("ingest.mapping.example", lang)),
        },
        # Every row visible: a scroll box hid the last rows of a twelve-column file.
        height="content",
        key=key,
    )
    return {row.column: (row.field or None) for row in edited.itertuples(index=False)}


def field_label(field: str | None, lang: str) -> str:
    """A field in words ("Application date"), never its code or "None"."""
    return t(f"field.{field}", lang) if field else t("field.none", lang)


def quality_report(report: ingest.QualityReport, lang: str) -> None:
    """The data-quality report: counts, what was decided about the file, problems and warnings
    as tables (file, row, column, what to do), missing values per field."""
    cols = st.columns(4)
    cols[0].metric(t("ingest.rows_read", lang), fmt_num(report.rows_read, lang))
    cols[1].metric(t("ingest.rows_loadable", lang), fmt_num(report.rows_loaded, lang))
    cols[2].metric(t("ingest.problems_n", lang), fmt_num(sum(report.problem_counts.values()), lang))
    cols[3].metric(t("ingest.warnings_n", lang), fmt_num(sum(report.warning_counts.values()), lang))
    for line in (*report.notes(lang), *report.counts_notes(lang)):
        st.caption(md(line))
    if report.problem_counts:
        st.error(t("ingest.has_problems", lang), icon=":material/error:")
        _problem_table(report.problems, report.hidden_problems, lang)
    else:
        st.success(t("ingest.no_problems", lang), icon=":material/check_circle:")
    if report.warning_counts:
        st.warning(t("ingest.has_warnings", lang), icon=":material/warning:")
        _problem_table(report.warnings, report.hidden_warnings, lang)
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


def _problem_table(problems: list[ingest.Problem], hidden: int, lang: str) -> None:
    # The cells hold the upload's own text (column names, values): formula-escaped, because the
    # table toolbar's download bypasses every other escaping (PITFALLS.md).
    st.dataframe(escape_frame(ingest.problem_table(problems, lang)), hide_index=True)
    if hidden > 0:
        st.caption(t("ingest.more_problems", lang, n=fmt_num(hidden, lang)))


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
        except (AivshiError, ValueError) as e:  # ValueError: an upload with problems
            status.update(state="error")
            st.error(t("ingest.load_failed", lang, message=md(str(e))), icon=":material/error:")
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
    except AivshiError as e:
        st.error(t("ingest.undo_failed", lang, message=md(str(e))), icon=":material/error:")
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
        st.caption(t("ingest.profile.suggested", lang, name=md(best.name)))
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
        except (ValueError, AivshiError) as e:  # ValueError: no name, an unknown field
            st.error(t("ingest.profile.failed", lang, message=md(str(e))), icon=":material/error:")
        else:
            st.success(
                t("ingest.profile.saved", lang, name=md(name.strip())), icon=":material/save:"
            )
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
        except (ValueError, AivshiError) as e:  # ValueError: a row naming no pipeline
            st.error(t("ingest.rules.failed", lang, message=md(str(e))), icon=":material/error:")
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


def _uploader_key(key: str) -> str:
    n = st.session_state.get(UPLOADS_KEY, 0)
    return f"{key}_file" if n == 0 else f"{key}_file_{n}"


def upload_wizard(ctx: PageContext, kind: str, mode: str, *, key: str = "ingest") -> None:
    """Upload -> mapping -> date order -> quality report -> Load, for one kind of file.
    Nothing is stored before the reader presses Load; a good load reruns the page."""
    lang = ctx.lang
    # A new key after every good load: the uploader starts empty (no Load of the same file twice).
    upload = st.file_uploader(
        ctx.t("ingest.upload"),
        type=["csv", "txt", "tsv", "xlsx", "parquet"],
        help=ctx.t("ingest.upload.help"),
        key=_uploader_key(key),
    )
    if upload is None:
        return
    try:
        raw = ingest.read_upload(upload.getvalue(), upload.name)
    except ingest.IngestError as e:
        st.error(md(e.problem.text(lang)), icon=":material/error:")
        st.stop()
    detail = raw.file_format + (f", {raw.encoding}" if raw.encoding else "")
    if raw.delimiter:
        detail += f", {raw.delimiter!r}"
    st.caption(ctx.t("ingest.format", format=md(detail)))
    import_guide.kind_hint(ctx, raw, kind)

    st.subheader(ctx.t("ingest.mapping"))
    st.caption(ctx.t("ingest.mapping.help"))
    profile = profile_picker(raw, kind, lang, key=f"{key}_profile_{kind}")
    mapping = mapping_editor(
        raw,
        kind,
        lang,
        key=f"{key}_mapping_{kind}_{upload.file_id}_{profile.name if profile else ''}",
        initial=profile.apply(raw.columns) if profile is not None else None,
    )
    date_order = _date_order(ctx, raw, kind, mapping, profile=profile, key=key)
    profile_saver(kind, mapping, date_order, lang)

    cur = data.cursor()
    try:
        prepared = ingest.prepare(raw, kind, mapping, date_order=date_order, con=cur, mode=mode)
    finally:
        cur.close()
    st.subheader(ctx.t("ingest.quality"))
    if kind != "applications" and mapping_has(mapping, "application_id"):
        import_guide.link_summary(ctx, raw.frame[_column_of(mapping, "application_id")])
    quality_report(prepared.report, lang)
    confirmed = import_guide.confirm_loss(
        ctx, kind, mode, key=f"{key}_confirm_{st.session_state.get(UPLOADS_KEY, 0)}"
    )
    _load_button(ctx, prepared, mode, key=key, confirmed=confirmed)


def _date_order(
    ctx: PageContext,
    raw: ingest.RawFile,
    kind: str,
    mapping: dict[str, str | None],
    *,
    profile: ingest.Profile | None,
    key: str,
) -> str | None:
    """Ask for the date order only when no date in the file decides it (day-first preselected,
    or the profile's)."""
    first = ingest.prepare(raw, kind, mapping, con=None)
    if not first.report.ambiguous_dates:
        return None
    orders = ("dmy", "mdy")
    return st.radio(
        ctx.t("ingest.date_order"),
        options=orders,
        index=orders.index(profile.date_order) if profile and profile.date_order else 0,
        format_func=lambda o: ctx.t(f"ingest.date_order.{o}"),
        help=ctx.t("ingest.date_order.help"),
        horizontal=True,
        key=f"{key}_date_order",
    )


def mapping_has(mapping: dict[str, str | None], field: str) -> bool:
    return field in mapping.values()


def _column_of(mapping: dict[str, str | None], field: str) -> str:
    return next(col for col, f in mapping.items() if f == field)


def _load_button(
    ctx: PageContext, prepared: ingest.Prepared, mode: str, *, key: str, confirmed: bool = True
) -> None:
    if st.button(
        ctx.t("ingest.load"),
        type="primary",
        disabled=not prepared.ok or not confirmed,
        icon=":material/upload:",
        key=f"{key}_load",
    ):
        version = load(prepared, mode, ctx.lang)
        if version is not None:
            st.session_state["_ingest_flash"] = ctx.t(
                "ingest.loaded",
                n=fmt_num(prepared.report.rows_loaded, ctx.lang),
                file=prepared.report.file,
                version=version,
            )
            st.session_state[UPLOADS_KEY] = st.session_state.get(UPLOADS_KEY, 0) + 1
            st.rerun()
