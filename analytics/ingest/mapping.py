"""Column mapping: which column of an export is which field, and saved mappings (profiles).

Why it exists: ATS exports name their columns every which way ("Application ID", "sollicitatie",
"applicationId"). Columns are matched by name and by the English and Dutch aliases of
``fields.FIELDS``; direct identifiers (names, e-mail, phone, ...) never map to a stored field. An
analyst who corrects a mapping once can save it as a profile (in the ``mapping_profiles`` table, or
a JSON file for the command line) and get it back for the next export of the same ATS.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from analytics.ingest.fields import FIELDS, KINDS
from analytics.ingest.identifiers import find_identifiers, identifier_by_name, normalise_name
from analytics.ingest.values import is_date_column

# Fields that hold a candidate's identifier on purpose: stored only as a keyed hash.
HASHED_FIELDS = ("candidate_id", "candidate_email")


def is_identifier(column: str) -> bool:
    """True when the column's name says it holds direct identifiers (names, e-mail, phone,
    address, date of birth ...), which are never stored. ``identifiers.find_identifiers`` also
    looks at the values."""
    return identifier_by_name(column) is not None


def suggest_mapping(
    columns: Sequence[str], kind: str, frame: pd.DataFrame | None = None
) -> dict[str, str | None]:
    """Source column -> target field (or None), matched by name and English/Dutch aliases.

    Exact field names win over aliases; every field is used at most once. Identifier columns map
    to nothing, except an e-mail column, which maps to ``candidate_email`` (hashed, never stored).
    With the data (``frame``), identifiers are recognised by their values as well (a "contact"
    column of e-mail addresses, a "Geboren" column of birth dates), and other columns of an
    applications file that hold only dates are taken as a homemade sheet's date column per stage
    (``stage_date``).
    """
    fields = FIELDS[kind]
    mapping: dict[str, str | None] = dict.fromkeys(columns)
    taken: set[str] = set()
    for exact in (True, False):
        for col in columns:
            if mapping[col] is not None:
                continue
            norm = normalise_name(col)
            for target, aliases in fields.items():
                if target in taken:
                    continue
                names = (normalise_name(target),) if exact else aliases
                if norm in names:
                    mapping[col] = target
                    taken.add(target)
                    break
    if frame is None:
        flagged = {c for c in columns if is_identifier(c)}
    else:
        hashed = [c for c, f in mapping.items() if f in HASHED_FIELDS]
        flagged = {d.column for d in find_identifiers(frame, columns, by_name_only=hashed)}
    for col, target in mapping.items():
        if target is not None and target not in HASHED_FIELDS and col in flagged:
            mapping[col] = None
    if frame is not None and kind == "applications":
        for col, target in mapping.items():
            if target is None and col not in flagged and is_date_column(frame[col]):
                mapping[col] = "stage_date"
    return mapping


# --------------------------------------------------------------------------------------------
# Mapping profiles (stored in the ``mapping_profiles`` table, or a JSON file)


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str
    mapping: dict[str, str | None]
    date_order: str | None = None

    def apply(self, columns: Sequence[str]) -> dict[str, str | None]:
        """The saved mapping for these columns (columns the profile does not know: ignored)."""
        return {c: self.mapping.get(c) for c in columns}

    def to_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "kind": self.kind,
                "mapping": self.mapping,
                "date_order": self.date_order,
            },
            ensure_ascii=False,
            indent=2,
        )


def _check_profile(name: str, kind: str, mapping: Mapping, date_order: str | None) -> None:
    if not name.strip():
        raise ValueError("a profile needs a name")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if date_order not in (None, "dmy", "mdy"):
        raise ValueError("date order must be dmy or mdy")
    wrong = [f for f in mapping.values() if f and f not in FIELDS[kind]]
    if wrong:
        raise ValueError(f"'{wrong[0]}' is not a field of {kind} files")


def save_profile(
    con: duckdb.DuckDBPyConnection,
    name: str,
    kind: str,
    mapping: Mapping[str, str | None],
    date_order: str | None = None,
) -> Profile:
    """Save (or overwrite) a named mapping for the next upload of the same export."""
    _check_profile(name, kind, mapping, date_order)
    profile = Profile(name.strip(), kind, dict(mapping), date_order)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    cur = con.cursor()
    try:
        cur.execute(
            "INSERT OR REPLACE INTO mapping_profiles VALUES (?, ?, ?, ?, ?)",
            [profile.name, kind, json.dumps(profile.mapping, ensure_ascii=False), date_order, now],
        )
    finally:
        cur.close()
    return profile


def list_profiles(con: duckdb.DuckDBPyConnection | None, kind: str | None = None) -> list[Profile]:
    if con is None:
        return []
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT name, kind, mapping, date_order FROM mapping_profiles "
            "WHERE ? IS NULL OR kind = ? ORDER BY name",
            [kind, kind],
        ).fetchall()
    finally:
        cur.close()
    return [Profile(n, k, json.loads(m), d) for n, k, m, d in rows]


def delete_profile(con: duckdb.DuckDBPyConnection, name: str) -> None:
    cur = con.cursor()
    try:
        cur.execute("DELETE FROM mapping_profiles WHERE name = ?", [name])
    finally:
        cur.close()


def find_profile(con: duckdb.DuckDBPyConnection | None, name_or_path: str) -> Profile:
    """A profile by name in the database, else from a JSON file (``Profile.to_json`` format).
    Raises ``ValueError`` saying which names exist when neither is found."""
    for profile in list_profiles(con):
        if profile.name == name_or_path:
            return profile
    path = Path(name_or_path)
    if path.suffix.lower() == ".json" and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            profile = Profile(
                str(data.get("name") or path.stem),
                str(data["kind"]),
                {str(k): (v or None) for k, v in dict(data["mapping"]).items()},
                data.get("date_order"),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ValueError(
                f"{path.name} is not a mapping profile (JSON with kind and mapping): {e}"
            ) from e
        _check_profile(profile.name, profile.kind, profile.mapping, profile.date_order)
        return profile
    names = ", ".join(p.name for p in list_profiles(con)) or "none saved yet"
    raise ValueError(
        f"no mapping profile '{name_or_path}' in the database (saved: {names}) "
        "and no such JSON file"
    )


def best_profile(
    con: duckdb.DuckDBPyConnection | None, columns: Sequence[str], kind: str
) -> Profile | None:
    """The saved profile of this kind whose mapped columns are all in the file, the one mapping
    the most columns (None when no profile fits)."""
    present = set(columns)
    best, best_n = None, 0
    for profile in list_profiles(con, kind):
        used = {c for c, f in profile.mapping.items() if f}
        if used and used <= present and len(used) > best_n:
            best, best_n = profile, len(used)
    return best
