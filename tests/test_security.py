"""Security and privacy checks: Streamlit settings that leak, DuckDB file access locked down for
the app process, injection strings through every filter (URL) and upload path, no raw HTML with
user data, formula escaping in every download, upload size limit."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import re
import shutil
import tomllib
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import analytics
from analytics import demo, ingest, store
from analytics.domain import DIMENSIONS, Filters
from analytics.ingest import survey as si
from analytics.metrics import overview
from analytics.report.export import FORMULA_PREFIXES, escape_formula, to_csv_bytes
from tests.hostile.conftest import content_hash

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SAMPLES = ROOT / "data" / "samples"
INJECTIONS = ('x"; DROP TABLE applications; --', "' OR 1=1 --", "1); DELETE FROM meta; --")
PAGES = sorted(re.findall(r'"(pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text()))


@pytest.fixture(scope="module")
def db_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("security") / "aivshi.duckdb"
    con = store.connect(path)
    demo.build(con, 1000, seed=5)
    con.close()
    return path


# --- Streamlit settings -------------------------------------------------------------------------


def test_streamlit_settings_that_leak_are_changed():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "minimal"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["maxUploadSize"] == 200
    assert config["server"].get("enableXsrfProtection", True) is True
    # the values are ones Streamlit 1.67 accepts (documented in its option descriptions)
    from streamlit import config as st_config

    options = st_config._config_options_template
    for key, value in (("client.showErrorDetails", "none"), ("client.toolbarMode", "minimal")):
        assert f'"{value}"' in options[key].description
    # every option has a comment saying why (STYLE.md)
    lines = (ROOT / ".streamlit" / "config.toml").read_text().splitlines()
    for i, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            assert lines[i - 1].startswith("#"), line


# --- DuckDB hardening -----------------------------------------------------------------------------


@pytest.fixture
def app_connection(tmp_path):
    """The app's root connection exactly as ``ui.data`` opens it (``store.open_database``)."""
    path = tmp_path / "data" / "aivshi.duckdb"
    con = store.open_database(path, build_demo=lambda c: demo.build(c, 300, seed=8))
    yield con
    con.close()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_csv_auto('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
        "COPY applications TO '/tmp/aivshi_leak.csv'",
        "ATTACH '/tmp/aivshi_other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SET allowed_directories = ['/']",
        "SET lock_configuration = false",
    ],
)
def test_the_app_connection_cannot_reach_other_files(app_connection, query):
    cur = app_connection.cursor()
    try:
        with pytest.raises(duckdb.Error):
            cur.execute(query).fetchall()
    finally:
        cur.close()
    assert not Path("/tmp/aivshi_leak.csv").exists()


def test_imports_still_work_on_the_hardened_connection(app_connection, tmp_path):
    # Uploads are read as bytes in Python, so files outside the data directory still load.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("greenhouse_applications.csv", "survey_nl.csv"):
        shutil.copy(SAMPLES / name, elsewhere / name)
    prepared, version = ingest.import_file(
        app_connection, elsewhere / "greenhouse_applications.csv", "applications"
    )
    assert version is not None and prepared.report.rows_loaded == 50
    assert ingest.undo(app_connection) > version  # undo still works (tables inside the file)
    _tables, _sf, version = si.import_file(app_connection, elsewhere / "survey_nl.csv")
    assert version > 0
    demo.build(app_connection, 200, seed=1)  # "restore demo" on the Data page
    n = app_connection.execute("SELECT count(*) FROM applications").fetchall()[0][0]
    assert n == 200


def test_the_running_app_uses_the_hardened_connection(db_file, monkeypatch):
    monkeypatch.setenv(store.DB_ENV_VAR, str(db_file))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        from ui import data

        cur = data.cursor()
        try:
            with pytest.raises(duckdb.PermissionException):
                cur.execute("SELECT * FROM read_csv('/etc/passwd')").fetchall()
        finally:
            cur.close()
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


