"""The Data page's sync form alone in AppTest, against a real demo database file and real
generated Fivetran files: a sync replaces the demo; a password typed into the URL is refused
with a message (no traceback) and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from tests.analytics.sources import synthetic

pytestmark = pytest.mark.slow


@pytest.fixture
def fresh_db(app_database):
    return app_database(300, seed=2)


def _panel(lang: str = "en"):
    from tests.ui.harness import page_context
    from ui.components.sync_source import sync_panel

    sync_panel(page_context(lang), key="s")


def _facts(path: Path) -> tuple[bool, int]:
    import streamlit as st

    st.cache_resource.clear()  # the app's connection holds the file
    con = store.connect(path, read_only=True)
    try:
        info = store.dataset_info(con.cursor())
        return info.is_demo, info.applications
    finally:
        con.close()


def test_sync_form_loads_a_folder_and_refuses_a_password(fresh_db: Path, tmp_path: Path) -> None:
    data = synthetic.lever(n=60)
    folder = synthetic.write_folder(data, tmp_path / "lever")
    at = AppTest.from_function(_panel, default_timeout=60).run()
    assert not at.exception
    at.text_input(key="s_source").set_value("postgresql://a:pw@localhost/x").run()
    at.button(key="s_run").click().run()
    assert not at.exception
    assert any("PGPASSWORD" in e.value for e in at.error)
    at.selectbox(key="s_shape").set_value("lever-fivetran")
    at.text_input(key="s_source").set_value(str(folder)).run()
    at.button(key="s_run").click().run()
    assert not at.exception
    assert _facts(fresh_db) == (False, 58)
