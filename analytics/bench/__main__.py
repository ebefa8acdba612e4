"""``python -m analytics.bench TASK ARGS``: one measurement in a fresh child process."""

from analytics.bench.tasks import main

raise SystemExit(main())
