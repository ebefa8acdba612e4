"""``python -m analytics``: the command line (``analytics.cli``)."""

from analytics.cli import main

raise SystemExit(main())