# --- Injection strings through every filter and upload path --------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_injection_strings_in_every_url_parameter(db_file, monkeypatch, page):
    monkeypatch.setenv(store.DB_ENV_VAR, str(db_file))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        for i, key in enumerate(
            ("lang", "dates", *DIMENSIONS, "funnel_by", "funnel_target", "adjust", "page")
        ):
            at.query_params[key] = INJECTIONS[i % len(INJECTIONS)]
        at.run()
        at.switch_page(str(ROOT / page)).run()
        assert not at.exception
        assert not at.error
        from ui import data

        cur = data.cursor()
        try:
            tables = {r[0] for r in cur.execute("SHOW TABLES").fetchall()}
            n = cur.execute("SELECT count(*) FROM applications").fetchall()[0][0]
        finally:
            cur.close()
        assert {"applications", "meta", "stage_events", "offers", "hires"} <= tables
        assert n == 1000
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def _analytics_functions_with_filters():
    import importlib
    import pkgutil

    out = []
    for mod_info in pkgutil.walk_packages(analytics.__path__, prefix="analytics."):
        if mod_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(mod_info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = inspect.signature(fn).parameters
            if "filters" in params and next(iter(params), None) in ("cur", "con"):
                out.append(
                    pytest.param(fn, id=f"{mod_info.name.removeprefix('analytics.')}.{name}")
                )
    return out


FILLERS = {
    "as_of": dt.date(2025, 6, 30),
    "column": "role_family",
    "adjust_by": "role_family",
    "by": "role_family",
    "dimension": "role_family",
    "lang": "en",
    "setting": None,
    "columns": ("gender",),
    "dim": "role_family",
    "ramp_target": 90,
    "survey_id": INJECTIONS[0],
    "unit": "offers",
}


@pytest.mark.parametrize("fn", _analytics_functions_with_filters())
def test_every_metric_query_binds_filter_values(demo_con, fn):
    """Values a URL cannot carry (the sidebar drops unknown ones) still cannot reach the SQL."""
    filters = Filters(
        date_from=dt.date(2020, 1, 1),
        **dict.fromkeys(DIMENSIONS, INJECTIONS),
    )
    before = content_hash(demo_con)
    kwargs = {}
    for name, p in list(inspect.signature(fn).parameters.items())[1:]:
        if name == "filters":
            kwargs[name] = filters
        elif name in FILLERS:
            kwargs[name] = FILLERS[name]
        elif name == "info":
            kwargs[name] = store.dataset_info(demo_con)
        elif name == "headline":  # the business case reads the Overview's result
            kwargs[name] = overview.headline(demo_con, filters, as_of=FILLERS["as_of"])
        elif p.default is inspect.Parameter.empty:
            pytest.fail(f"add a value for the required parameter {name!r} to FILLERS")
    cur = demo_con.cursor()
    try:
        try:
            fn(cur, **kwargs)
        except (ValueError, LookupError) as e:  # "no data" answers are fine; SQL errors are not
            assert not isinstance(e, duckdb.Error), e
    finally:
        cur.close()
    assert content_hash(demo_con) == before


def test_filter_where_clause_has_no_values_in_its_text():
    filters = Filters(**dict.fromkeys(DIMENSIONS, INJECTIONS))
    sql, params = filters.where()
    for value in INJECTIONS:
        assert value not in sql
    assert any(list(v) == list(INJECTIONS) for v in params.values())


def test_injection_in_upload_identifiers_is_quoted_or_refused(demo_file_copy):
    con = store.connect(demo_file_copy)
    try:
        before = content_hash(con)
        for name in INJECTIONS:
            # a mapping profile and a survey with hostile names
            ingest.save_profile(con, name, "applications", {"Application ID": "application_id"})
            assert name in [p.name for p in ingest.list_profiles(con)]
            sf = si.read_survey(f"id,{name}\n1,Agree\n2,Disagree\n".encode(), "s.csv")
            tables = si.build_tables(sf, si.questions_frame(sf), name, con)
            si.save(con, tables)
        after = content_hash(con)
        assert after["applications"] == before["applications"]
        assert con.execute("SELECT count(*) FROM surveys").fetchall()[0][0] >= len(INJECTIONS)
    finally:
        con.close()


@pytest.fixture
def demo_file_copy(tmp_path):
    path = tmp_path / "x.duckdb"
    con = store.connect(path)
    demo.build(con, 200, seed=2)
    con.close()
    return path


# --- No raw HTML with user data; every download escaped -------------------------------------------


def _sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *(ROOT / "ui").rglob("*.py")]


def test_no_raw_html_with_user_data_in_the_app():
    """``unsafe_allow_html`` / ``st.html`` would render an uploaded value as HTML (XSS). Raw HTML
    is allowed only as a module constant (UPPER_CASE name or a literal), e.g. page-only CSS."""
    for path in _sources():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func)
            unsafe = any(
                k.arg == "unsafe_allow_html"
                and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                for k in node.keywords
            )
            if name.endswith(("st.html", "components.html")) or unsafe:
                args = node.args[:1]
                ok = all(
                    isinstance(a, ast.Constant)
                    or (isinstance(a, ast.Name) and a.id.lstrip("_").isupper())
                    for a in args
                )
                assert ok, f"{path.name}:{node.lineno}: raw HTML from {ast.unparse(node)[:80]}"


# Downloads whose data come from a helper that escapes (checked here by name, the helper itself
# by its own tests): the presenter's report files come from ui.report_data.export_bytes, which
# uses analytics.report (export.escape_frame / to_excel_workbook).
INDIRECT_EXPORTS = {"presenter.py": "report_data.export_bytes"}


def test_every_download_goes_through_the_escaping_export():
    for path in _sources():
        if path.name in INDIRECT_EXPORTS:
            assert INDIRECT_EXPORTS[path.name] in path.read_text()
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "download_button"
            ):
                data = next((k.value for k in node.keywords if k.arg == "data"), None)
                if data is None and len(node.args) > 1:
                    data = node.args[1]
                text = ast.unparse(data) if data is not None else ""
                assert re.search(r"to_csv_bytes|to_excel_bytes|report|to_html|pptx|export", text), (
                    f"{path.name}:{node.lineno} downloads {text!r} without the export helpers"
                )


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_formula_prefixes_escaped_including_tab_and_carriage_return(prefix):
    frame = pd.DataFrame({f"{prefix}col": [f"{prefix}cmd|' /C calc'!A0", "plain"], "n": [-1, 2]})
    text = to_csv_bytes(frame).decode("utf-8-sig")
    assert f"'{prefix}cmd" in text
    assert f"'{prefix}col" in text
    assert escape_formula(-3) == -3
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}
