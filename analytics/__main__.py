"""Command line: ``python -m analytics demo --applications N --seed S --db PATH``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from analytics import demo, store


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_demo = sub.add_parser("demo", help="build (or replace) the demo data in a database file")
    p_demo.add_argument("--applications", type=int, default=demo.DEFAULT_APPLICATIONS)
    p_demo.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    p_demo.add_argument("--db", help="database file (default: $AIVSHI_DB or data/aivshi.duckdb)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        if args.applications < 100:
            parser.error("--applications must be at least 100")
        return _demo(args)
    return 1  # pragma: no cover - argparse enforces the command


if __name__ == "__main__":
    raise SystemExit(main())
