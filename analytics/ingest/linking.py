"""How many rows of a file link to the loaded applications, before anything is saved.

Why: a survey whose id column matches none of the loaded applications used to be saved without a
word, and then no survey result could be split by pipeline from the applications. Stage, offer
and hire files that reference unknown applications are refused row by row, but the reader saw
only a list of problems, not the one number that matters ("0 of 60 rows matched"). ``link_report``
gives that number and a few unmatched examples, for every kind of file that hangs off
applications.

Privacy: an example is shown only when it looks like a system code (letters, digits and
separators, at least one digit, no "@", no space); anything that could be a name, an e-mail
address or a phone number is never printed. Ids that the database stores hashed are compared in
their hashed form (the keyed hash of ``store.idkey``), so linking works either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics import store

MAX_EXAMPLES = 3
# A system code: starts with a letter or digit, then letters, digits, - _ . / : only, 3-40 long.
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-./:]{2,39}$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{8,}$")


@dataclass(frozen=True)
class LinkReport:
    """Rows with an id, how many of them match a loaded application, and safe examples of ids
    that did not match (never more than ``MAX_EXAMPLES``; none that could be personal)."""

    rows: int  # rows with a non-empty id
    matched: int
    loaded: int  # applications in the database
    examples: tuple[str, ...]
    hidden_examples: bool  # some unmatched ids were not shown because they could be personal

    @property
    def unmatched(self) -> int:
        return self.rows - self.matched

    @property
    def level(self) -> str:
        """ "none" (nothing links), "some" or "all"; "empty" when the file has no ids."""
        if self.rows == 0:
            return "empty"
        if self.matched == 0:
            return "none"
        return "all" if self.matched == self.rows else "some"


def safe_example(value: str) -> bool:
    """True when ``value`` looks like a system code that cannot identify a person."""
    return (
        bool(_CODE.match(value))
        and any(ch.isdigit() for ch in value)
        and "@" not in value
        and not _PHONE.match(value)
    )


def link_report(con: duckdb.DuckDBPyConnection | None, ids: Iterable[object]) -> LinkReport:
    """Match ``ids`` (one per row, None for none) against ``applications.application_id``,
    as given and in their keyed-hash form."""
    values = [str(v).strip() for v in ids if v is not None and not pd.isna(v) and str(v).strip()]
    if con is None:
        return LinkReport(len(values), 0, 0, (), False)
    distinct = sorted(set(values))
    try:  # ids hashed at import use the key outside the database (store.idkey)
        key = store.id_key(con)
    except store.StoreError:
        key = None
    cur = con.cursor()
    try:
        loaded = cur.execute("SELECT count(*) FROM applications").fetchall()[0][0]
        frame = pd.DataFrame(
            {
                "raw": pd.Series(distinct, dtype=object),
                "hashed": pd.Series(
                    [key.hash(v) for v in distinct] if key else distinct, dtype=object
                ),
            }
        )
        cur.register("_link_ids", frame)
        try:
            found = cur.execute(
                "SELECT CAST(i.raw AS VARCHAR) FROM _link_ids AS i "
                "WHERE CAST(i.raw AS VARCHAR) IN (SELECT application_id FROM applications) "
                "OR CAST(i.hashed AS VARCHAR) IN (SELECT application_id FROM applications)"
            ).fetchall()
        finally:
            cur.unregister("_link_ids")
    finally:
        cur.close()
    known = {r[0] for r in found}
    matched = sum(v in known for v in values)
    unmatched = [v for v in distinct if v not in known]
    safe = [v for v in unmatched if safe_example(v)]
    return LinkReport(
        rows=len(values),
        matched=matched,
        loaded=int(loaded),
        examples=tuple(safe[:MAX_EXAMPLES]),
        hidden_examples=len(safe) < len(unmatched),
    )
