"""A synced schema -> the app's shapes: applications, stage moves, latest offers (SQL).

Why SQL over the connector's tables: the joins (stage names from the stage table, departments
through link tables, the latest offer version) are what SQL is for, and the scratch DuckDB holds
every column as text, so one query serves CSV, Parquet and Postgres alike (``sources``).

Rules every shape follows (the README's sync section says the same to the analyst):
- Soft-deleted rows (``_fivetran_deleted``) of applications, history, offers and link tables are
  left out. Lookup tables that only name things (stages, sources, departments, offices, archive
  reasons) keep deleted rows, because past moves still refer to them.
- History mode (``_fivetran_active``): only the active version of a row counts; when an id
  repeats otherwise, the latest ``_fivetran_synced`` wins. A stage renamed over time therefore
  carries its current name on every move, old and new.
- History rows without a stage (a status change only) are not stage moves: counted, skipped.
  Moves to a stage the stage table does not know are counted and skipped too. A move to the stage
  the application is already in (Greenhouse logs status changes that way) is no new stage.
- Candidate drop-off: Greenhouse's rejection reasons of type "They rejected us" and Lever's
  archive reasons that say the candidate withdrew, stopped responding or took another job are
  withdrawals; a declined latest offer is ``offer_declined``; the rest of the closed applications
  are rejections.
- Greenhouse prospects (not applications yet) and converted prospect records are left out.
- Offers: the latest per application (Greenhouse: highest version, deprecated ones ignored;
  Lever: latest created, drafts and offers waiting for approval ignored, as they never reached
  the candidate). Lever's offer table has no decision date: a signed or denied offer is dated by
  the opportunity's archive date, when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

# Text -> typed values, the same for every source (see sources: everything arrives as text).
_MACROS = (
    r"CREATE OR REPLACE MACRO sync_id(x) AS nullif(regexp_replace(trim(x), '\.0+$', ''), '')",
    # Offsets are honoured (TIMESTAMPTZ in a UTC session), then dropped.
    "CREATE OR REPLACE MACRO sync_ts(x) AS CAST(TRY_CAST(trim(x) AS TIMESTAMPTZ) AS TIMESTAMP)",
    "CREATE OR REPLACE MACRO sync_true(x) AS "
    "coalesce(lower(trim(x)) IN ('true', 't', '1', 'yes', 'y'), false)",
    "CREATE OR REPLACE MACRO sync_live(deleted, active) AS "
    "NOT sync_true(deleted) AND (active IS NULL OR sync_true(active))",
    "CREATE OR REPLACE MACRO sync_text(x) AS nullif(trim(x), '')",
)

# Lever archive reasons that are the candidate's decision (matched on the lower-cased text).
_LEVER_WITHDRAWN = (
    "withdr|unresponsive|no response|not responsive|ghost|not interested|no longer interested"
    "|accepted another|took another|other offer|teruggetrokken"
)
_LEVER_OFFER_DECLINED = "offer.*(declin|reject|turned down)|declin.*offer"


@dataclass(frozen=True)
class Mapped:
    """The source in the app's shapes (still ids, names and dates; nothing validated)."""

    applications: pd.DataFrame  # application_id, candidate_id, requisition_id, applied_on,
    # role_family, seniority, region, source, status, furthest_stage
    events: pd.DataFrame  # application_id, stage, entered_at (timestamp), job_key
    offers: pd.DataFrame  # application_id, offered_on, decided_on, accepted
    job_stages: pd.DataFrame  # requisition_id, stage (in id order): the job's own stage list
    counts: dict[str, int]  # what was left out, for the report


def _lookup(table: str, key: str = "id", value: str = "name") -> str:
    """One current name per id (history mode's active row, else the latest synced copy)."""
    return f"""
        SELECT sync_id({key}) AS id, sync_text({value}) AS name
        FROM "{table}"
        WHERE _fivetran_active IS NULL OR sync_true(_fivetran_active)
        QUALIFY row_number() OVER (
            PARTITION BY sync_id({key})
            ORDER BY sync_ts(_fivetran_synced) DESC NULLS LAST
        ) = 1"""


