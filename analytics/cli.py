"""Command line.

``python -m analytics demo --applications N --seed S --db PATH`` builds the demo database;
``python -m analytics import FILE --kind applications|stages|offers|hires [--mode replace|append]
[--date-order dmy|mdy] [--mapping PROFILE] [--db PATH]`` imports an ATS export and prints the
data-quality report (PROFILE: a mapping profile saved on the Data page, or a JSON file);
``python -m analytics import FILE --kind survey [--name NAME] [--db PATH]`` imports a survey
export (CSV, .xlsx, SPSS .sav; Qualtrics, SurveyMonkey, Google Forms) with detected question kinds;
``python -m analytics undo [--db PATH]`` puts back the data as they were before the last load.
``python -m analytics publish SRC DEST`` publishes a database file to read-only app processes;
``python -m analytics bench --applications N [--runs R] [--json FILE]`` measures the pages'
analytics, page runs, the CSV import and memory against a pandas baseline (docs/performance.md);
with ``--browser``, every page and tab in headless Chromium against a bare-Streamlit floor.
``python -m analytics sync --from DIR|postgresql://... --shape greenhouse-fivetran|lever-fivetran
[--schema NAME] [--db PATH]`` loads a warehouse-synced ATS schema (exit codes: 0 loaded or
unchanged, 1 the source holds no applications, 2 bad input, 3 the database could not be written);
``python -m analytics report --format html|pptx --out FILE [--lang nl] [--db PATH] [--from D]
[--to D] [--role-family V ...]`` writes the findings as an offline HTML report or a PowerPoint deck.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analytics import demo, ingest, store
from analytics.domain import AivshiError, Filters
from analytics.i18n import t
from analytics.ingest import survey as survey_ingest

DB_HELP = "database file (default: $AIVSHI_DB or data/aivshi.duckdb)"
REPORT_FORMATS = ("html", "pptx")  # the same as analytics.report.FORMATS, without importing pptx


def _demo(args: argparse.Namespace) -> int:
    path = Path(args.db) if args.db else store.db_path_from_env()
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        con = store.connect(path)
    except store.StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        version = demo.build(con, args.applications, args.seed)
        info = store.dataset_info(con)
    finally:
        con.close()
    print(
        f"Built demo data in {path}: {info.applications:,} applications, seed {args.seed}, "
        f"data version {version}, as of {info.as_of} ({time.perf_counter() - started:.1f} s)."
    )
    return 0


def _import(args: argparse.Namespace) -> int:
    path = Path(args.db) if args.db else store.db_path_from_env()
    try:
        raw = ingest.read_path(args.file)
    except ingest.IngestError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        con = store.connect(path)
    except store.StoreError as e:
        problem = ingest.Problem("locked", str(path), detail=str(e.__cause__ or e)[:200])
        print(f"error: {problem.text()}", file=sys.stderr)
        return 2
    try:
        mapping, date_order = None, args.date_order
        if args.mapping:
            try:
                profile = ingest.find_profile(con, args.mapping)
            except ValueError as e:
                print(f"error: {e}", file=sys.stderr)
                return 2
            if profile.kind != args.kind:
                print(
                    f"error: profile '{profile.name}' is for {profile.kind} files, not "
                    f"{args.kind}; choose another profile or --kind {profile.kind}.",
                    file=sys.stderr,
                )
                return 2
            mapping = profile.apply(raw.columns)
            date_order = date_order or profile.date_order
        prepared = ingest.prepare(
            raw, args.kind, mapping, date_order=date_order, con=con, mode=args.mode
        )
        if not prepared.ok:
            print(prepared.report.to_text(), file=sys.stderr)
            print(
                "error: nothing was loaded; fix the problems above and run again.", file=sys.stderr
            )
            return 2
        try:
            version = ingest.load(con, prepared, mode=args.mode)
        except store.StoreError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    finally:
        con.close()
    print(prepared.report.to_text())
    print(f"Loaded into {path} (data version {version}).")
    return 0


def _import_safely(args: argparse.Namespace) -> int:
    """The import with one promise: a message and exit code 2 on any failure, never a
    traceback (issue 18). Loads are single transactions, so a failure changed nothing."""
    try:
        return _import_survey(args) if args.kind == "survey" else _import(args)
    except AivshiError as e:
        text = e.text() if isinstance(e, survey_ingest.SurveyError) else str(e)
        print(f"error: {text}; nothing was loaded.", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - the last net: a message, not a traceback
        print(
            f"error: the import failed ({type(e).__name__}); nothing was loaded. "
            "Check the file (or report this with the file's layout, not its data).",
            file=sys.stderr,
        )
    return 2


def _import_survey(args: argparse.Namespace) -> int:
    """``import FILE --kind survey [--name NAME]``: kinds detected, stored without review."""
    path = Path(args.db) if args.db else store.db_path_from_env()
    try:
        con = store.connect(path)
    except store.StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        tables, survey_file, version = survey_ingest.import_file(con, args.file, args.name)
    except survey_ingest.SurveyError as e:
        print(f"error: {e.text()}; nothing was stored.", file=sys.stderr)
        return 2
    except store.StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        con.close()
    print(survey_ingest.summary(survey_file, tables))
    print(f"Loaded into {path} (data version {version}).")
    return 0


def _undo(args: argparse.Namespace) -> int:
    path = Path(args.db) if args.db else store.db_path_from_env()
    try:
        con = store.connect(path)
    except store.StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        version = ingest.undo(con)
    except store.StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        con.close()
    print(f"Undid the last load in {path} (data version {version}).")
    return 0


def _publish(args: argparse.Namespace) -> int:
    try:
        versioned = store.publish(args.source, args.dest, keep=args.keep)
    except store.StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"Published {args.source} as {versioned}; {args.dest} now points to it.")
    return 0


class ReportError(AivshiError):
    """A problem the user can fix; the message says what, where and what to do."""


def _date(value: str | None, option: str, lang: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ReportError(t("report.error.date", lang, option=option, value=value)) from None


def filters_from_args(args: argparse.Namespace) -> Filters:
    lang = args.lang
    return Filters(
        date_from=_date(args.date_from, "--from", lang),
        date_to=_date(args.date_to, "--to", lang),
        role_family=tuple(args.role_family),
        seniority=tuple(args.seniority),
        region=tuple(args.region),
        source=tuple(args.source),
    )


def _report(args: argparse.Namespace) -> int:
    """``python -m analytics report``. Exit codes: 0 written, 1 nothing to report (no data in
    the filters), 2 bad input (date, database), 3 the output file could not be written."""
    # Imported here: only the report needs python-pptx and the slide builders.
    from analytics import report

    lang = args.lang
    try:
        filters = filters_from_args(args)
    except ReportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    path = Path(args.db) if args.db else store.db_path_from_env()
    if not path.exists():
        detail = "the file does not exist"
        print(f"error: {t('report.error.db', lang, path=path, detail=detail)}", file=sys.stderr)
        return 2
    try:
        con = store.connect(path, read_only=True)
    except store.StoreError as e:
        detail = str(e.__cause__ or e)[:200]
        print(f"error: {t('report.error.db', lang, path=path, detail=detail)}", file=sys.stderr)
        return 2
    try:
        cur = con.cursor()
        deck = report.build_deck(cur, filters, lang, adjust_by=args.adjust_by)
        cur.close()
    finally:
        con.close()
    if not deck.slides:
        print(f"error: {t('report.error.empty', lang)}", file=sys.stderr)
        return 1
    payload = report.render(deck, args.format)
    out = Path(args.out)
    try:
        out.write_bytes(payload)
    except OSError as e:
        detail = e.strerror or str(e)
        print(f"error: {t('report.error.out', lang, path=out, detail=detail)}", file=sys.stderr)
        return 3
    print(t("report.written", lang, path=out, n=len(deck.slides), format=args.format))
    return 0


def _bench(args: argparse.Namespace) -> int:
    """``python -m analytics bench``: run, print the table, write the JSON."""
    from analytics import bench  # imported here: a tool, not part of the engine

    workdir = Path(args.workdir) if args.workdir else None
    result = bench.run(
        args.applications,
        runs=args.runs,
        workdir=workdir,
        with_import=not args.no_import,
        with_apptest=not args.no_pages,
        reuse_db=Path(args.reuse_db) if args.reuse_db else None,
        with_baseline=not args.no_baseline,
        browser=args.browser,
        log=lambda s: print(s, file=sys.stderr, flush=True),
    )
    print(bench.table(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str))
        print(f"wrote {args.json}")
    return 0


def _sync(args: argparse.Namespace) -> int:
    """``python -m analytics sync``: see ``_add_sync``. Exit codes as ``report``: 0 loaded (or
    nothing changed), 1 nothing to load, 2 bad input, 3 the database could not be written."""
    import os

    from analytics.ingest import sync

    lang = args.lang
    source = args.source or os.environ.get(sync.URL_ENV_VAR)
    if not source:
        print(t("sync.cli.no_source", lang), file=sys.stderr)
        return 2
    if args.source and args.source.startswith(("postgresql://", "postgres://")):
        try:
            sync.check_url(args.source)  # before anything is opened
        except sync.SyncError as e:
            print(f"error: {e.text(lang)}", file=sys.stderr)
            return 2
    path = Path(args.db) if args.db else store.db_path_from_env()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = store.connect(path)
    except store.StoreError as e:
        problem = ingest.Problem("locked", str(path), detail=str(e.__cause__ or e)[:200])
        print(f"error: {problem.text(lang)}", file=sys.stderr)
        return 3
    try:
        # A password may sit in AIVSHI_SYNC_URL (the environment), never in --from.
        result = sync.sync(
            con, source, args.shape, schema=args.schema, password_in_url_ok=not args.source
        )
    except sync.SyncError as e:
        print(f"error: {e.text(lang)}", file=sys.stderr)
        return 1 if e.code == "no_applications" else 2
    except store.StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    finally:
        con.close()
    if not result.ok:
        print(result.to_text(lang), file=sys.stderr)
        print(t("sync.cli.problems", lang), file=sys.stderr)
        return 2
    print(result.to_text(lang))
    key = "sync.cli.loaded" if result.changed else "sync.cli.unchanged"
    print(t(key, lang, path=path, version=result.version))
    return 0


# --- the parser: one function per subcommand -----------------------------------------------


def _add_demo(sub: Any) -> None:
    p = sub.add_parser("demo", help="build (or replace) the demo data in a database file")
    p.add_argument("--applications", type=int, default=demo.DEFAULT_APPLICATIONS)
    p.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    p.add_argument("--db", help=DB_HELP)


def _add_import(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="import an ATS export (CSV, Excel .xlsx, Parquet); the app must not be running",
    )
    p.add_argument("file", help="the file to import")
    p.add_argument("--kind", required=True, choices=(*ingest.KINDS, "survey"))
    p.add_argument("--name", help="survey name (--kind survey; default: the file name)")
    p.add_argument("--mode", choices=("replace", "append"), default="replace")
    p.add_argument(
        "--date-order", choices=("dmy", "mdy"), help="order of dd-mm / mm-dd dates when ambiguous"
    )
    p.add_argument(
        "--mapping", help="a mapping profile: its name (saved on the Data page) or a JSON file"
    )
    p.add_argument("--db", help=DB_HELP)


def _add_undo(sub: Any) -> None:
    p = sub.add_parser("undo", help="put back the data as they were before the last load")
    p.add_argument("--db", help=DB_HELP)


def _add_bench(sub: Any) -> None:
    p = sub.add_parser("bench", help="measure page analytics, page runs, import, memory vs pandas")
    p.add_argument("--applications", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5, help="warm runs per page (median)")
    p.add_argument("--json", help="write the full result as JSON to this file")
    p.add_argument("--workdir", help="where the temporary database goes (default: a temp dir)")
    p.add_argument("--no-import", action="store_true", help="skip the CSV import measurement")
    p.add_argument("--no-pages", action="store_true", help="skip the AppTest page runs")
    p.add_argument("--no-baseline", action="store_true", help="skip the pandas baseline")
    p.add_argument(
        "--reuse-db",
        help="measure an existing demo database (read only) instead of generating one",
    )
    p.add_argument(
        "--browser",
        action="store_true",
        help="measure every page and tab in headless Chromium against a bare-Streamlit floor "
        "(--runs repeats; replaces the Python-side measurements)",
    )


def _add_report(sub: Any) -> None:
    p = sub.add_parser("report", help="write the findings as an HTML report or a PowerPoint deck")
    p.add_argument("--format", choices=REPORT_FORMATS, required=True)
    p.add_argument("--out", required=True, help="the file to write")
    p.add_argument("--lang", choices=("en", "nl"), default="en")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--from", dest="date_from", help="first application date (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="last application date (YYYY-MM-DD)")
    p.add_argument(
        "--adjust-by",
        choices=("role_family", "seniority", "region", "source"),
        help="adjust the headline rates for this dimension (Mantel-Haenszel)",
    )
    for dim in ("role-family", "seniority", "region", "source"):
        p.add_argument(f"--{dim}", action="append", default=[], help="repeat for several values")


def _add_publish(sub: Any) -> None:
    p = sub.add_parser(
        "publish", help="publish a finished database file to read-only app processes"
    )
    p.add_argument("source", help="the database the loader built (closed)")
    p.add_argument("dest", help="the path the read-only apps open (AIVSHI_DB)")
    p.add_argument("--keep", type=int, default=3, help="published versions to keep")


def _add_sync(sub: Any) -> None:
    p = sub.add_parser(
        "sync",
        help="load a warehouse-synced ATS schema (Fivetran Greenhouse or Lever) from a folder of "
        "Parquet/CSV files or PostgreSQL; the app must not be running",
    )
    p.add_argument(
        "--from",
        dest="source",
        help="a folder of files named after the tables, or postgresql://user@host:port/database "
        "(no password: use PGPASSWORD or ~/.pgpass); default: $AIVSHI_SYNC_URL",
    )
    p.add_argument("--shape", required=True, choices=("greenhouse-fivetran", "lever-fivetran"))
    p.add_argument("--schema", help="PostgreSQL schema (default: greenhouse or lever)")
    p.add_argument("--lang", choices=("en", "nl"), default="en")
    p.add_argument("--db", help=DB_HELP)


def parser() -> argparse.ArgumentParser:
    out = argparse.ArgumentParser(prog="python -m analytics", description=__doc__)
    sub = out.add_subparsers(dest="command", required=True)
    for add in (_add_demo, _add_import, _add_undo, _add_bench, _add_report, _add_publish,
                _add_sync):  # fmt: skip
        add(sub)
    return out


def main(argv: list[str] | None = None) -> int:
    the_parser = parser()
    args = the_parser.parse_args(argv)
    store.private_files()  # databases and copies this command writes are 0600 (DEPLOY.md)
    if args.command == "demo" and args.applications < 100:
        the_parser.error("--applications must be at least 100")
    if args.command == "import":
        return _import_safely(args)
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "demo": _demo,
        "undo": _undo,
        "bench": _bench,
        "report": _report,
        "publish": _publish,
        "sync": _sync,
    }
    return commands[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
