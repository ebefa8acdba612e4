"""How the app starts a run: ``entry.leave_folder_mode()`` first thing in ``app.py``, and
``ctx = entry.start()`` as the first line of every script in ``pages/``.

Why: Streamlit 1.67 treats a ``pages/`` folder beside the entry file as its old folder mode until
``st.navigation`` has run once in the process (AppTest resets that before every run). In folder
mode a served app's first request runs ``app.py`` as a page of an automatic navigation, and a first
request to a sub-URL (``/funnel``) runs the page script alone, without ``app.py``: no sidebar, no
filters, no translated navigation. Widget ids include the running page's hash and differ between
the two modes, so the first click after such a run would be lost. So:

- on a served app, the first run leaves folder mode and reruns at once, before drawing anything;
  the rerun goes through ``app.py`` and its ``st.navigation`` on the same URL;
- under AppTest (``global.appTest``: every run is in folder mode, so widget ids stay stable), a
  page started alone runs the router itself, under the hash app.py runs with, then stops its run.
"""

from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    ScriptRunContext,
    get_script_run_ctx,
)

from ui.context import PageContext, page_context

APP = Path(__file__).resolve().parents[1] / "app.py"

# Per script thread: each session's script runs in its own thread, so one session's router
# never marks another session's run.
_state = threading.local()


def leave_folder_mode() -> None:
    """On a served app: rerun through ``st.navigation`` when this run started in folder mode."""
    if PagesManager.uses_pages_directory and not config.get_option("global.appTest"):
        PagesManager.uses_pages_directory = False  # what st.navigation itself sets
        st.rerun()


@contextmanager
def routed() -> Iterator[None]:
    """Wrap ``page.run()`` in the router: pages started inside know the router ran."""
    _state.active = True
    try:
        yield
    finally:
        _state.active = False


def start() -> PageContext:
    """The page's context (language, filters, data facts); a page started without the router
    gets it first (see the module docstring)."""
    if not getattr(_state, "active", False):
        leave_folder_mode()
        ctx = get_script_run_ctx()
        if ctx is not None and PagesManager.uses_pages_directory:
            with ctx.run_with_active_hash(_router_hash(ctx)):
                runpy.run_path(str(APP), run_name="__main__")
            st.stop()
    return page_context()  # without any router (a page script run on its own): says so, stops


def _router_hash(ctx: ScriptRunContext) -> str:
    """The hash folder mode gave app.py in this session, so the sidebar keeps its widget ids."""
    for page_hash, info in ctx.pages_manager.get_pages().items():
        if Path(str(info.get("script_path", ""))).resolve() == APP:
            return page_hash
    return ctx.pages_manager.main_script_hash
