"""The synced table shapes the app reads: which tables and columns each connector writes.

Why it is data: a connector's schema is a published contract (Fivetran's open-source dbt packages
``dbt_greenhouse_source`` and ``dbt_lever_source`` list every table and column in
``models/src_*.yml`` and ``macros/get_*_columns.sql``). Supporting another connector (Airbyte,
Stitch) means another entry here and its mapping SQL in ``mapping.py``.

Only the columns listed are ever read: the candidate's name, e-mail, phone, address and resume
columns of the synced schema are never fetched, so they cannot be stored by mistake. Columns
marked required must exist; optional ones are read when present and NULL otherwise (older and newer
connector versions differ). Tables not marked required may be missing altogether.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSpec:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    needed: bool = True  # the sync refuses a source without this table

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


# Columns Fivetran adds to every table: soft deletes, history mode (one row per version of a
# record, the current one active) and the sync time (the latest copy wins when ids repeat).
_FIVETRAN = ("_fivetran_deleted", "_fivetran_active", "_fivetran_synced")


@dataclass(frozen=True)
class Shape:
    key: str
    title: str
    tables: tuple[TableSpec, ...]

    def table(self, name: str) -> TableSpec:
        return next(t for t in self.tables if t.name == name)


GREENHOUSE = Shape(
    key="greenhouse-fivetran",
    title="Greenhouse (Fivetran)",
    tables=(
        TableSpec(
            "application",
            ("id", "applied_at", "status"),
            (
                "candidate_id",
                "source_id",
                "current_stage_id",
                "rejected_reason_id",
                "prospect",
                "is_deleted",
                *_FIVETRAN,
            ),
        ),  # fmt: skip
        TableSpec(
            "application_history",
            ("application_id", "new_stage_id", "updated_at"),
            ("new_status", *_FIVETRAN),
        ),
        TableSpec("job_stage", ("id", "name"), ("job_id", "updated_at", *_FIVETRAN)),
        TableSpec("job_application", ("application_id", "job_id"), _FIVETRAN, needed=False),
        TableSpec("job", ("id",), ("requisition_id", *_FIVETRAN), needed=False),
        TableSpec("job_department", ("job_id", "department_id"), _FIVETRAN, needed=False),
        TableSpec("department", ("id", "name"), _FIVETRAN, needed=False),
        TableSpec("job_office", ("job_id", "office_id"), _FIVETRAN, needed=False),
        TableSpec("office", ("id", "name"), _FIVETRAN, needed=False),
        TableSpec("source", ("id", "name"), _FIVETRAN, needed=False),
        # Not in the dbt package but in Fivetran's Greenhouse connector (ERD): offers with a
        # version per revision and status unresolved | accepted | rejected | deprecated.
        TableSpec(
            "offer",
            ("id", "application_id", "status", "created_at"),
            ("version", "sent_at", "resolved_at", *_FIVETRAN),
            needed=False,
        ),
        # Greenhouse's rejection reasons have a type: "We rejected them" (the company) or "They
        # rejected us" (the candidate withdrew), which splits drop-off the way DESIGN.md needs.
        TableSpec("rejection_reason", ("id",), ("name", "type_name", *_FIVETRAN), needed=False),
    ),
)

LEVER = Shape(
    key="lever-fivetran",
    title="Lever (Fivetran)",
    tables=(
        TableSpec(
            "opportunity",
            ("id", "created_at"),
            ("archived_at", "archived_reason_id", "contact", "origin", "stage_id", *_FIVETRAN),
        ),
        TableSpec(
            "opportunity_stage_history",
            ("opportunity_id", "stage_id", "updated_at"),
            ("to_stage_index", *_FIVETRAN),
        ),
        TableSpec("stage", ("id", "text"), _FIVETRAN),
        TableSpec("archive_reason", ("id", "text"), _FIVETRAN, needed=False),
        # Older connectors name the opportunity ``candidate_id`` on the offer; newer ones add
        # ``opportunity_id``: either is accepted.
        TableSpec(
            "offer",
            ("id", "created_at", "status"),
            ("opportunity_id", "candidate_id", *_FIVETRAN),
            needed=False,
        ),
        TableSpec("opportunity_source", ("opportunity_id", "source"), _FIVETRAN, needed=False),
        TableSpec(
            "application",
            ("opportunity_id",),
            ("posting_id", "requisition_for_hire_id", *_FIVETRAN),
            needed=False,
        ),
        TableSpec(
            "posting",
            ("id",),
            (
                "categories_department",
                "categories_team",
                "categories_location",
                "categories_level",
                *_FIVETRAN,
            ),
            needed=False,
        ),  # fmt: skip
    ),
)

SHAPES: dict[str, Shape] = {s.key: s for s in (GREENHOUSE, LEVER)}
