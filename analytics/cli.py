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
analytics, page runs, the CSV import and memory against a pandas baseline (README, Performance).
``python -m analytics report --format html|pptx --out FILE [--lang nl] [--db PATH] [--from D]
[--to D] [--role-family V ...]`` writes the findings as an offline HTML report or a PowerPoint deck.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from analytics import demo, ingest, store
from analytics.ingest import survey as survey_ingest


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_demo = sub.add_parser("demo", help="build (or replace) the demo data in a database file")
    p_demo.add_argument("--applications", type=int, default=demo.DEFAULT_APPLICATIONS)
    p_demo.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    p_demo.add_argument("--db", help="database file (default: $AIVSHI_DB or data/aivshi.duckdb)")
    p_import = sub.add_parser(
        "import",
        help="import an ATS export (CSV, Excel .xlsx, Parquet); the app must not be running",
    )
    p_import.add_argument("file", help="the file to import")
    p_import.add_argument("--kind", required=True, choices=(*ingest.KINDS, "survey"))
    p_import.add_argument("--name", help="survey name (--kind survey; default: the file name)")
    p_import.add_argument("--mode", choices=("replace", "append"), default="replace")
    p_import.add_argument(
        "--date-order", choices=("dmy", "mdy"), help="order of dd-mm / mm-dd dates when ambiguous"
    )
    p_import.add_argument(
        "--mapping", help="a mapping profile: its name (saved on the Data page) or a JSON file"
    )
    p_import.add_argument("--db", help="database file (default: $AIVSHI_DB or data/aivshi.duckdb)")
    p_undo = sub.add_parser("undo", help="put back the data as they were before the last load")
    p_undo.add_argument("--db", help="database file (default: $AIVSHI_DB or data/aivshi.duckdb)")
    from analytics import bench  # imported here: only the bench needs it

    bench.add_parser(sub)
    from analytics import report  # imported here: only the report needs python-pptx

    report.add_parser(sub)
    p_pub = sub.add_parser(
        "publish", help="publish a finished database file to read-only app processes"
    )
    p_pub.add_argument("source", help="the database the loader built (closed)")
    p_pub.add_argument("dest", help="the path the read-only apps open (AIVSHI_DB)")
    p_pub.add_argument("--keep", type=int, default=3, help="published versions to keep")
    args = parser.parse_args(argv)
    if args.command == "bench":
        return bench.cli(args)
    if args.command == "publish":
        return _publish(args)
    if args.command == "report":
        return report.cli(args)
    if args.command == "import":
        return _import_survey(args) if args.kind == "survey" else _import(args)
    if args.command == "undo":
        return _undo(args)
    if args.command == "demo":
        if args.applications < 100:
            parser.error("--applications must be at least 100")
        return _demo(args)
    return 1  # pragma: no cover - argparse enforces the command


if __name__ == "__main__":
    raise SystemExit(main())
