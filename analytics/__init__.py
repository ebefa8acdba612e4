"""AI vs HI's analytics: everything that is not Streamlit (store, ingest, metrics, stats, charts,
findings, report, bench).

One process-wide setting lives here because it must be made before numpy is first imported, and
importing this package is the first thing the app, the command line and the benchmark do:
OpenBLAS's threads. numpy's OpenBLAS starts one thread per core for every matrix product; the
models here are small (the human premium's logit: 44,575 x 11 at 1M applications), so the
threads only add hand-over cost, and on a server where Streamlit runs several sessions at once
they compete with each other: one 44,575 x 11 product took 13-22 ms threaded and 0.3-1.3 ms on
one thread on the 2-core machine (issue 21). A value set by the operator wins.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