def _link(table: str, left: str, right: str) -> str:
    """The first (lowest) linked id per left id, of live link rows."""
    return f"""
        SELECT sync_id({left}) AS id, min(sync_id({right})) AS other
        FROM "{table}"
        WHERE sync_live(_fivetran_deleted, _fivetran_active)
        GROUP BY 1"""


def _empty_lookup(cols: tuple[str, str] = ("id", "name")) -> str:
    return f"SELECT NULL::VARCHAR AS {cols[0]}, NULL::VARCHAR AS {cols[1]} WHERE false"


def _count(con: duckdb.DuckDBPyConnection, query: str) -> int:
    return int(con.execute(query).fetchall()[0][0])


def _deleted(con: duckdb.DuckDBPyConnection, table: str, present: set[str]) -> int:
    if table not in present:
        return 0
    return _count(con, f'SELECT count(*) FROM "{table}" WHERE sync_true(_fivetran_deleted)')


def _moves(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``_moves`` (application_id, stage_id, at) -> stage moves with names, repeats dropped."""
    return con.execute(
        """
        SELECT application_id, stage, entered_at, job_key
        FROM (
            SELECT m.application_id, s.name AS stage, m.moved_at AS entered_at, m.job_key,
                   lag(s.name) OVER (
                       PARTITION BY m.application_id ORDER BY m.moved_at, m.seq
                   ) AS before
            FROM _moves AS m
            JOIN _stage_names AS s ON s.id = m.stage_id
            WHERE m.moved_at IS NOT NULL
        )
        WHERE before IS NULL OR before <> stage
        ORDER BY application_id, entered_at
        """
    ).df()


def _move_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        "history_without_stage": _count(con, "SELECT count(*) FROM _moves WHERE stage_id IS NULL"),
        "history_unknown_stage": _count(
            con,
            "SELECT count(*) FROM _moves AS m WHERE m.stage_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM _stage_names AS s WHERE s.id = m.stage_id)",
        ),
        "history_without_date": _count(
            con, "SELECT count(*) FROM _moves WHERE stage_id IS NOT NULL AND moved_at IS NULL"
        ),
    }


def map_greenhouse(con: duckdb.DuckDBPyConnection, present: set[str]) -> Mapped:
    for m in _MACROS:
        con.execute(m)
    has = present.__contains__
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _stage_names AS "
        + _lookup("job_stage")
    )  # fmt: skip
    for name, sql in (
        ("_source", _lookup("source") if has("source") else _empty_lookup()),
        ("_department", _lookup("department") if has("department") else _empty_lookup()),
        ("_office", _lookup("office") if has("office") else _empty_lookup()),
        ("_job_req", _lookup("job", value="requisition_id") if has("job") else _empty_lookup()),
        (
            "_reason",
            _lookup("rejection_reason", value="type_name")
            if has("rejection_reason")
            else _empty_lookup(),
        ),
        (
            "_app_job",
            _link("job_application", "application_id", "job_id")
            if has("job_application")
            else _empty_lookup(("id", "other")),
        ),
        (
            "_job_dept",
            _link("job_department", "job_id", "department_id")
            if has("job_department")
            else _empty_lookup(("id", "other")),
        ),
        (
            "_job_office",
            _link("job_office", "job_id", "office_id")
            if has("job_office")
            else _empty_lookup(("id", "other")),
        ),
    ):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
    offer_sql = (
        """
        SELECT sync_id(application_id) AS application_id,
               lower(trim(status)) AS status,
               CAST(coalesce(sync_ts(sent_at), sync_ts(created_at)) AS DATE) AS offered_on,
               CAST(sync_ts(resolved_at) AS DATE) AS resolved_on
        FROM offer
        WHERE sync_live(_fivetran_deleted, _fivetran_active)
          AND lower(trim(status)) <> 'deprecated'
        QUALIFY row_number() OVER (
            PARTITION BY sync_id(application_id)
            ORDER BY TRY_CAST(version AS INTEGER) DESC NULLS LAST, sync_ts(created_at) DESC,
                     sync_id(id) DESC
        ) = 1"""
        if has("offer")
        else "SELECT NULL::VARCHAR AS application_id, NULL::VARCHAR AS status, "
        "NULL::DATE AS offered_on, NULL::DATE AS resolved_on WHERE false"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _offer AS {offer_sql}")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _app AS
        SELECT sync_id(a.id) AS application_id,
               sync_id(a.candidate_id) AS candidate_id,
               CAST(sync_ts(a.applied_at) AS DATE) AS applied_on,
               lower(trim(a.status)) AS ats_status,
               sync_id(a.source_id) AS source_id,
               sync_id(a.current_stage_id) AS current_stage_id,
               sync_id(a.rejected_reason_id) AS reason_id
        FROM application AS a
        WHERE sync_live(a._fivetran_deleted, a._fivetran_active)
          AND NOT sync_true(a.is_deleted)
          AND NOT sync_true(a.prospect)
          AND coalesce(lower(trim(a.status)), '') <> 'converted'
        QUALIFY row_number() OVER (
            PARTITION BY sync_id(a.id) ORDER BY sync_ts(a._fivetran_synced) DESC NULLS LAST
        ) = 1
        """
    )
    applications = con.execute(
        """
        SELECT a.application_id, a.candidate_id,
               coalesce(jr.name, aj.other) AS requisition_id,
               a.applied_on,
               d.name AS role_family,
               NULL::VARCHAR AS seniority,
               o.name AS region,
               s.name AS source,
               CASE
                   WHEN a.ats_status = 'active' THEN 'open'
                   WHEN a.ats_status = 'rejected' AND f.status = 'rejected' THEN 'offer_declined'
                   WHEN a.ats_status = 'rejected'
                        AND lower(r.name) LIKE '%they rejected us%' THEN 'withdrawn'
                   ELSE a.ats_status
               END AS status,
               st.name AS furthest_stage
        FROM _app AS a
        LEFT JOIN _app_job AS aj ON aj.id = a.application_id
        LEFT JOIN _job_req AS jr ON jr.id = aj.other
        LEFT JOIN _job_dept AS jd ON jd.id = aj.other
        LEFT JOIN _department AS d ON d.id = jd.other
        LEFT JOIN _job_office AS jo ON jo.id = aj.other
        LEFT JOIN _office AS o ON o.id = jo.other
        LEFT JOIN _source AS s ON s.id = a.source_id
        LEFT JOIN _reason AS r ON r.id = a.reason_id
        LEFT JOIN _offer AS f ON f.application_id = a.application_id
        LEFT JOIN _stage_names AS st ON st.id = a.current_stage_id
        ORDER BY a.application_id
        """
    ).df()
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _moves AS
        SELECT a.application_id, sync_id(h.new_stage_id) AS stage_id,
               sync_ts(h.updated_at) AS moved_at, row_number() OVER () AS seq,
               coalesce(jr.name, aj.other) AS job_key
        FROM application_history AS h
        JOIN _app AS a ON a.application_id = sync_id(h.application_id)
        LEFT JOIN _app_job AS aj ON aj.id = a.application_id
        LEFT JOIN _job_req AS jr ON jr.id = aj.other
        WHERE sync_live(h._fivetran_deleted, h._fivetran_active)
        """
    )
    events = _moves(con)
    # The job's own stage list (Greenhouse stages belong to a job; ids grow in pipeline order),
    # used when an application never reached a step the tagging rules recognise.
    job_stages = con.execute(
        """
        SELECT coalesce(jr.name, sync_id(j.job_id)) AS requisition_id, s.name AS stage
        FROM job_stage AS j
        JOIN _stage_names AS s ON s.id = sync_id(j.id)
        LEFT JOIN _job_req AS jr ON jr.id = sync_id(j.job_id)
        WHERE sync_id(j.job_id) IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY sync_id(j.id) ORDER BY 1) = 1
        ORDER BY requisition_id, TRY_CAST(sync_id(j.id) AS HUGEINT), sync_id(j.id)
        """
    ).df()
    offers = con.execute(
        """
        SELECT f.application_id, f.offered_on,
               CASE WHEN f.status IN ('accepted', 'rejected') THEN f.resolved_on END
                   AS decided_on,
               CASE f.status WHEN 'accepted' THEN true WHEN 'rejected' THEN false END
                   AS accepted
        FROM _offer AS f
        JOIN _app AS a USING (application_id)
        WHERE f.offered_on IS NOT NULL
        ORDER BY f.application_id
        """
    ).df()
    counts = {
        "deleted_applications": _deleted(con, "application", present),
        "prospects": _count(
            con,
            "SELECT count(*) FROM application WHERE NOT sync_true(_fivetran_deleted) AND "
            "(sync_true(prospect) OR lower(trim(status)) = 'converted')",
        ),
        "deleted_offers": _deleted(con, "offer", present),
        **_move_counts(con),
    }
    return Mapped(applications, events, offers, job_stages, counts)


def map_lever(con: duckdb.DuckDBPyConnection, present: set[str]) -> Mapped:
    for m in _MACROS:
        con.execute(m)
    has = present.__contains__
    con.execute("CREATE OR REPLACE TEMP TABLE _stage_names AS " + _lookup("stage", value="text"))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _reason AS "
        + (_lookup("archive_reason", value="text") if has("archive_reason") else _empty_lookup())
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _opp_source AS "
        + (
            _link("opportunity_source", "opportunity_id", "source")
            if has("opportunity_source")
            else _empty_lookup(("id", "other"))
        )
    )
    if has("application"):
        app_sql = """
            SELECT sync_id(opportunity_id) AS id, min(sync_id(posting_id)) AS posting_id,
                   bool_or(sync_id(requisition_for_hire_id) IS NOT NULL) AS hired_on_req
            FROM application
            WHERE sync_live(_fivetran_deleted, _fivetran_active)
            GROUP BY 1"""
    else:
        app_sql = (
            "SELECT NULL::VARCHAR AS id, NULL::VARCHAR AS posting_id, "
            "NULL::BOOLEAN AS hired_on_req WHERE false"
        )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _opp_app AS {app_sql}")
    if has("posting"):
        posting_sql = """
            SELECT sync_id(id) AS id,
                   coalesce(sync_text(categories_department), sync_text(categories_team))
                       AS role_family,
                   sync_text(categories_level) AS seniority,
                   sync_text(categories_location) AS region
            FROM posting
            WHERE _fivetran_active IS NULL OR sync_true(_fivetran_active)
            QUALIFY row_number() OVER (
                PARTITION BY sync_id(id) ORDER BY sync_ts(_fivetran_synced) DESC NULLS LAST
            ) = 1"""
    else:
        posting_sql = (
            "SELECT NULL::VARCHAR AS id, NULL::VARCHAR AS role_family, "
            "NULL::VARCHAR AS seniority, NULL::VARCHAR AS region WHERE false"
        )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _posting AS {posting_sql}")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _app AS
        SELECT sync_id(o.id) AS application_id,
               sync_id(o.contact) AS candidate_id,
               CAST(sync_ts(o.created_at) AS DATE) AS applied_on,
               sync_ts(o.archived_at) AS archived_at,
               sync_id(o.archived_reason_id) AS reason_id,
               sync_id(o.stage_id) AS stage_id,
               sync_text(o.origin) AS origin
        FROM opportunity AS o
        WHERE sync_live(o._fivetran_deleted, o._fivetran_active)
        QUALIFY row_number() OVER (
            PARTITION BY sync_id(o.id) ORDER BY sync_ts(o._fivetran_synced) DESC NULLS LAST
        ) = 1
        """
    )
    if has("offer"):
        offer_sql = """
            SELECT coalesce(sync_id(opportunity_id), sync_id(candidate_id)) AS application_id,
                   lower(trim(status)) AS status,
                   CAST(sync_ts(created_at) AS DATE) AS offered_on
            FROM offer
            WHERE sync_live(_fivetran_deleted, _fivetran_active)
              AND lower(trim(status)) NOT IN ('draft', 'approval-sent', 'approved')
            QUALIFY row_number() OVER (
                PARTITION BY coalesce(sync_id(opportunity_id), sync_id(candidate_id))
                ORDER BY sync_ts(created_at) DESC, sync_id(id) DESC
            ) = 1"""
    else:
        offer_sql = (
            "SELECT NULL::VARCHAR AS application_id, NULL::VARCHAR AS status, "
            "NULL::DATE AS offered_on WHERE false"
        )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _offer AS {offer_sql}")
    applications = con.execute(
        """
        SELECT a.application_id, a.candidate_id, oa.posting_id AS requisition_id, a.applied_on,
               p.role_family, p.seniority, p.region,
               coalesce(os.other, a.origin) AS source,
               CASE
                   WHEN a.archived_at IS NULL THEN 'open'
                   WHEN coalesce(oa.hired_on_req, false)
                        OR lower(trim(r.name)) = 'hired' THEN 'hired'
                   WHEN f.status = 'denied'
                        OR regexp_matches(lower(coalesce(r.name, '')), $declined)
                       THEN 'offer_declined'
                   WHEN regexp_matches(lower(coalesce(r.name, '')), $withdrawn) THEN 'withdrawn'
                   ELSE 'rejected'
               END AS status,
               st.name AS furthest_stage
        FROM _app AS a
        LEFT JOIN _opp_app AS oa ON oa.id = a.application_id
        LEFT JOIN _posting AS p ON p.id = oa.posting_id
        LEFT JOIN _opp_source AS os ON os.id = a.application_id
        LEFT JOIN _reason AS r ON r.id = a.reason_id
        LEFT JOIN _offer AS f ON f.application_id = a.application_id
        LEFT JOIN _stage_names AS st ON st.id = a.stage_id
        ORDER BY a.application_id
        """,
        {"declined": _LEVER_OFFER_DECLINED, "withdrawn": _LEVER_WITHDRAWN},
    ).df()
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _moves AS
        SELECT a.application_id, sync_id(h.stage_id) AS stage_id, sync_ts(h.updated_at) AS moved_at,
               row_number() OVER () AS seq, oa.posting_id AS job_key
        FROM opportunity_stage_history AS h
        JOIN _app AS a ON a.application_id = sync_id(h.opportunity_id)
        LEFT JOIN _opp_app AS oa ON oa.id = a.application_id
        WHERE sync_live(h._fivetran_deleted, h._fivetran_active)
        """
    )
    events = _moves(con)
    offers = con.execute(
        """
        SELECT f.application_id, f.offered_on,
               CASE WHEN f.status IN ('signed', 'denied') THEN CAST(a.archived_at AS DATE) END
                   AS decided_on,
               CASE f.status WHEN 'signed' THEN true WHEN 'denied' THEN false END AS accepted
        FROM _offer AS f
        JOIN _app AS a USING (application_id)
        WHERE f.offered_on IS NOT NULL
        ORDER BY f.application_id
        """
    ).df()
    counts = {
        "deleted_applications": _deleted(con, "opportunity", present),
        "deleted_offers": _deleted(con, "offer", present),
        **_move_counts(con),
    }
    empty_stages = pd.DataFrame({"requisition_id": [], "stage": []}, dtype=object)
    return Mapped(applications, events, offers, empty_stages, counts)


MAPPERS = {"greenhouse-fivetran": map_greenhouse, "lever-fivetran": map_lever}
