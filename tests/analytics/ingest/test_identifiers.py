"""Direct identifiers never get in: recognised by name (English and Dutch) and by content, in ATS
files, survey files and stage columns alike, and shown with a reason before anything is saved.
Regression tests for issue 18 ("Identifiers get in")."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import ingest, store
from analytics.ingest import survey as survey_ingest
from analytics.ingest.fields import FIELDS
from analytics.ingest.identifiers import (
    find_identifiers,
    identifier_by_content,
    identifier_by_name,
)
from analytics.ingest.survey_detect import dropped_columns

TODAY = dt.date(2026, 6, 1)

# Every column name the issue lists, and more of the same classes.
ISSUE_NAMES = [
    "Kandidaatnaam",
    "contact",
    "Email ID",
    "Telefoonnr",
    "Tel",
    "Applicant",
    "Sollicitant",
    "Emailaddress",
    "LinkedIn ID",
    "IP",
    "Geboren",
]
MORE_NAMES = [
    "geboortedatum",
    "Date of birth",
    "DOB",
    "naam",
    "Voornaam",
    "Achternaam",
    "adres",
    "Postcode",
    "BSN",
    "Candidate Name",
    "E-mailadres",
    "Phone",
    "Mobiel nummer",
    "IP address",
    "RecipientEmail",
    "First name",
    "Burgerservicenummer",
]
NOT_IDENTIFIER_NAMES = [
    "Phone screen",
    "Phone screen date",
    "Applicant ID",
    "Candidate ID",
    "Contact id",
    "Job name",
    "Email sent on",
    "Stage name",
    "Functienaam",
    "Q7",
    "How satisfied were you?",
]


@pytest.mark.parametrize("name", ISSUE_NAMES + MORE_NAMES)
def test_identifier_names_english_and_dutch(name):
    assert identifier_by_name(name) is not None


@pytest.mark.parametrize("name", NOT_IDENTIFIER_NAMES)
def test_steps_keys_and_things_are_not_identifiers(name):
    assert identifier_by_name(name) is None


def test_field_names_and_aliases_are_not_identifiers():
    # "contact" (a stage file's touchpoint) is judged with its values: see the next test.
    for fields in FIELDS.values():
        for target, aliases in fields.items():
            if target == "candidate_email":
                continue
            for name in (target, *aliases):
                if name != "contact":
                    assert identifier_by_name(name) is None, name


def test_a_contact_column_of_categories_is_kept_of_addresses_dropped():
    touchpoints = pd.DataFrame({"Contact": ["human", "automated"] * 10})
    assert find_identifiers(touchpoints) == []
    emails = pd.DataFrame({"Contact": [f"p{i}@mail.nl" for i in range(20)]})
    assert [(d.kind, d.evidence) for d in find_identifiers(emails)] == [("email", "content")]
    unknown = pd.DataFrame({"Contact": [f"zie dossier {i}" for i in range(20)]})
    assert [(d.kind, d.evidence) for d in find_identifiers(unknown)] == [("contact", "name")]


def _names(n: int) -> list[str]:
    first = ["Jan", "Emma", "Sophie", "Daan", "Noah", "Julia", "Lars", "Mila", "Anne-Marie", "Bram"]
    last = ["de Vries", "Jansen", "van der Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer"]
    return [f"{first[i % 10]} {last[(i * 7) % 8]}{'' if i < 80 else i}" for i in range(n)]


CONTENT_CASES = {
    "email": [f"kandidaat{i}@example.nl" for i in range(30)],
    "phone": [f"06-{12345600 + i}" for i in range(10)]
    + [f"+31 6 {12345600 + i}" for i in range(10)]
    + [f"+44 20 7946 {1000 + i}" for i in range(10)],
    "ip_address": [f"192.168.1.{i}" for i in range(15)] + [f"2001:db8::{i:x}" for i in range(15)],
    "profile": [f"https://www.linkedin.com/in/person-{i}" for i in range(30)],
    "person_name": _names(30),
    "birth_date": [
        (dt.date(1960, 1, 1) + dt.timedelta(days=400 * i)).strftime("%d-%m-%Y") for i in range(30)
    ],
}


@pytest.mark.parametrize("kind", sorted(CONTENT_CASES))
def test_identifiers_by_content_under_a_neutral_name(kind):
    frame = pd.DataFrame({"info": CONTENT_CASES[kind]})
    assert identifier_by_content(frame["info"], today=TODAY) == kind
    found = find_identifiers(frame, today=TODAY)
    assert [(d.column, d.kind, d.evidence) for d in found] == [("info", kind, "content")]
    assert "values" in found[0].reason("en") and "waarden" in found[0].reason("nl")


NOT_IDENTIFIER_CONTENT = {
    "ratings": [str(1 + i % 5) for i in range(40)],
    "nps": [str(i % 11) for i in range(40)],
    "categories": ["Engineering", "Sales", "Data", "Operations"] * 10,
    "applied_on": [(dt.date(2024, 1, 1) + dt.timedelta(days=9 * i)).isoformat() for i in range(80)],
    "old_export_dates": [
        (dt.date(2006, 1, 1) + dt.timedelta(days=30 * i)).isoformat() for i in range(40)
    ],
    "salaries": [str(42000 + 750 * i) for i in range(40)],
    "ids": [f"{1000000000 + 37 * i}" for i in range(40)],
    "app_ids": [f"GH-{10001 + i}" for i in range(40)],
    "free_text": [f"The recruiter called me back in {i} days, which I liked." for i in range(40)],
    "job_titles": [f"{lvl} {job}" for lvl in ("Senior", "Junior", "Lead", "Staff") for job in
                   ("Data Engineer", "Sales Manager", "Product Owner", "Recruiter", "Designer")],
    "epochs": [str(1749807000000 + 86400000 * i) for i in range(40)],
    "decimal_comma": [f"{i},5" for i in range(40)],
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(NOT_IDENTIFIER_CONTENT))
def test_no_false_positive_on_ordinary_columns(case):
    values = pd.Series(NOT_IDENTIFIER_CONTENT[case], dtype=object)
    assert identifier_by_content(values, today=TODAY) is None


def test_no_false_positive_on_the_demo(demo_con):
    for table in ("applications", "stage_events", "offers", "hires", "survey_answers"):
        frame = demo_con.execute(f'SELECT * FROM "{table}" LIMIT 5000').fetchdf().astype(str)
        assert find_identifiers(frame) == [], table


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(st.text("abcdefghij ", min_size=1, max_size=12), min_size=1, max_size=8),
    picks=st.lists(st.integers(0, 7), min_size=16, max_size=60),
)
def test_category_columns_are_never_identifiers(labels, picks):
    values = pd.Series([labels[p % len(labels)] for p in picks], dtype=object)
    assert identifier_by_content(values, today=TODAY) is None


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(CONTENT_CASES)), st.integers(0, 3))
def test_an_identifier_column_is_found_wherever_it_stands(kind, position):
    frame = pd.DataFrame({f"c{i}": ["a", "b"] * 15 for i in range(3)})
    frame.insert(position, "x", CONTENT_CASES[kind])
    assert [d.column for d in find_identifiers(frame, today=TODAY)] == ["x"]


# ---- through the imports ----------------------------------------------------------------------


def _ats_csv(n: int = 30) -> bytes:
    rng = np.random.default_rng(3)
    rows = ["Application ID,Team,Applied,Status,Phone screen,Onsite,Geboren,Datum X,contact,Tel"]
    for i in range(n):
        born = dt.date(1965, 1, 1) + dt.timedelta(days=int(rng.integers(0, 12000)))
        other = dt.date(1970, 1, 1) + dt.timedelta(days=int(rng.integers(0, 12000)))
        rows.append(
            f"A-{i},Data,0{1 + i % 9}-03-2025,Hired,0{1 + i % 9}-04-2025,1{i % 9}-04-2025,"
            f"{born:%d-%m-%Y},{other:%d-%m-%Y},p{i}@mail.nl,06{12345600 + i}"
        )
    return ("\n".join(rows) + "\n").encode()


def test_ats_import_drops_identifiers_before_saving_and_says_why(con):
    raw = ingest.read_upload(_ats_csv(), "sheet.csv")
    mapping = ingest.suggest_mapping(raw.columns, "applications", raw.frame)
    assert mapping["Geboren"] is None and mapping["Datum X"] is None  # never a stage
    assert mapping["Phone screen"] == "stage_date" and mapping["Onsite"] == "stage_date"
    prepared = ingest.prepare(raw, "applications", mapping, con=con, today=TODAY)
    assert prepared.ok, prepared.report.to_text()
    reasons = {d.column: (d.kind, d.evidence) for d in prepared.report.identifiers}
    assert reasons == {
        "Geboren": ("birth_date", "name"),
        "Datum X": ("birth_date", "content"),
        "contact": ("email", "content"),
        "Tel": ("phone", "name"),
    }
    notes = " ".join(prepared.report.notes("nl"))
    assert "Geboren (de kolomnaam zegt: geboortedatums)" in notes
    assert "Datum X (de waarden zijn geboortedatums)" in notes
    # Even a mapping that asks for it does not store a birth date as a stage.
    forced = ingest.prepare(raw, "applications", {**mapping, "Geboren": "stage_date"}, con=con)
    assert "Geboren" in forced.report.dropped_identifiers
    ingest.load(con, prepared)
    stages = {r[0] for r in con.execute("SELECT stage FROM stages").fetchall()}
    assert stages == {"phone_screen", "onsite"}
    oldest = con.execute("SELECT min(entered_on) FROM stage_events").fetchall()[0][0]
    assert oldest >= dt.date(2025, 1, 1)


def test_a_birth_date_step_in_a_stage_file_is_never_a_stage(gh):
    apps = [r[0] for r in gh.execute("SELECT application_id FROM applications LIMIT 12").fetchall()]
    lines = ["Application ID,Stage,Date"]
    for i, app in enumerate(apps):
        lines.append(f"{app},Phone screen,2025-03-{1 + i:02d}")
        lines.append(f"{app},Geboren,{1960 + 3 * i}-05-{1 + i:02d}")
    for label in ("Geboren", "Verjaardag"):  # by name, and by the dates alone
        text = "\n".join(lines).replace("Geboren", label) + "\n"
        raw = ingest.read_upload(text.encode(), "events.csv")
        prepared = ingest.prepare(raw, "stages", con=gh, mode="append")
        assert prepared.ok, prepared.report.to_text()
        assert set(prepared.tables["stage_events"]["stage"]) == {"phone_screen"}
        assert [(w.code, w.value) for w in prepared.report.warnings][:1] == [
            ("birth_date_stage", label)
        ]


def _survey_csv() -> bytes:
    cols = [*ISSUE_NAMES, "Q1", "Q2", "Wat vond je ervan?", "Info"]
    rows = [",".join(f'"{c}"' for c in cols)]
    likert = ["Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens"]
    names = _names(20)
    for i in range(20):
        rows.append(
            ",".join(
                [
                    names[i],
                    f"r{i}@mail.nl",
                    f"id{i}@corp.com",
                    f"0612345{600 + i}",
                    f"020-555{1000 + i}",
                    names[(i + 3) % 20],
                    names[(i + 5) % 20],
                    f"s{i}@x.org",
                    f"https://linkedin.com/in/p{i}",
                    f"10.0.0.{i}",
                    f"{1970 + i}-02-03",
                    likert[i % 5],
                    str(i % 11),
                    f'"Prima gesprek nummer {i}, dank je."',
                    f"+31 6 {22334400 + i}",
                ]
            )
        )
    return ("\n".join(rows) + "\n").encode()


def test_survey_import_stores_no_identifier_columns(con):
    sf = survey_ingest.read_survey(_survey_csv(), "enquete.csv")
    assert [q.text for q in sf.questions] == ["Q1", "Q2", "Wat vond je ervan?"]
    assert sf.dropped_identifiers == [*ISSUE_NAMES, "Info"]
    assert {d.column: d.evidence for d in sf.identifiers}["Info"] == "content"
    shown = dropped_columns(sf, "en")  # what the review screen and the command line show
    assert "Info (the values are phone numbers)" in shown
    assert "Geboren (the column's name says: dates of birth)" in shown
    tables = survey_ingest.build_tables(sf, survey_ingest.questions_frame(sf), "enquete", con)
    survey_ingest.save(con, tables)
    stored = " ".join(
        str(v)
        for t in ("survey_questions", "survey_answers", "survey_respondents")
        for row in con.execute(f"SELECT * FROM {t}").fetchall()
        for v in row
    )
    for leak in ("@", "linkedin", "10.0.0.", "0612345", "+31", "Jansen", "1975-02-03"):
        assert leak not in stored


def test_a_respondent_column_of_email_addresses_is_dropped(con):
    text = "Respondent,Q1\n" + "".join(f"p{i}@mail.nl,{1 + i % 5}\n" for i in range(10))
    sf = survey_ingest.read_survey(text.encode(), "s.csv")
    assert sf.respondent_column is None and sf.dropped_identifiers == ["Respondent"]
    tables = survey_ingest.build_tables(sf, survey_ingest.questions_frame(sf), "s", con)
    assert not tables["survey_respondents"]["respondent_id"].str.contains("@").any()


def test_hashed_ids_are_keyed_and_the_key_check_is_stored(con):
    raw = ingest.read_upload(_ats_csv(), "sheet.csv")
    prepared = ingest.prepare(raw, "applications", con=con, today=TODAY)
    assert prepared.meta.get(store.KEY_CHECK_META) is None  # no candidate column: no hashing
