"""The survey import UI (ui.components.survey_import.render) through AppTest, on a stand-alone page:
upload -> review -> save, bad file message, rename and delete; both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.reading import shown

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "tests" / "pages" / "survey_import_page.py")
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture
def db(app_database):
    return app_database(400, seed=4)


def _open(lang: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    return at.run()


def _surveys(at: AppTest) -> list[tuple]:
    # the app holds the database open: read through its own connection
    from ui import data

    cur = data.cursor()
    try:
        return cur.execute("SELECT name, n_respondents FROM surveys ORDER BY created_at").fetchall()
    finally:
        cur.close()


@pytest.mark.parametrize(
    ("lang", "title", "saved"),
    [("en", "Import a survey", "Saved survey"), ("nl", "Een enquête importeren", "opgeslagen")],
)
def test_upload_review_save(db, lang, title, saved):
    at = _open(lang)
    assert not at.exception and not at.error
    assert at.subheader[0].value == title
    content = (SAMPLES / "survey_qualtrics.csv").read_bytes()
    at.file_uploader(key="survey_import_file_0").set_value(
        ("survey_qualtrics.csv", content, "text/csv")
    )
    at.run()
    assert not at.exception and not at.error
    assert "RecipientEmail" in shown(at.warning[0])  # identifiers named
    at.text_input(key="survey_import_name").set_value("Pilot " + lang)
    at.button(key="survey_import_save").click().run()
    assert not at.exception and not at.error
    assert saved in shown(at.success[0])
    assert _surveys(at)[-1] == ("Pilot " + lang, 60)


@pytest.mark.parametrize(("lang", "word"), [("en", "empty"), ("nl", "leeg")])
def test_bad_file_message_and_nothing_stored(db, lang, word):
    at = _open(lang)
    before = _surveys(at)
    at.file_uploader(key="survey_import_file_0").set_value(("broken.csv", b"", "text/csv"))
    at.run()
    assert not at.exception
    assert "broken.csv" in shown(at.error[0]) and word in shown(at.error[0])
    assert _surveys(at) == before


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_rename_and_delete(db, lang):
    at = _open(lang)
    at.text_input(key="survey_import_rn_demo_candidate_experience").set_value("Renamed").run()
    at.button(key="survey_import_rename").click().run()
    assert not at.exception and not at.error
    assert _surveys(at)[0][0] == "Renamed"
    assert at.button(key="survey_import_delete").disabled  # needs the confirmation first
    at.checkbox(key="survey_import_sure_demo_candidate_experience").check().run()
    at.button(key="survey_import_delete").click().run()
    assert not at.exception and not at.error
    assert _surveys(at) == []
