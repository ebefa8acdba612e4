"""The Data page's warehouse sync: pick a shape, a folder on the server or a PostgreSQL URL, and
sync. The work is ``analytics.ingest.sync``; this is its form.

Credentials: a password is never typed here. It comes from the server's environment
(``PGPASSWORD``, ``~/.pgpass``, or a full URL in ``AIVSHI_SYNC_URL``) or from Streamlit secrets::

    [aivshi_sync]
    url = "postgresql://analyst@warehouse:5432/ats"   # may hold the password: it is a secret
    password = "..."                                    # or separately
    shape = "greenhouse-fivetran"
    schema = "greenhouse"

A configured URL is shown by host and database only (``safe_label``); a URL typed into the form
with a password in it is refused by the sync.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import streamlit as st

from analytics import ingest, store
from analytics.domain import DIMENSIONS
from analytics.i18n import t
from analytics.ingest import sync
from ui import data
from ui.context import PageContext
from ui.filters import DATES_KEY


def _configured() -> Mapping[str, str]:
    """The ``[aivshi_sync]`` secrets section, else the environment's URL (may be empty)."""
    try:
        section = dict(st.secrets.get("aivshi_sync", {}))
    except (FileNotFoundError, KeyError, AttributeError):  # no secrets.toml at all
        section = {}
    if not section.get("url") and os.environ.get(sync.URL_ENV_VAR):
        section["url"] = os.environ[sync.URL_ENV_VAR]
    return {k: str(v) for k, v in section.items()}


def _label(url: str) -> str:
    if not url.startswith(("postgresql://", "postgres://")):
        return url
    try:
        return sync.safe_label(url)
    except sync.SyncError:
        return "postgresql://…"


def sync_panel(ctx: PageContext, key: str = "sync") -> None:
    """The sync form in an expander; on a load, clears the caches and reruns the page."""
    lang = ctx.lang
    conf = _configured()
    with st.expander(t("sync.ui.title", lang), icon=":material/sync:"):
        st.caption(t("sync.ui.help", lang))
        shapes = list(sync.SHAPES)
        default = shapes.index(conf["shape"]) if conf.get("shape") in shapes else 0
        shape = st.selectbox(
            t("sync.ui.shape", lang),
            options=shapes,
            index=default,
            format_func=lambda k: sync.SHAPES[k].title,
            key=f"{key}_shape",
        )
        typed = st.text_input(
            t("sync.ui.source", lang),
            key=f"{key}_source",
            placeholder=_label(conf.get("url", "")) or "/data/exports/greenhouse",
        ).strip()
        schema = st.text_input(
            t("sync.ui.schema", lang),
            key=f"{key}_schema",
            placeholder=conf.get("schema", ""),
        ).strip()
        source = typed or conf.get("url", "")
        if not st.button(
            t("sync.ui.run", lang), key=f"{key}_run", icon=":material/sync:", disabled=not source
        ):
            return
        run_sync(
            lang,
            source=source,
            shape=shape,
            schema=schema or conf.get("schema") or None,
            password=conf.get("password") or None,
            configured=not typed,
        )


def run_sync(
    lang: str,
    *,
    source: str,
    shape: str,
    schema: str | None,
    password: str | None,
    configured: bool,
) -> None:
    """Run one sync with progress and show its outcome (never a traceback)."""
    cur = data.cursor()
    try:
        with st.status(t("sync.ui.running", lang)) as status:
            result = sync.sync(
                cur,
                source,
                shape,
                schema=schema,
                password=password,
                # a URL from the secrets or the environment may carry its password
                password_in_url_ok=configured,
            )
            status.update(state="complete" if result.ok else "error")
    except (sync.SyncError, store.StoreError) as e:
        message = e.text(lang) if isinstance(e, sync.SyncError) else str(e)
        st.error(t("sync.ui.failed", lang, error=message), icon=":material/error:")
        return
    finally:
        cur.close()
    for line in result.notes(lang):
        st.caption(line)
    if not result.ok:
        st.error(t("sync.ui.problems", lang), icon=":material/error:")
        st.dataframe(ingest.problem_table(result.report.problems, lang), hide_index=True)
        return
    if not result.changed:
        st.info(t("sync.ui.unchanged", lang), icon=":material/info:")
        return
    st.cache_data.clear()
    for k in (DATES_KEY, *DIMENSIONS):
        st.session_state.pop(k, None)
        if k in st.query_params:
            del st.query_params[k]
    st.session_state["_ingest_flash"] = t("sync.ui.done", lang, version=result.version)
    st.rerun()
