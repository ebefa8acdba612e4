"""The Data page through AppTest: runs in both languages, uploads a sample, loads it, restores."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import ingest, store
from analytics.i18n import t

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGE = str(ROOT / "pages" / "data.py")
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture
def app(app_database):
    app_database(1000, seed=3)
    return lambda: AppTest.from_file(APP, default_timeout=60)


def _places(at: AppTest, lang: str = "en") -> str:
    """Every row of the problem and warning tables as "file, row N, column C" (the place a
    problem names), read from the structured table the page draws."""
    file, row, column = (t(f"ingest.table.{k}", lang) for k in ("file", "row", "column"))
    places = []
    for table in at.dataframe:
        frame = table.value
        if not {file, row, column} <= set(frame.columns):
            continue
        for r in frame.to_dict("records"):
            where = t("ingest.where.file", lang, file=r[file])
            if r[row]:
                where += ", " + t("ingest.where.row", lang, row=r[row])
            if r[column]:
                where += ", " + t("ingest.where.column", lang, column=r[column])
            places.append(where)
    return " ".join(places)


def _open(at: AppTest, lang: str = "en") -> AppTest:
    at.query_params["lang"] = lang
    at.run()
    return at.switch_page(PAGE).run()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_data_page_runs_in_both_languages(app, lang):
    at = _open(app(), lang)
    assert not at.exception
    assert not at.error
    expected = "Load your own data" if lang == "en" else "Eigen gegevens laden"
    assert at.title[0].value == expected


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_upload_shows_mapping_and_report_then_loads(app, lang):
    at = _open(app(), lang)
    content = (SAMPLES / "greenhouse_applications.csv").read_bytes()
    at.file_uploader(key="ingest_file").set_value(
        ("greenhouse_applications.csv", content, "text/csv")
    )
    at.run()
    assert not at.exception
    assert not at.error
    assert at.success, "the report says there are no problems"
    # Replacing the demo removes data: the page says what and asks once before Load.
    assert at.button(key="ingest_load").disabled
    at.checkbox(key="ingest_confirm_0").check().run()
    assert not at.button(key="ingest_load").disabled
    at.button(key="ingest_load").click().run()
    assert not at.exception
    assert not at.error
    # After the rerun the router shows real data: no demo banner, 50 applications.
    info = at.session_state["_page_context"].info
    assert not info.is_demo and info.applications == 50
    at.checkbox(key="ingest_restore_sure").check().run()
    at.button(key="ingest_restore_demo").click().run()
    assert not at.exception
    assert at.session_state["_page_context"].info.is_demo


def test_bad_upload_lists_problems_and_disables_load(app):
    at = _open(app())
    bad = b"Application ID,Applied On,Pipeline,Status\nA1,2025-01-01,human_first,maybe\n"
    at.file_uploader(key="ingest_file").set_value(("bad.csv", bad, "text/csv"))
    at.run()
    assert not at.exception
    assert at.button(key="ingest_load").disabled
    text = _places(at)
    assert "bad.csv, row 2, column Status" in text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_upload_homemade_sheet_load_then_undo(app, lang):
    at = _open(app(), lang)
    assert at.button(key="ingest_undo").disabled  # nothing loaded yet
    content = (SAMPLES / "homemade_stage_dates.csv").read_bytes()
    at.file_uploader(key="ingest_file").set_value(("homemade_stage_dates.csv", content, "text/csv"))
    at.run()
    assert not at.exception and not at.error
    assert at.warning, "the missing source is shown as a warning"
    warning_text = _places(at, lang)
    expected = "row 8, column Source" if lang == "en" else "rij 8, kolom Source"
    assert expected in warning_text
    at.checkbox(key="ingest_confirm_0").check().run()
    at.button(key="ingest_load").click().run()
    assert not at.exception and not at.error
    info = at.session_state["_page_context"].info
    assert not info.is_demo and info.applications == 30 and info.undo_available
    assert info.pipeline_rules.startswith("default:")
    at.button(key="ingest_undo").click().run()
    assert not at.exception and not at.error
    info = at.session_state["_page_context"].info
    assert info.is_demo and info.applications == 1000 and not info.undo_available


def test_saved_profile_is_picked_for_the_next_upload(app):
    at = _open(app())
    odd = (
        b"Ref,When,Track,Outcome\nX1,2025-02-01,human_first,hired\nX2,2025-02-02,human_first,open\n"
    )
    at.file_uploader(key="ingest_file").set_value(("odd.csv", odd, "text/csv"))
    at.run()
    assert at.button(key="ingest_load").disabled  # the names are not recognised
    db = store.db_path_from_env()
    # the profile is saved as the page would (the data_editor cannot be edited in AppTest)
    con = store.connect(db)
    mapping = {
        "Ref": "application_id",
        "When": "applied_on",
        "Track": "pipeline",
        "Outcome": "status",
    }
    ingest.save_profile(con, "Odd ATS", "applications", mapping)
    con.close()
    at = _open(app())
    at.file_uploader(key="ingest_file").set_value(("odd.csv", odd, "text/csv"))
    at.run()
    assert not at.exception
    assert at.selectbox(key="ingest_profile_applications").value == "Odd ATS"
    at.checkbox(key="ingest_confirm_0").check().run()
    assert not at.button(key="ingest_load").disabled
    at.text_input(key="ingest_profile_name").input("Copy").run()
    at.button(key="ingest_profile_save").click().run()
    assert not at.exception and not at.error
    con = store.connect(db)
    assert "Copy" in [p.name for p in ingest.list_profiles(con)]
    con.close()


def test_rules_editor_shows_the_rules(app):
    at = _open(app(), "nl")
    n = len(ingest.rules_frame(ingest.PIPELINE_RULES))
    captions = [c.value for c in at.caption]
    assert f"In gebruik: de standaardregels ({n} patronen)." in captions
