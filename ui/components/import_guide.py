"""The import's guidance: what kind of file this looks like, how many rows link to the loaded
applications, and what a destructive action removes (asked once, with the numbers).

The logic is in ``analytics.ingest.kinds`` / ``linking`` / ``impact``; this module draws it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import ingest
from analytics.i18n import fmt_num, t
from analytics.ingest import impact, kinds, linking
from ui import data
from ui.context import PageContext


def _evidence(guess: kinds.KindGuess, lang: str) -> str:
    parts = [
        t("import.evidence", lang, field=t(f"field.{f}", lang).lower(), column=c)
        for f, c in guess.evidence
    ]
    return ", ".join(parts)


def kind_hint(ctx: PageContext, raw: ingest.RawFile, chosen: str) -> kinds.KindGuess:
    """A warning when the file looks like another kind than the one chosen, with the columns
    that say so ("it has a start date (“Start Date”) and no column for application date")."""
    guess = kinds.guess_kind(raw.columns, raw.frame)
    missing = kinds.mismatch(chosen, guess, raw.columns)
    if missing is None:
        return guess
    evidence = _evidence(guess, ctx.lang)
    if guess.kind == "survey":
        text = ctx.t("import.kind_mismatch_survey", evidence=evidence)
    elif missing:
        text = ctx.t(
            "import.kind_mismatch",
            guess=ctx.t(f"kind.{guess.kind}"),
            evidence=evidence,
            missing=", ".join(ctx.t(f"field.{f}").lower() for f in missing),
        )
    else:
        text = ctx.t("import.kind_other", guess=ctx.t(f"kind.{guess.kind}"), evidence=evidence)
    st.warning(text, icon=":material/help:")
    return guess


def link_text(report: linking.LinkReport, lang: str) -> str:
    """The linking diagnostics in one sentence, with safe examples only."""
    if report.level == "empty":
        return t("import.link.empty", lang)
    examples = ""
    if report.unmatched and report.examples:
        examples = t("import.link.examples", lang, ids=", ".join(report.examples))
    elif report.unmatched and report.hidden_examples:
        examples = t("import.link.hidden", lang)
    return t(
        f"import.link.{report.level}",
        lang,
        rows=fmt_num(report.rows, lang),
        matched=fmt_num(report.matched, lang),
        unmatched=fmt_num(report.unmatched, lang),
        loaded=fmt_num(report.loaded, lang),
        examples=examples,
    )


def link_summary(ctx: PageContext, ids: pd.Series) -> linking.LinkReport:
    """How many rows match loaded applications, before anything is saved."""
    cur = data.cursor()
    try:
        report = linking.link_report(cur, ids)
    finally:
        cur.close()
    text = link_text(report, ctx.lang)
    if report.level == "all":
        st.success(text, icon=":material/link:")
    elif report.level == "some":
        st.warning(text, icon=":material/link:")
    else:
        st.error(text, icon=":material/link_off:")
    return report


def loss_text(lost: dict[str, int], lang: str) -> str:
    return ", ".join(t(f"import.loss.{name}", lang, n=fmt_num(n, lang)) for name, n in lost.items())


def confirm_loss(ctx: PageContext, kind: str, mode: str, *, key: str) -> bool:
    """Replacing removes data: say what, in numbers, and ask once (a checkbox the Load button
    waits for). Appending, or replacing empty tables, needs no confirmation."""
    if mode != "replace":
        return True
    cur = data.cursor()
    try:
        lost = impact.loss(cur, kind, mode)
    finally:
        cur.close()
    if not lost:
        st.caption(ctx.t("import.loss.nothing"))
        return True
    demo = ctx.t("import.loss.demo") if ctx.info.is_demo else ""
    return st.checkbox(
        ctx.t("import.loss.confirm", what=loss_text(lost, ctx.lang), demo=demo),
        key=key,
    )


def confirm_restore(ctx: PageContext, *, key: str) -> bool:
    """Restoring the demo replaces everything: the numbers, and one confirmation."""
    cur = data.cursor()
    try:
        lost = impact.loss(cur, "demo")
    finally:
        cur.close()
    return st.checkbox(ctx.t("import.restore.confirm", what=loss_text(lost, ctx.lang)), key=key)
