"""The command line (``python -m analytics``): the ``report`` and ``bench`` subcommands, their
exit codes and messages (import, undo and publish are tested with the ingest and store tests)."""

from __future__ import annotations

import json

import pytest
from pptx import Presentation

from analytics.cli import main


@pytest.fixture(scope="module")
def db_file(demo_db):
    return demo_db(2000, 3)


# --- report ----------------------------------------------------------------------------------


def test_cli_writes_pptx_and_html(db_file, tmp_path, capsys):
    out = tmp_path / "deck.pptx"
    assert main(["report", "--format", "pptx", "--out", str(out), "--db", str(db_file)]) == 0
    assert len(Presentation(str(out)).slides) >= 3
    assert "slides" in capsys.readouterr().out
    html_out = tmp_path / "report.html"
    args = ["report", "--format", "html", "--out", str(html_out), "--db", str(db_file)]
    assert main([*args, "--lang", "nl", "--from", "2024-01-01"]) == 0
    text = html_out.read_text(encoding="utf-8")
    assert '<html lang="nl">' in text and "2024-01-01" in text


def test_cli_bad_date_is_exit_2(db_file, tmp_path, capsys):
    args = ["report", "--format", "html", "--out", str(tmp_path / "r.html"), "--db", str(db_file)]
    assert main([*args, "--from", "12-03-2025"]) == 2
    err = capsys.readouterr().err
    assert "--from" in err and "YYYY-MM-DD" in err and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


def test_cli_missing_database_is_exit_2(tmp_path, capsys):
    args = ["report", "--format", "pptx", "--out", str(tmp_path / "r.pptx")]
    assert main([*args, "--db", str(tmp_path / "nope.duckdb")]) == 2
    assert "nope.duckdb" in capsys.readouterr().err
    assert not (tmp_path / "nope.duckdb").exists()  # a report never creates a database


def test_cli_no_matching_data_is_exit_1(db_file, tmp_path, capsys):
    args = ["report", "--format", "pptx", "--out", str(tmp_path / "r.pptx"), "--db", str(db_file)]
    assert main([*args, "--role-family", "no such role"]) == 1
    assert "No applications match" in capsys.readouterr().err


def test_cli_unwritable_output_is_exit_3(db_file, tmp_path, capsys):
    out = tmp_path / "missing" / "folder" / "r.html"
    args = ["report", "--format", "html", "--out", str(out), "--db", str(db_file)]
    assert main(args) == 3
    assert "Cannot write" in capsys.readouterr().err


def test_cli_unknown_format_is_a_usage_error(db_file, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["report", "--format", "pdf", "--out", str(tmp_path / "r"), "--db", str(db_file)])
    assert exc.value.code == 2


# --- bench ------------------------------------------------------------------------------------


@pytest.mark.slow  # child processes: demo, analytics, baseline
def test_bench_cli_writes_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    code = main(
        [
            "bench",
            "--applications",
            "500",
            "--runs",
            "1",
            "--no-pages",
            "--no-import",
            "--json",
            str(out),
            "--workdir",
            str(tmp_path / "w"),
        ]
    )
    assert code == 0
    data = json.loads(out.read_text())
    assert data["applications"] == 500 and "apptest" not in data
    assert "page analytics" in capsys.readouterr().out
