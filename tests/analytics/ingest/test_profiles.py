"""ingest.mapping profiles: save, pick and apply; kept across loads and undo; the command line by
name and by file."""

from __future__ import annotations

import json

import pytest

from analytics import ingest, store
from analytics.cli import main
from tests.analytics.ingest.helpers import import_sample as _import

ODD = (
    "Ref,When,Track,Outcome\n"
    "X1,2025-02-01,human_first,hired\nX2,2025-02-02,automation_first,rejected\n"
)


ODD_MAPPING = {
    "Ref": "application_id",
    "When": "applied_on",
    "Track": "pipeline",
    "Outcome": "status",
}


def test_profiles_save_pick_and_apply(con, tmp_path):
    raw = ingest.read_upload(ODD.encode(), "odd.csv")
    assert not ingest.prepare(raw, "applications", con=con).ok  # names not recognised
    assert ingest.best_profile(con, raw.columns, "applications") is None
    ingest.save_profile(con, "Our ATS", "applications", ODD_MAPPING, "dmy")
    ingest.save_profile(con, "Smaller", "applications", {"Ref": "application_id"})
    ingest.save_profile(con, "Other kind", "offers", {"Ref": "application_id"})
    best = ingest.best_profile(con, raw.columns, "applications")
    assert best is not None and best.name == "Our ATS" and best.date_order == "dmy"
    assert ingest.best_profile(con, ["Ref", "Something"], "applications").name == "Smaller"
    prepared = ingest.prepare(raw, "applications", best.apply(raw.columns), con=con)
    assert prepared.ok, prepared.report.to_text()
    # overwrite under the same name; JSON round trip
    ingest.save_profile(con, "Our ATS", "applications", ODD_MAPPING, None)
    assert [
        p.date_order for p in ingest.list_profiles(con, "applications") if p.name == "Our ATS"
    ] == [None]
    path = tmp_path / "our_ats.json"
    path.write_text(best.to_json(), encoding="utf-8")
    assert ingest.find_profile(con, str(path)) == best
    with pytest.raises(ValueError, match="no mapping profile 'nope'"):
        ingest.find_profile(con, "nope")
    with pytest.raises(ValueError, match="not a field"):
        ingest.save_profile(con, "x", "offers", {"Ref": "status"})


def test_profiles_are_settings_kept_across_loads_and_undo(gh):
    ingest.save_profile(gh, "Kept", "applications", ODD_MAPPING)
    _import(gh, "nl_sollicitaties.csv", "applications")
    ingest.undo(gh)
    assert [p.name for p in ingest.list_profiles(gh)] == ["Kept"]


def test_cli_import_with_a_profile_by_name_and_by_file(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    src = tmp_path / "odd.csv"
    src.write_text(ODD, encoding="utf-8")
    assert main(["import", str(src), "--kind", "applications", "--db", str(db)]) == 2
    c = store.connect(db)
    ingest.save_profile(c, "Our ATS", "applications", ODD_MAPPING)
    c.close()
    assert (
        main(
            ["import", str(src), "--kind", "applications", "--mapping", "Our ATS", "--db", str(db)]
        )
        == 0
    )
    assert "Loaded into" in capsys.readouterr().out
    profile = tmp_path / "p.json"
    profile.write_text(
        json.dumps({"kind": "applications", "mapping": ODD_MAPPING}), encoding="utf-8"
    )
    assert (
        main(
            [
                "import",
                str(src),
                "--kind",
                "applications",
                "--mapping",
                str(profile),
                "--db",
                str(db),
            ]
        )
        == 0
    )
    assert (
        main(["import", str(src), "--kind", "offers", "--mapping", "Our ATS", "--db", str(db)]) == 2
    )
    assert "is for applications files" in capsys.readouterr().err
    assert (
        main(
            ["import", str(src), "--kind", "applications", "--mapping", "missing", "--db", str(db)]
        )
        == 2
    )
    c = store.connect(db)
    assert c.execute("SELECT count(*) FROM applications").fetchone()[0] == 2
    c.close()
