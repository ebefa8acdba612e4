"""Reading ATS exports: file -> text table -> column mapping -> validated tables -> atomic load.

The flow, one module per step::

    raw = read_upload(data, "export.csv")                  # reading: bytes/path -> text table
    mapping = suggest_mapping(raw.columns, "applications")  # mapping (fields: the catalogue)
    prepared = prepare(raw, "applications", mapping, con=cur)  # prepare: values, pipeline_rules
    print(prepared.report.to_text("nl"))                    # report: problems with row, column
    if prepared.ok:
        version = load(con, prepared, mode="replace")      # load: one transaction, undo

Nothing is stored until ``load`` (``store.load_tables``: all or nothing). Direct identifiers are
dropped at import (``identifiers``) and ``candidate_id`` is stored as a keyed hash
(``store.idkey``). Surveys: ``ingest.survey``.
"""

from __future__ import annotations

from analytics.ingest.fields import (
    FIELDS,
    KINDS,
    PIPELINE_RULES,
    REQUIRED,
    RULES_KEY,
    STEP_FORMATS,
    DateOrder,
    Kind,
)
from analytics.ingest.load import import_file, load, undo
from analytics.ingest.mapping import (
    Profile,
    best_profile,
    delete_profile,
    find_profile,
    is_identifier,
    list_profiles,
    normalise_name,
    save_profile,
    suggest_mapping,
)
from analytics.ingest.pipeline_rules import (
    match_rule,
    pipeline_rules,
    reset_pipeline_rules,
    rules_frame,
    save_pipeline_rules,
)
from analytics.ingest.prepare import Prepared, prepare
from analytics.ingest.reading import (
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    NA_MARKERS,
    RawFile,
    decode,
    read_path,
    read_upload,
    sniff_delimiter,
)
from analytics.ingest.report import MAX_LISTED, IngestError, Problem, QualityReport, problem_table
from analytics.ingest.values import detect_date_order, parse_number

__all__ = [
    "FIELDS",
    "KINDS",
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "MAX_LISTED",
    "NA_MARKERS",
    "PIPELINE_RULES",
    "REQUIRED",
    "RULES_KEY",
    "STEP_FORMATS",
    "DateOrder",
    "IngestError",
    "Kind",
    "Prepared",
    "Problem",
    "Profile",
    "QualityReport",
    "RawFile",
    "best_profile",
    "decode",
    "delete_profile",
    "detect_date_order",
    "find_profile",
    "import_file",
    "is_identifier",
    "list_profiles",
    "load",
    "match_rule",
    "normalise_name",
    "parse_number",
    "pipeline_rules",
    "prepare",
    "problem_table",
    "read_path",
    "read_upload",
    "reset_pipeline_rules",
    "rules_frame",
    "save_pipeline_rules",
    "save_profile",
    "sniff_delimiter",
    "suggest_mapping",
    "undo",
]
